import Datasets
import Foundation
import Testing

/// The three layouts on small synthetic trees written with our NIfTI writer, and every way a case
/// can be unusable.
@Suite("Dataset layouts")
struct DatasetLayoutTests {
    static func scratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-layout-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func volume(_ shape: [Int] = [6, 5, 3], _ f: (Int) -> Float) -> Volume {
        Volume(shape: shape, voxels: (0..<shape.reduce(1, *)).map(f), spacing: [1.5, 1.5, 8], affine: .scaling([1.5, 1.5, 8]))
    }

    /// An ACDC patient whose ED frame is `ed`, with a decoy frame 01 when ed ≠ 1.
    static func writeACDC(_ root: String, id: String, ed: Int, label: Volume? = nil, image: Volume? = nil) throws {
        let dir = "\(root)/patient\(id)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "ED: \(ed)\nES: 12\nGroup: NOR\nHeight: 180.0\nNbFrame: 30\nWeight: 80.0\n"
            .write(toFile: "\(dir)/Info.cfg", atomically: true, encoding: .utf8)
        let frame = String(format: "%02d", ed)
        try NIfTI.write(image ?? volume { Float($0 % 7) * 10 + Float(ed) }, to: "\(dir)/patient\(id)_frame\(frame).nii.gz", as: .int16)
        try NIfTI.write(label ?? volume { Float($0 % 4) }, to: "\(dir)/patient\(id)_frame\(frame)_gt.nii.gz", as: .uint8)
        if ed != 1 {
            try NIfTI.write(volume { _ in 999 }, to: "\(dir)/patient\(id)_frame01.nii.gz", as: .int16)
        }
    }

    @Test("ACDC reads the ED frame named by Info.cfg, not frame 01")
    func acdcFrameFromInfo() throws {
        let root = Self.scratch("acdc")
        try Self.writeACDC(root, id: "001", ed: 1)
        try Self.writeACDC(root, id: "090", ed: 4)
        let ds = try Dataset(kind: .acdc, root: root)
        #expect(try ds.availableIDs() == ["001", "090"])
        #expect(try ds.files(for: "090").image.hasSuffix("patient090/patient090_frame04.nii.gz"))
        let c = try ds.load("090")
        #expect(c.image.voxels[0] == 4 && c.image.voxels.max() == 64)   // frame 04's values, not the decoy's 999
        #expect(c.label.voxels.max() == 3 && c.imageSHA256.count == 64)
        #expect(c.imageSHA256 == (try ContentHash.sha256(fileAt: ds.files(for: "090").image)))
    }

