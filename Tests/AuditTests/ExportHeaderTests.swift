import Foundation
import Imaging
import RunStore
import Testing
import TestSupport
@testable import Planning
@testable import Running

/// Issue 15 item 3 end to end: a run on inputs whose headers carry qform/sform codes 2/1 and a 4-D
/// singleton axis exports predictions with exactly those headers, as nibabel reads them.
@Suite("Export keeps the input's header (through a run)", .serialized)
struct ExportHeaderTests {
    static func nibabel(_ path: String) throws -> String {
        let script = """
            import json, sys, nibabel as nib, numpy as np
            h = nib.load(sys.argv[1]).header
            keys = ["dim", "pixdim", "qform_code", "sform_code", "xyzt_units", "quatern_b", "quatern_c", "quatern_d",
                    "qoffset_x", "qoffset_y", "qoffset_z", "srow_x", "srow_y", "srow_z"]
            print(json.dumps({k: np.asarray(h[k]).tolist() for k in keys}, sort_keys=True))
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", script, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    @Test("codes 2/1, a 4-D t = 1 image with seconds: cseg export writes them back unchanged")
    func mixedCodes() throws {
        let c = try AuditFixture.makeCase("export-header")
        // The case's stored baseline was made on the base's unedited data (and records that data root):
        // start without it, so the run reads the edited files.
        try FileManager.default.removeItem(atPath: c.output)
        var config = TinyConfig()
        config.methods = ["baseline"]
        try c.writeExperiment(config)
        for id in ["005", "006"] {
            let image = try c.image(id)
            for path in [image, try c.label(id)] {
                let dims = try RawNIfTI.dims(path)
                var p = NIfTIHeaderPatch(bytes: try RawNIfTI.bytes(path))
                p.setQformCode(2)
                p.setSformCode(1)
                if id == "005" && path == image { p.setDims(dims + [1]); p.setXYZTUnits(2 | 8) }
                try RawNIfTI.write(p.bytes, to: path)
            }
        }
        _ = try c.runner().run()
        let cli = try CSegProcess.run(["export", "out/runs/baseline_tr1_c1_s7.h5", "--out", "exported"], in: c.path)
        #expect(cli.status == 0, "\(cli.stderr)")
        for id in ["005", "006"] {
            let exported = "\(c.path)/exported/baseline_tr1_c1_s7/\(id).nii.gz"
            let want = try Self.nibabel(try c.image(id)), got = try Self.nibabel(exported)
            #expect(!want.isEmpty && got == want, "\(id): \(got) vs \(want)")
            let h = try NIfTI.readHeader(exported)
            #expect(h.qformCode == 2 && h.sformCode == 1 && h.datatype == .uint8)
            if id == "005" { #expect(h.dims.count == 4 && h.dims[3] == 1 && h.xyzUnits == 2) }
        }
        // An input changed since the run is refused, naming it.
        try c.rewrite(try c.image("006"), as: .int16) { v in v.voxels[0] += 1 }
        let refused = try CSegProcess.run(["export", "out/runs/baseline_tr1_c1_s7.h5", "--out", "again"], in: c.path)
        #expect(refused.status == 1 && refused.stderr.contains("patient006_frame01.nii.gz: sha256 ")
                && refused.stderr.contains("the input of volume 006 changed since the run"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(c.path)/again/baseline_tr1_c1_s7/005.nii.gz"))
    }
}
