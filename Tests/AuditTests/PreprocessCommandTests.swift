import Foundation
import Imaging
import Testing
@testable import Planning
@testable import Running

/// Issue 15 item 6: `cseg preprocess` writes the arrays a preset trains on (`--spacing`/`--size`, or
/// `--experiment`), and `cseg audit run` works on relative paths from any working directory.
@Suite("cseg preprocess options; cseg audit run from elsewhere", .serialized)
struct PreprocessCommandTests {
    struct Summary: Decodable {
        struct Case: Decodable { var id: String; var sliceShape: [Int]; var imageSlicesSHA256: String; var labelSlicesSHA256: String }
        var targetSpacing: [Double]
        var sliceSize: Int
        var cases: [Case]
    }

    func summary(_ path: String) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("--experiment writes exactly the slices its runs train on; --spacing/--size the same arrays by hand")
    func experimentScale() throws {
        let c = try AuditFixture.makeCase("preprocess")
        let e = try c.experiment()
        let data = try ExperimentData(e)
        try data.prepare(["001"])
        let prepared = try data.case("001").slices

        let viaExperiment = try CSegProcess.run(["preprocess", "--experiment", "experiment.toml", "--out", "pre-e", "--ids", "001"], in: c.path)
        #expect(viaExperiment.status == 0, "\(viaExperiment.stderr)")
        let s = try summary("\(c.path)/pre-e/preprocess.json")
        #expect(s.targetSpacing == [8.5, 8.5] && s.sliceSize == 32)
        #expect(s.cases.map(\.imageSlicesSHA256) == [prepared.imageHash] && s.cases.map(\.labelSlicesSHA256) == [prepared.labelHash!])
        let image = try NIfTI.read("\(c.path)/pre-e/001/img_cropped.nii.gz").volume
        #expect(Array(image.shape.prefix(2)) == [32, 32] && Array(image.spacing.prefix(2)) == [8.5, 8.5])

        let byHand = try CSegProcess.run(["preprocess", "data", "--layout", "acdc", "--spacing", "8.5", "--size", "32", "--out", "pre-h", "--ids", "001"],
                                         in: c.path)
        #expect(byHand.status == 0, "\(byHand.stderr)")
        #expect(try summary("\(c.path)/pre-h/preprocess.json").cases.map(\.imageSlicesSHA256) == [prepared.imageHash])
        // The layout's defaults give other arrays (192² at ACDC's 1.36719 mm).
        let defaults = try CSegProcess.run(["preprocess", "data", "--layout", "acdc", "--out", "pre-d", "--ids", "001"], in: c.path)
        #expect(defaults.status == 0, "\(defaults.stderr)")
        let d = try summary("\(c.path)/pre-d/preprocess.json")
        #expect(d.sliceSize == 192 && d.targetSpacing == [1.36719, 1.36719] && d.cases[0].imageSlicesSHA256 != prepared.imageHash)
    }

    @Test("--n4 writes the log bias field on the input's header, and the arrays are N4's then the slice pipeline's")
    func n4BiasField() throws {
        let c = try AuditFixture.makeCase("preprocess-n4")
        let r = try CSegProcess.run(["preprocess", "data", "--layout", "acdc", "--spacing", "8.5", "--size", "32", "--n4", "--out", "pre", "--ids", "001"],
                                    in: c.path)
        #expect(r.status == 0, "\(r.stderr)")
        let imagePath = try c.image("001"), label = try NIfTI.read(try c.label("001")).volume
        let image = try NIfTI.read(imagePath).volume
        let n4 = try N4BiasCorrection()(image, source: imagePath)
        #expect(r.stdout.contains("001  N4: \(n4.iterations.map(String.init).joined(separator: "+")) iterations, log bias field pre/001/n4_log_bias_field.nii.gz"),
                "\(r.stdout)")
        let field = try NIfTI.read("\(c.path)/pre/001/n4_log_bias_field.nii.gz")
        #expect(field.volume.voxels == n4.logBiasField.map { Float($0) })
        let input = try NIfTI.readHeader(imagePath)
        #expect(field.header.dims == input.dims && field.header.sform == input.sform && field.header.qformCode == input.qformCode)
        let pipeline = VolumePreprocessing(n4: N4BiasCorrection(), slices: SlicePreprocessor(targetSpacing: [8.5, 8.5], size: 32))
        let expected = try pipeline(image: image, label: label, source: imagePath)
        #expect(try summary("\(c.path)/pre/preprocess.json").cases.map(\.imageSlicesSHA256) == [expected.imageHash])
    }

    @Test("bad or conflicting options are usage errors naming the option")
    func usageErrors() throws {
        let c = try AuditFixture.makeCase("preprocess-usage")
        let cases: [([String], String)] = [
            (["--experiment", "experiment.toml", "--size", "32"], "--experiment sets the data root, layout, spacing and size; drop --size"),
            (["data", "--layout", "acdc", "--spacing", "0"], "--spacing must be one positive number of mm or two separated by a comma (rows,columns), got \"0\""),
            (["data", "--layout", "acdc", "--spacing", "1,2,3"], "--spacing must be one positive number of mm or two separated by a comma"),
            (["data"], "give ROOT and --layout, or --experiment FILE"),
        ]
        for (arguments, message) in cases {
            let r = try CSegProcess.run(["preprocess"] + arguments + ["--out", "x"], in: c.path)
            #expect(r.status == 64 && r.stderr.contains(message), "\(arguments): \(r.status) \(r.stderr)")
        }
    }

    @Test("cseg audit run with a relative run-file path, from another directory, without --experiment")
    func auditRunRelative() throws {
        let c = try AuditFixture.makeCase("audit-relative")
        try FileManager.default.removeItem(atPath: c.output)
        var config = TinyConfig()
        config.methods = ["global"]
        try c.writeExperiment(config)
        // Relative experiment path: the data root is relative to this directory as the runner sees it.
        let made = try CSegProcess.run(["run", "experiment.toml"], in: c.path)
        #expect(made.status == 0, "\(made.stderr)")
        let elsewhere = "\(c.path)/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let file = "../out/runs/global-GD_tr1_c1_s7.h5"
        let r = try CSegProcess.run(["audit", "run", file], in: elsewhere)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("  ok      data: the "), "\(r.stdout)")
        #expect(r.stdout.contains("  ok      started from pretrain-global-GD_s7: "), "\(r.stdout)")
    }
}
