import Foundation
import Testing
@testable import RunStore

/// Opens a run file with h5py (Debian's python3-h5py, test tooling only) and checks what a Python user
/// sees: every name, shape, dtype and a sample of values, plus the content hash recomputed in Python
/// from the byte stream docs/run-file.md describes.
@Suite struct RunFileH5pyTests {
    static let python = "/usr/bin/python3"

    static let script = #"""
import h5py, hashlib, json, math, struct, sys
import numpy as np

def kind(ds):
    if h5py.check_string_dtype(ds.dtype) is not None:
        return "string"
    return ds.dtype.name

with h5py.File(sys.argv[1], "r") as f:
    datasets = {}
    f.visititems(lambda name, obj: datasets.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    out = {"datasets": {n: {"dtype": kind(d), "shape": list(d.shape)} for n, d in datasets.items()},
           "attrs": {k: (v.decode() if isinstance(v, bytes) else (int(v) if isinstance(v, np.integer) else str(v)))
                     for k, v in f.attrs.items()}}
    # Little-endian storage, as the schema promises.
    out["byte_orders"] = sorted({d.dtype.str[0] for d in datasets.values() if h5py.check_string_dtype(d.dtype) is None})
    out["config"] = f["config"].asstr()[()]
    out["dice"] = [[None if math.isnan(x) else x for x in row] for row in f["metrics/dice"][()].tolist()]
    out["metric_volumes"] = f["metrics/volume_ids"].asstr()[()].tolist()
    out["class_names"] = f["metrics/class_names"].asstr()[()].tolist()
    out["both_empty_count"] = int(f["metrics/both_empty_count"][()])
    out["label_1_2_1"] = int(f["predictions/007/labels"][1, 2, 1])
    out["affine"] = f["predictions/007/affine"][()].tolist()
    out["w_1_0_2_1"] = float(f["weights/final/enc_c1_a/W"][1, 0, 2, 1])
    out["best_minus_final"] = float((f["weights/best/enc_c1_a/W"][()] - f["weights/final/enc_c1_a/W"][()]).mean())
    out["embedding_row_2"] = f["activations/g1/embeddings"][2].tolist()
    out["decoder_1_2_3_0"] = float(f["activations/decoder/features"][1, 2, 3, 0])
    out["git_dirty"] = int(f["provenance/git_dirty"][()])
    out["seeds"] = dict(zip(f["seeds/purposes"].asstr()[()].tolist(), f["seeds/values"][()].tolist()))
    out["losses"] = f["curves/train/loss_names"].asstr()[()].tolist()
    out["timings"] = f["volatile/timing_seconds"][()].tolist()

    # The content hash, recomputed from the documented byte stream; then the results hash, the same
    # stream without attributes over the result groups only.
    def digest(attributes, include):
        h = hashlib.sha256()
        for name in attributes:
            v = f.attrs[name]
            v = v.decode() if isinstance(v, bytes) else str(v)
            h.update(f"attr {name} {v}\n".encode())
        for name in sorted(datasets):
            if include(name):
                stream(h, name, datasets[name])
        return h.hexdigest()
    def stream(h, name, d):
        h.update(f"{name}\t{kind(d)}\t{'x'.join(str(s) for s in d.shape)}\n".encode())
        if kind(d) == "string":
            for s in np.asarray(d.asstr()[()], dtype=object).reshape(-1):
                b = s.encode()
                h.update(struct.pack("<Q", len(b)) + b)
        else:
            h.update(np.ascontiguousarray(d[()]).astype(d.dtype.newbyteorder("<")).tobytes())
    out["python_hash"] = digest(["format", "run_key", "schema_version", "stage"],
                                lambda n: not (n == "volatile" or n.startswith("volatile/")))
    results = {"weights", "curves", "metrics", "predictions", "activations", "activations_initial"}
    out["python_results_hash"] = digest([], lambda n: n.split("/")[0] in results)
print(json.dumps(out))
"""#

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python)))
    func h5pyReadsNamesShapesTypesAndValues() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        let hash = try RunFileWriter.write(RunFixtures.record(), to: path)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = ["-c", Self.script, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "h5py failed: \(errors)")
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])

        let datasets = try #require(json["datasets"] as? [String: [String: Any]])
        func entry(_ name: String) -> String {
            guard let d = datasets[name] else { return "missing" }
            return "\(d["dtype"]!) \((d["shape"] as! [Int]))"
        }
        let expected: [String: String] = [
            "config": "string []",
            "provenance/harness_version": "string []", "provenance/git_commit": "string []",
            "provenance/git_dirty": "uint8 []", "provenance/toolchain": "string []",
            "provenance/library_names": "string [2]", "provenance/library_versions": "string [2]",
            "provenance/openblas_core": "string []", "provenance/openblas_threads": "int64 []",
            "provenance/engine_threads": "int64 []", "provenance/cpu_model": "string []",
            "provenance/matrix_kernels": "string []",
            "volatile/host": "string []", "volatile/started_utc": "string []", "volatile/finished_utc": "string []",
            "volatile/timing_phases": "string [2]", "volatile/timing_seconds": "float64 [2]", "volatile/data_root": "string []",
            "seeds/purposes": "string [2]", "seeds/values": "int64 [2]",
            "inputs/split_sha256": "string []", "inputs/volume_ids": "string [2]", "inputs/image_sha256": "string [2]",
            "inputs/label_sha256": "string [2]", "inputs/dependency_stages": "string [1]",
            "inputs/dependency_run_keys": "string [1]", "inputs/dependency_sha256": "string [1]",
            "inputs/dependency_results_sha256": "string [1]",
            "curves/train/step": "int64 [3]", "curves/train/lr": "float64 [3]", "curves/train/loss_names": "string [2]",
            "curves/train/loss/total": "float64 [3]", "curves/train/loss/dice": "float64 [3]",
            "curves/validation/step": "int64 [2]", "curves/validation/dice": "float64 [2]",
            "curves/validation/best_step": "int64 []",
            "metrics/volume_ids": "string [2]", "metrics/class_names": "string [3]", "metrics/class_labels": "int64 [3]",
            "metrics/dice": "float64 [2, 3]", "metrics/hd95": "float64 [2, 3]", "metrics/assd": "float64 [2, 3]",
            "metrics/both_empty": "uint8 [2, 3]", "metrics/both_empty_count": "int64 []",
            "weights/variables": "string [2]",
            "weights/final/enc_c1_a/W": "float32 [2, 1, 3, 3]", "weights/final/enc_c1_a/bn/beta": "float32 [2]",
            "weights/best/enc_c1_a/W": "float32 [2, 1, 3, 3]", "weights/best/enc_c1_a/bn/beta": "float32 [2]",
            "activations/g1/embeddings": "float32 [3, 4]", "activations/g1/volume_ids": "string [3]",
            "activations/g1/slice_indices": "int64 [3]", "activations/g1/partitions": "int64 [3]",
            "activations/decoder/block": "int64 []", "activations/decoder/features": "float32 [2, 3, 4, 4]",
            "activations/decoder/volume_ids": "string [2]", "activations/decoder/slice_indices": "int64 [2]",
            "predictions/volume_ids": "string [1]", "predictions/007/labels": "uint8 [3, 4, 2]",
            "predictions/007/affine": "float64 [4, 4]", "predictions/007/spacing": "float64 [3]",
        ]
        #expect(Set(datasets.keys) == Set(expected.keys), "datasets: \(datasets.keys.sorted())")
        for (name, want) in expected { #expect(entry(name) == want, "\(name)") }

        let attrs = try #require(json["attrs"] as? [String: Any])
        #expect(attrs["schema_version"] as? Int == 1)
        #expect(attrs["format"] as? String == "ContrastiveSeg run")
        #expect(attrs["run_key"] as? String == "baseline_tr1_c1_s7")
        #expect(attrs["stage"] as? String == "finetune")
        #expect(attrs["content_sha256"] as? String == hash)
        #expect(json["python_hash"] as? String == hash, "Python's recomputation of the documented hash")
        let results = try #require(attrs["results_sha256"] as? String)
        #expect(json["python_results_hash"] as? String == results, "Python's recomputation of the documented results hash")
        #expect(json["byte_orders"] as? [String] == ["<"] || json["byte_orders"] as? [String] == ["<", "|"])

        #expect(json["config"] as? String == RunFixtures.config)
        let dice = try #require(json["dice"] as? [[Any]])
        #expect(dice[0][0] as? Double == 0.123456789)
        #expect(dice[0][2] is NSNull, "both empty is NaN")
        #expect(dice[1][0] as? Double == 0.0, "a missed structure is 0")
        #expect(json["metric_volumes"] as? [String] == ["007", "008"])
        #expect(json["class_names"] as? [String] == ["RV", "Myo", "LV"])
        #expect(json["both_empty_count"] as? Int == 1)
        // [X, Y, Z] row-major: element (1, 2, 1) is flat index (1·4 + 2)·2 + 1 = 13, label 13 % 4.
        #expect(json["label_1_2_1"] as? Int == 1)
        #expect(json["affine"] as? [[Double]] == [[1.5, 0, 0, -10], [0, 1.5, 0, -20], [0, 0, 10, 5], [0, 0, 0, 1]])
        // [2, 1, 3, 3] row-major: (1, 0, 2, 1) is flat 9 + 7 = 16, value 16·0.25 − 2.
        #expect(json["w_1_0_2_1"] as? Double == 2.0)
        #expect(json["best_minus_final"] as? Double == 1.0)
        #expect(json["embedding_row_2"] as? [Double] == [1.0, 1.125, 1.25, 1.375])
        // [2, 3, 4, 4]: (1, 2, 3, 0) is flat 48 + 32 + 12 = 92, value 92 − 48.
        #expect(json["decoder_1_2_3_0"] as? Double == 44)
        #expect(json["git_dirty"] as? Int == 1)
        #expect(json["seeds"] as? [String: Int] == ["run": 7, "init": 9_000_000_000])
        #expect(json["losses"] as? [String] == ["total", "dice"])
        #expect(json["timings"] as? [Double] == [4321.5, 12.25])
    }
}
