import Foundation
@testable import RunStore

/// A fresh directory per test, removed afterwards.
struct Scratch: ~Copyable {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("RunStoreTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }
}

/// A small but complete fine-tuning run: 2 test volumes × 3 classes (one cell both empty, one missed
/// structure), two weight variables, 3 embedded slices, 2 decoder feature maps, 1 prediction.
/// The distinctive values (0.123456789, 4321.5) let tests find their bytes in the file.
enum RunFixtures {
    static let config = #"{"method":"baseline","seed":7,"split":{"key":"tr1"}}"#

    static func record(volatileHost: String = "host-a", seconds: Double = 4321.5, config: String = config) -> RunRecord {
        let w = NamedArray(name: "enc_c1_a/W", shape: [2, 1, 3, 3], values: (0..<18).map { Float($0) * 0.25 - 2 })
        let b = NamedArray(name: "enc_c1_a/bn/beta", shape: [2], values: [0.5, -0.5])
        var wBest = w
        wBest.values = w.values.map { $0 + 1 }
        return RunRecord(
            runKey: "baseline_tr1_c1_s7", stage: "finetune", configJSON: config,
            provenance: RunProvenance(harnessVersion: "0.1.0", gitCommit: "0123456789abcdef0123456789abcdef01234567",
                                      gitDirty: true, toolchain: "Swift 6.3.1",
                                      libraries: [LibraryVersion(name: "HDF5", version: "1.10.8"),
                                                  LibraryVersion(name: "OpenBLAS", version: "0.3.21")],
                                      openBLASCore: "Haswell", openBLASThreads: 1, engineThreads: 2, cpuModel: "Test CPU @ 2.0GHz"),
            volatile: RunVolatile(host: volatileHost, startedUTC: "2025-01-31T12:00:00Z", finishedUTC: "2025-01-31T13:12:01Z",
                                  timings: [(phase: "train", seconds: seconds), (phase: "test", seconds: 12.25)], dataRoot: "/data/phantom"),
            seeds: [RunSeed(purpose: "run", value: 7), RunSeed(purpose: "init", value: 9_000_000_000)],
            inputs: RunInputs(splitSHA256: String(repeating: "ab", count: 32),
                              volumes: [VolumeHash(id: "002", imageSHA256: String(repeating: "1", count: 64), labelSHA256: String(repeating: "2", count: 64)),
                                        VolumeHash(id: "007", imageSHA256: String(repeating: "3", count: 64), labelSHA256: String(repeating: "4", count: 64))],
                              dependencies: [RunDependency(stage: "pretrain-global", runKey: "pretrain-global-GD_s7",
                                                           contentSHA256: String(repeating: "c", count: 64),
                                                           resultsSHA256: String(repeating: "d", count: 64))]),
            curves: RunCurves(trainSteps: [0, 1, 2], losses: [NamedSeries(name: "total", values: [0.9, 0.8, 0.75]),
                                                             NamedSeries(name: "dice", values: [0.9, 0.8, 0.75])],
                              learningRate: [1e-3, 1e-3, 1e-3], validationSteps: [0, 2], validationDice: [0.1, 0.3], bestStep: 2),
            metrics: RunMetrics(volumeIDs: ["007", "008"], classNames: ["RV", "Myo", "LV"], classLabels: [1, 2, 3],
                                dice: [0.123456789, 0.8, .nan, 0.0, 0.7, 0.9],
                                hd95: [3.5, 2.0, .nan, 310.25, 4.0, 1.5],
                                assd: [1.25, 0.5, .nan, 310.25, 1.0, 0.75],
                                bothEmpty: [0, 0, 1, 0, 0, 0]),
            bestWeights: [wBest, b], finalWeights: [w, b],
            activations: RunActivations(embeddings: (0..<12).map { Float($0) / 8 }, embeddingSize: 4,
                                        embeddingVolumeIDs: ["007", "007", "008"], embeddingSliceIndices: [0, 1, 0],
                                        embeddingPartitions: [0, 3, -1], decoderBlock: 3,
                                        decoderFeatures: (0..<96).map { Float($0) - 48 }, decoderShape: [2, 3, 4, 4],
                                        decoderVolumeIDs: ["007", "008"], decoderSliceIndices: [1, 0]),
            predictions: [VolumePrediction(volumeID: "007", shape: [3, 4, 2], labels: (0..<24).map { UInt8($0 % 4) },
                                           affine: [1.5, 0, 0, -10, 0, 1.5, 0, -20, 0, 0, 10, 5, 0, 0, 0, 1],
                                           spacing: [1.5, 1.5, 10])])
    }
}

/// Runs `body` expecting a `RunFileError` and returns its description ("" and a recorded issue otherwise).
func runFileErrorText(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as RunFileError {
        return error.description
    } catch {
        return "unexpected error: \(error)"
    }
}

struct ValueNotInFile: Error { let value: Double, path: String }

/// Flips the lowest mantissa bit of the first little-endian float64 `value` stored in the file at
/// `path` (a damaged disk or a hand edit that leaves the file readable).
func flipLowestBit(of value: Double, in path: String) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    let needle = withUnsafeBytes(of: value.bitPattern.littleEndian) { [UInt8]($0) }
    let bytes = [UInt8](data)
    guard bytes.count >= needle.count,
          let at = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
    else { throw ValueNotInFile(value: value, path: path) }
    data[at] ^= 0x01
    try data.write(to: URL(fileURLWithPath: path))
}