    func expectProblem(_ body: () throws -> Void, path: String, mentioning words: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) { try body() } throws: { error in
            "\(error)".hasPrefix(path) && "\(error)".contains(words)
        }
    }

    @Test("ACDC: missing root, missing patient, Info.cfg without ED, malformed Info.cfg")
    func acdcMissingPieces() throws {
        let root = Self.scratch("acdc-bad")
        expectProblem({ _ = try Dataset(kind: .acdc, root: root + "/nope") }, path: root + "/nope", mentioning: "does not exist")
        let ds = try Dataset(kind: .acdc, root: root)
        expectProblem({ _ = try ds.load("007") }, path: root + "/patient007/Info.cfg", mentioning: "missing")
        try Self.writeACDC(root, id: "002", ed: 1)
        try "ES: 12\n".write(toFile: root + "/patient002/Info.cfg", atomically: true, encoding: .utf8)
        expectProblem({ _ = try ds.load("002") }, path: root + "/patient002/Info.cfg", mentioning: "no \"ED:\"")
        try "ED one\n".write(toFile: root + "/patient002/Info.cfg", atomically: true, encoding: .utf8)
        expectProblem({ _ = try ds.load("002") }, path: root + "/patient002/Info.cfg", mentioning: "line 1")
        try "ED: x\n".write(toFile: root + "/patient002/Info.cfg", atomically: true, encoding: .utf8)
        expectProblem({ _ = try ds.load("002") }, path: root + "/patient002/Info.cfg", mentioning: "not a frame number")
        expectProblem({ _ = try ds.load("12") }, path: root, mentioning: "three digits")
    }

    @Test("a case is refused for a label on another grid, labels outside the classes, NaN or a constant image")
    func caseChecks() throws {
        let root = Self.scratch("acdc-checks")
        let ds = try Dataset(kind: .acdc, root: root)
        try Self.writeACDC(root, id: "003", ed: 1, label: Self.volume([6, 5, 2]) { _ in 0 })
        expectProblem({ _ = try ds.load("003") }, path: root + "/patient003/patient003_frame01_gt.nii.gz", mentioning: "shape")
        try Self.writeACDC(root, id: "004", ed: 1, label: Self.volume { $0 == 17 ? 5 : 0 })
        expectProblem({ _ = try ds.load("004") }, path: root + "/patient004/patient004_frame01_gt.nii.gz",
                      mentioning: "label 5.0 at voxel (5, 2, 0) is outside the classes 0…3")
        try Self.writeACDC(root, id: "005", ed: 1)
        try NIfTI.write(Self.volume { $0 == 3 ? .nan : 1 }, to: root + "/patient005/patient005_frame01.nii.gz", as: .float32)
        expectProblem({ _ = try ds.load("005") }, path: root + "/patient005/patient005_frame01.nii.gz", mentioning: "nan")
        try Self.writeACDC(root, id: "006", ed: 1, image: Self.volume { _ in 7 })
        expectProblem({ _ = try ds.load("006") }, path: root + "/patient006/patient006_frame01.nii.gz", mentioning: "empty")
        var moved = Self.volume { _ in 0 }
        moved.affine = .scaling([1.5, 1.5, 9])
        try Self.writeACDC(root, id: "008", ed: 1, label: moved)
        expectProblem({ _ = try ds.load("008") }, path: root + "/patient008/patient008_frame01_gt.nii.gz", mentioning: "affine")
    }

    @Test("MMWHS remaps 205…850 to 1…7 and refuses any other value")
    func mmwhsRemap() throws {
        let root = Self.scratch("mmwhs")
        let raw: [Float] = [0, 205, 420, 500, 550, 600, 820, 850]
        try NIfTI.write(Self.volume([8, 1, 1]) { Float($0 * 3 + 1) }, to: root + "/mr_train_1001_image.nii.gz", as: .int16)
        try NIfTI.write(Self.volume([8, 1, 1]) { raw[$0] }, to: root + "/mr_train_1001_label.nii.gz", as: .int16)
        let ds = try Dataset(kind: .mmwhs, root: root)
        #expect(try ds.availableIDs() == ["1001"])
        #expect(try ds.load("1001").label.voxels == [0, 1, 2, 3, 4, 5, 6, 7])
        try NIfTI.write(Self.volume([8, 1, 1]) { $0 == 2 ? 421 : 0 }, to: root + "/mr_train_1001_label.nii.gz", as: .int16)
        expectProblem({ _ = try ds.load("1001") }, path: root + "/mr_train_1001_label.nii.gz", mentioning: "421")
    }

    @Test("Prostate MSD takes channel 0 of the 4-D image, with two-digit file numbers")
    func prostateChannel() throws {
        // nibabel's example4d.nii.gz (Debian's python3-nibabel) is a real 4-D file: 128 × 96 × 24 × 2.
        let source = "/usr/lib/python3/dist-packages/nibabel/tests/data/example4d.nii.gz"
        try #require(FileManager.default.fileExists(atPath: source), "run scripts/install-debian.sh (python3-nibabel)")
        let root = Self.scratch("prostate")
        try FileManager.default.createDirectory(atPath: root + "/imagesTr", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/labelsTr", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: source, toPath: root + "/imagesTr/prostate_07.nii.gz")
        let t2 = try NIfTI.read(source, channel: 0).volume, adc = try NIfTI.read(source, channel: 1).volume
        #expect(t2.voxels != adc.voxels)
        var label = t2
        label.voxels = t2.voxels.map { $0 > 600 ? 1 : 0 }
        try NIfTI.write(label, to: root + "/labelsTr/prostate_07.nii.gz", as: .uint8)
        let ds = try Dataset(kind: .prostate, root: root)
        #expect(try ds.availableIDs() == ["007"])
        let c = try ds.load("007")
        #expect(c.image.voxels == t2.voxels && c.image.shape == [128, 96, 24] && c.label.voxels == label.voxels)
    }
}
