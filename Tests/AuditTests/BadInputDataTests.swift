import Datasets
import Foundation
import Imaging
import Testing
import TestSupport
@testable import Planning
@testable import Running

/// Bad data files, each through the runner on a case that already holds a run file: the error names the
/// file and the problem, every stored file is byte-for-byte unchanged and no temporary file is left
/// (`CaseDirectory.runExpectingFailure`). The broken volume is 005, a test volume the pending mixup run
/// reads (the stored baseline run is complete and skipped), unless the case says otherwise.
@Suite("Bad input: data files", .serialized)
struct BadInputDataTests {
    @Test("a truncated NIfTI (a .nii.gz cut short, as by an interrupted copy)")
    func truncatedNIfTI() throws {
        let c = try AuditFixture.makeCase("truncated")
        let path = try c.image("005")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count * 6 / 10).write(to: URL(fileURLWithPath: path))
        expectMessage(try c.runExpectingFailure(), names: path, says: "voxel data is truncated")
    }

    @Test("a corrupt NIfTI (bytes of the compressed stream overwritten)")
    func corruptNIfTI() throws {
        let c = try AuditFixture.makeCase("corrupt")
        let path = try c.image("005")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for i in (bytes.count / 2)..<(bytes.count / 2 + 64) { bytes[i] ^= 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectMessage(try c.runExpectingFailure(), names: path, says: "voxel data is corrupt: the compressed stream fails zlib's checks (deflate data or CRC-32)")
    }

    @Test("a file that is not NIfTI where the image should be")
    func notNIfTI() throws {
        let c = try AuditFixture.makeCase("not-nifti")
        let path = try c.image("005")
        try "patient005 ED image, exported as text by mistake\n".write(toFile: path, atomically: false, encoding: .utf8)
        expectMessage(try c.runExpectingFailure(), names: path, says: "not a readable NIfTI file")
    }

    @Test("an unsupported datatype (64-bit integers)")
    func unsupportedDatatype() throws {
        let c = try AuditFixture.makeCase("datatype")
        let path = try c.image("005")
        try RawNIfTI.rewrite(path, dims: try RawNIfTI.dims(path), datatype: 1024, bitpix: 64)
        expectMessage(try c.runExpectingFailure(), names: path, says: "unsupported datatype INT64 (code 1024)")
    }

    /// Rewrites the header of `path` (a .nii.gz) with `edit`.
    func patch(_ path: String, _ edit: (inout NIfTIHeaderPatch) -> Void) throws {
        var p = NIfTIHeaderPatch(bytes: try RawNIfTI.bytes(path))
        edit(&p)
        try RawNIfTI.write(p.bytes, to: path)
    }

    @Test("pixdim 0 (libnifti would read 1 mm; the sform says otherwise)")
    func zeroPixdim() throws {
        let c = try AuditFixture.makeCase("pixdim-zero")
        let path = try c.image("005")
        try patch(path) { $0.setPixdim(1, 0) }
        expectMessage(try c.runExpectingFailure(), names: path, says: "pixdim[1] is 0: the voxel size is not given (libnifti would read it as 1 mm); the sform's column norms say")
    }

    @Test("an all-zero sform with sform_code 2")
    func zeroSform() throws {
        let c = try AuditFixture.makeCase("sform-zero")
        let path = try c.image("005")
        try patch(path) { $0.setSformCode(2); $0.setSform([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) }
        expectMessage(try c.runExpectingFailure(), names: path, says: "sform (code 2) is all zero: no orientation or voxel size")
    }

    @Test("a 4-D image with 2 frames where a 3-D one is expected")
    func twoFrames() throws {
        let c = try AuditFixture.makeCase("two-frames")
        let path = try c.image("005")
        let d = try RawNIfTI.dims(path)
        try patch(path) { $0.setDims(d + [2]); $0.appendZeros(d.reduce(1, *) * 2) }
        expectMessage(try c.runExpectingFailure(), names: path, says: "4-D image \(d + [2]) with 2 frames; a volume here is 3-D (or 4-D with one frame)")
    }

    @Test("a 1024³ image header is compared with its label's before any voxel is decoded")
    func hugeHeaderCheckedFirst() throws {
        let c = try AuditFixture.makeCase("huge-header")
        let path = try c.image("005")
        let d = try RawNIfTI.dims(path)
        // No voxel data at all: decoding would report a truncation; the header check comes first.
        try patch(path) { $0.setDims([1024, 1024, 1024]); $0.dropVoxels() }
        let start = Date()
        expectMessage(try c.runExpectingFailure(), names: try c.label("005"), says: "shape \(d) differs from the image's [1024, 1024, 1024]")
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test("a directory where the image should be")
    func directoryForImage() throws {
        let c = try AuditFixture.makeCase("image-directory")
        let path = try c.image("005")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        expectMessage(try c.runExpectingFailure(), names: path, says: ": is a directory, not a")
    }

    @Test("a 2-D image")
    func twoDimensional() throws {
        let c = try AuditFixture.makeCase("2d")
        let path = try c.image("005")
        let d = try RawNIfTI.dims(path)
        try RawNIfTI.rewrite(path, dims: [d[0], d[1]], datatype: 4, bitpix: 16)
        expectMessage(try c.runExpectingFailure(), names: path, says: "2-D image")
    }

    @Test("a 5-D image")
    func fiveDimensional() throws {
        let c = try AuditFixture.makeCase("5d")
        let path = try c.image("005")
        let d = try RawNIfTI.dims(path)
        try RawNIfTI.rewrite(path, dims: [d[0], d[1], d[2], 1, 2], datatype: 4, bitpix: 16)
        expectMessage(try c.runExpectingFailure(), names: path, says: "5-D image")
    }

    @Test("image and label of different shape")
    func shapeMismatch() throws {
        let c = try AuditFixture.makeCase("shape")
        let label = try c.label("005")
        try c.rewrite(label, as: .uint8) { v in
            // Drop the last slice.
            let plane = v.shape[0] * v.shape[1]
            v.voxels = Array(v.voxels.prefix(plane * (v.shape[2] - 1)))
            v.shape[2] -= 1
        }
        expectMessage(try c.runExpectingFailure(), names: label, says: "differs from the image's")
    }

    @Test("image and label of different affine")
    func affineMismatch() throws {
        let c = try AuditFixture.makeCase("affine")
        let label = try c.label("005")
        try c.rewrite(label, as: .uint8) { v in v.affine.m[3] += 5 }  // 5 mm along x
        expectMessage(try c.runExpectingFailure(), names: label, says: "affine differs from the image's")
    }

    @Test("label values outside the class set")
    func labelOutsideClasses() throws {
        let c = try AuditFixture.makeCase("labels")
        let label = try c.label("005")
        try c.rewrite(label, as: .uint8) { v in v.voxels[v.voxels.count / 2] = 7 }
        expectMessage(try c.runExpectingFailure(), names: label, says: "label 7.0 at voxel")
    }

    @Test("a NaN voxel in the image")
    func nanVoxel() throws {
        let c = try AuditFixture.makeCase("nan")
        let image = try c.image("005")
        try c.rewrite(image, as: .float32) { v in v.voxels[v.voxels.count / 3] = .nan }
        expectMessage(try c.runExpectingFailure(), names: image, says: "is nan; every voxel must be finite")
    }

    @Test("an infinite voxel in the image")
    func infVoxel() throws {
        let c = try AuditFixture.makeCase("inf")
        let image = try c.image("005")
        try c.rewrite(image, as: .float32) { v in v.voxels[17] = -.infinity }
        expectMessage(try c.runExpectingFailure(), names: image, says: "is -inf; every voxel must be finite")
    }

    @Test("an empty image (every voxel the same)")
    func emptyVolume() throws {
        let c = try AuditFixture.makeCase("empty")
        let image = try c.image("005")
        try c.rewrite(image, as: .int16) { v in v.voxels = [Float](repeating: 0, count: v.voxels.count) }
        expectMessage(try c.runExpectingFailure(), names: image, says: "the image is empty")
    }

    @Test("fewer slices than partitions in a pre-training pool volume")
    func fewerSlicesThanPartitions() throws {
        let c = try AuditFixture.makeCase("partitions")
        // 001 is in the pool: keep 3 of its slices (image and label alike), then ask for G^D (S = 4).
        let image = try c.image("001"), label = try c.label("001")
        for (path, type) in [(image, NIfTIDatatype.int16), (label, .uint8)] {
            try c.rewrite(path, as: type) { v in
                v.voxels = Array(v.voxels.prefix(v.shape[0] * v.shape[1] * 3))
                v.shape[2] = 3
            }
        }
        var config = TinyConfig()
        config.methods = ["baseline", "global"]
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: image, says: "3 slices cannot be cut into the 4 partitions pretrain-global-GD_s7 needs")
    }

    @Test("an image file missing from the data root")
    func missingImage() throws {
        let c = try AuditFixture.makeCase("missing-image")
        let image = try c.image("005")
        try FileManager.default.removeItem(atPath: image)
        expectMessage(try c.runExpectingFailure(), names: image, says: "ED image (frame 01) is missing")
    }

    @Test("a missing data root")
    func missingDataRoot() throws {
        let c = try AuditFixture.makeCase("missing-root")
        var config = TinyConfig()
        config.root = "data-moved-elsewhere"
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: "\(c.path)/data-moved-elsewhere", says: "data root does not exist or is not a directory")
    }
}
