import Foundation
import Imaging
import Testing
import TestSupport

/// Issue 15 item 3: a volume written with `headerFrom:` carries the template's header exactly, as
/// nibabel (Debian's python3-nibabel, test tooling only) reads it: dims (a 4-D singleton axis too),
/// qform/sform codes and matrices, the quaternion, pixdim, xyzt_units.
@Suite("NIfTI: a written label map keeps its image's header")
struct NIfTIHeaderKeptTests {
    static let python = "/usr/bin/python3"

    /// A 6 × 5 × 3 float32 image with axes L, S, A (permuted, flipped) at 1.5 × 2 × 3 mm.
    static func template(_ name: String, _ edit: (inout NIfTIHeaderPatch) -> Void) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-keep-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = "\(dir)/\(name).nii"
        let affine = Affine([-1.5, 0, 0, 10, 0, 0, 3, 20, 0, 2, 0, 30, 0, 0, 0, 1])
        let v = Volume(shape: [6, 5, 3], voxels: (0..<90).map { Float($0) * 0.5 }, spacing: [1.5, 2, 3], affine: affine)
        try NIfTI.write(v, to: path, as: .float32)
        var patch = try NIfTIHeaderPatch(contentsOf: path)
        edit(&patch)
        try patch.write(to: path)
        return path
    }

    /// nibabel's view of the header fields that place a file in space, as JSON.
    static func nibabelFields(_ path: String) throws -> [String: String] {
        let script = """
            import json, sys, nibabel as nib, numpy as np
            h = nib.load(sys.argv[1]).header
            fields = {k: np.asarray(h[k]).tolist() for k in ["dim", "pixdim", "qform_code", "sform_code", "xyzt_units",
                      "quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y", "qoffset_z", "srow_x", "srow_y", "srow_z",
                      "slice_code", "slice_start", "slice_end", "slice_duration", "toffset", "datatype"]}
            fields["qform"] = h.get_qform().tolist()
            fields["sform"] = h.get_sform().tolist()
            print(json.dumps({k: json.dumps(v) for k, v in fields.items()}, sort_keys=True))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw NibabelFailure(message: "\(path): nibabel: \(errors)") }
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    @Test("mixed codes (qform 2 / sform 1, qform 0 / sform 4) and a 4-D t = 1 float32 image with seconds",
          arguments: ["codes-2-1", "codes-0-4", "4d-singleton"])
    func headerKept(_ name: String) throws {
        try #require(FileManager.default.fileExists(atPath: Self.python), "needs /usr/bin/python3 with python3-nibabel")
        let template = try Self.template(name) { p in
            switch name {
            case "codes-2-1": p.setQformCode(2); p.setSformCode(1)
            case "codes-0-4": p.setQformCode(0); p.setSformCode(4)
            default:
                p.setDims([6, 5, 3, 1]); p.setPixdim(4, 2.5)
                p.setXYZTUnits(2 | 8)   // mm and seconds
                p.setQformCode(2); p.setSformCode(2)
            }
        }
        let image = try NIfTI.read(template).volume
        let labels = Volume(shape: image.shape, voxels: (0..<90).map { Float($0 % 4) }, spacing: image.spacing, affine: image.affine)
        let out = template.replacingOccurrences(of: ".nii", with: "-labels.nii.gz")
        try NIfTI.write(labels, to: out, as: .uint8, headerFrom: template)

        var want = try Self.nibabelFields(template), got = try Self.nibabelFields(out)
        #expect(want.removeValue(forKey: "datatype") == "16" && got.removeValue(forKey: "datatype") == "2")
        for key in want.keys.sorted() { #expect(got[key] == want[key], "\(key)") }
        #expect(got.count == want.count)
        // Our reader agrees, and the labels are the labels.
        let back = try NIfTI.read(out)
        #expect(back.volume.voxels == labels.voxels && back.volume.affine == image.affine)
        let codes = (back.header.qformCode, back.header.sformCode)
        switch name {
        case "codes-2-1": #expect(codes == (2, 1))
        case "codes-0-4": #expect(codes == (0, 4))
        default: #expect(back.header.dims == [6, 5, 3, 1] && back.header.xyzUnits == 2)
        }
    }

    @Test("a template on another grid is refused")
    func otherGridRefused() throws {
        let template = try Self.template("grid") { _ in }
        let wrong = Volume(shape: [6, 5, 4], voxels: [Float](repeating: 0, count: 120), spacing: [1.5, 2, 3], affine: .scaling([1.5, 2, 3]))
        let error = #expect(throws: NIfTIError.self) { try NIfTI.write(wrong, to: template + ".out.nii.gz", as: .uint8, headerFrom: template) }
        #expect(error?.detail == "the volume's shape [6, 5, 4] is not the grid of \(template) (dims [6, 5, 3])")
        var moved = try NIfTI.read(template).volume
        moved.affine.m[3] += 1
        let error2 = #expect(throws: NIfTIError.self) { try NIfTI.write(moved, to: template + ".out.nii.gz", as: .uint8, headerFrom: template) }
        #expect(error2?.detail.hasPrefix("the volume's affine differs from \(template)'s by up to 1.0 mm") == true)
        #expect(!FileManager.default.fileExists(atPath: template + ".out.nii.gz"))
    }
}

struct NibabelFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
