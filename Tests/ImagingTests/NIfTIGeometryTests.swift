import Foundation
import Imaging
import Testing
import TestSupport

/// Issue 15 item 4: geometry checked at the header, before any voxel is decoded.
@Suite("NIfTI geometry checks")
struct NIfTIGeometryTests {
    static func scratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-geometry-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A 6 × 5 × 3 int16 volume at 1.25 × 1.25 × 8 mm, sform and qform code 1, patched by `edit`.
    static func file(_ name: String, _ edit: (inout NIfTIHeaderPatch) -> Void = { _ in }) throws -> String {
        let path = "\(scratch(name))/image.nii"
        let v = Volume(shape: [6, 5, 3], voxels: (0..<90).map { Float($0 % 11) }, spacing: [1.25, 1.25, 8],
                       affine: .scaling([1.25, 1.25, 8]))
        try NIfTI.write(v, to: path, as: .int16)
        var patch = try NIfTIHeaderPatch(contentsOf: path)
        edit(&patch)
        try patch.write(to: path)
        return path
    }

    func expectError(_ path: String, _ detail: String, channel: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = #expect(throws: NIfTIError.self, sourceLocation: sourceLocation) { try NIfTI.read(path, channel: channel) }
        #expect(error?.description == "\(path): \(detail)", sourceLocation: sourceLocation)
        // The same check on the header alone.
        let headerError = #expect(throws: NIfTIError.self, sourceLocation: sourceLocation) { try NIfTI.readCheckedHeader(path, channel: channel) }
        #expect(headerError == error, sourceLocation: sourceLocation)
    }

    @Test("the unpatched file reads; its spacing equals the sform's column norms")
    func cleanFileReads() throws {
        let v = try NIfTI.read(try Self.file("clean")).volume
        #expect(v.spacing == [1.25, 1.25, 8])
        #expect(NIfTIGeometry.columnNorms(v.affine) == [1.25, 1.25, 8])
    }

    @Test("pixdim 0 is an error naming the sform's voxel size, not read as 1 mm")
    func zeroPixdim() throws {
        let path = try Self.file("pixdim0") { $0.setPixdim(1, 0) }
        expectError(path, "pixdim[1] is 0: the voxel size is not given (libnifti would read it as 1 mm); the sform's column norms say [1.25, 1.25, 8] mm")
        // cseg info still shows the file (it reports headers, it does not train on them).
        #expect(try NIfTI.read(path, checkGeometry: false).volume.shape == [6, 5, 3])
    }

    @Test("pixdim disagreeing with the sform's column norms is an error")
    func spacingDisagreesWithAffine() throws {
        let path = try Self.file("pixdim-vs-sform") { $0.setPixdim(1, 1); $0.setPixdim(2, 1) }
        expectError(path, "pixdim [1, 1, 8] mm disagrees with the sform's column norms [1.25, 1.25, 8] mm (sform code 1); resampling would use one and the exported affine the other: fix the header")
        // Within 0.1 % (float32 rounding of an oblique matrix) passes.
        let close = try Self.file("pixdim-close") { $0.setPixdim(1, 1.2501) }
        #expect(try NIfTI.read(close).volume.spacing[0] == Double(Float(1.2501)))
    }

    @Test("an all-zero sform with code 2 is an error; a singular one too; with sform code 0 the qform is used")
    func zeroAndSingularAffine() throws {
        let zero = try Self.file("sform-zero") { $0.setSformCode(2); $0.setSform([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) }
        expectError(zero, "sform (code 2) is all zero: no orientation or voxel size (set sform_code 0 or write the sform)")
        let singular = try Self.file("sform-singular") {
            $0.setSform([[1.25, 1.25, 0, 0], [0, 0, 0, 0], [0, 0, 8, 0]])
        }
        expectError(singular, "sform (code 1) is singular (3×3 determinant 0, column norms [1.25, 1.25, 8] mm): it maps the grid onto a plane or line")
        // The zero sform is ignored when its code says unset: the qform (from pixdim) is read.
        let unset = try Self.file("sform-unset") { $0.setSformCode(0); $0.setSform([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]) }
        #expect(NIfTIGeometry.columnNorms(try NIfTI.read(unset).volume.affine) == [1.25, 1.25, 8])
    }

    @Test("a 4-D image with 2 frames is an error unless a frame is named; t = 1 reads as 3-D")
    func fourthDimension() throws {
        let two = try Self.file("4d-two") { $0.setDims([6, 5, 3, 2]); $0.appendZeros(90 * 2) }
        expectError(two, "4-D image [6, 5, 3, 2] with 2 frames; a volume here is 3-D (or 4-D with one frame): which frame is meant is not known, so none is picked (split the frames into files)")
        #expect(try NIfTI.read(two, channel: 1).volume.voxels.allSatisfy { $0 == 0 })
        #expect(try NIfTI.read(two, channel: 0).volume.voxels[1] == 1)
        let one = try Self.file("4d-one") { $0.setDims([6, 5, 3, 1]) }
        #expect(try NIfTI.read(one).volume.shape == [6, 5, 3])
    }

    @Test("header checks need no voxels: a 1024³ header without data passes them, and only decoding reports the truncation")
    func headerBeforeVoxels() throws {
        let path = try Self.file("huge") { $0.setDims([1024, 1024, 1024]); $0.dropVoxels() }
        let start = Date()
        #expect(try NIfTI.readCheckedHeader(path).dims == [1024, 1024, 1024])
        #expect(Date().timeIntervalSince(start) < 5)
        #expect { try NIfTI.read(path) } throws: { "\($0)".contains("voxel data is truncated") }
    }

    @Test("a directory named x.nii.gz is \"is a directory\", not \"no such file\"")
    func directoryNamedLikeAFile() throws {
        let dir = "\(Self.scratch("dir"))/x.nii.gz"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let error = #expect(throws: NIfTIError.self) { try NIfTI.read(dir) }
        #expect(error?.description == "\(dir): is a directory, not a NIfTI file")
        let missing = #expect(throws: NIfTIError.self) { try NIfTI.read(dir + "-absent.nii.gz") }
        #expect(missing?.description == "\(dir)-absent.nii.gz: no such file")
    }
}
