import Foundation
import Imaging
import Testing

/// Writing, reading back, and every bad input the reader must refuse with a clear message.
@Suite("NIfTI writing and bad input")
struct NIfTIWriteTests {
    static func scratch(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-nifti-\(getpid())-\(name)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// 5 × 4 × 3 with value x + 10y + 100z − 7.25, a rotated, translated affine.
    static func sample() -> Volume {
        var voxels = [Float](repeating: 0, count: 60)
        for z in 0..<3 { for y in 0..<4 { for x in 0..<5 { voxels[x + 5 * (y + 4 * z)] = Float(x + 10 * y + 100 * z) - 7.25 } } }
        let (c, s) = (cos(0.3), sin(0.3))
        let affine = Affine([1.5 * c, -1.25 * s, 0, -40, 1.5 * s, 1.25 * c, 0, 22.5, 0, 0, 6, -30, 0, 0, 0, 1])
        return Volume(shape: [5, 4, 3], voxels: voxels, spacing: [1.5, 1.25, 6], affine: affine)
    }

    @Test("float32 round trip through .nii and .nii.gz keeps voxels, spacing and affine",
          arguments: ["v.nii", "v.nii.gz"])
    func floatRoundTrip(name: String) throws {
        let path = Self.scratch("f") + "/" + name
        let v = Self.sample()
        try NIfTI.write(v, to: path, as: .float32, description: "test")
        let back = try NIfTI.read(path)
        #expect(back.volume.voxels == v.voxels)
        #expect(back.volume.spacing == v.spacing)
        #expect(back.header.datatype == .float32 && back.header.description == "test")
        #expect(back.header.qformCode == 1 && back.header.sformCode == 1)
        // NIfTI-1 stores the sform in float32 and the qform as a float32 quaternion.
        #expect(zip(back.header.sform.m, v.affine.m).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(zip(back.header.qform.m, v.affine.m).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    @Test("integer types round half to even; two writes are byte-identical")
    func integersAndDeterminism() throws {
        let dir = Self.scratch("i")
        var v = Self.sample()
        v.voxels[0] = 2.5; v.voxels[1] = 3.5; v.voxels[2] = -0.5
        try NIfTI.write(v, to: dir + "/a.nii.gz", as: .int16)
        try NIfTI.write(v, to: dir + "/b.nii.gz", as: .int16)
        let back = try NIfTI.read(dir + "/a.nii.gz")
        // 2.5 → 2, 3.5 → 4, −0.5 → −0, and voxel 3 = 3 − 7.25 = −4.25 → −4.
        #expect(Array(back.volume.voxels.prefix(4)) == [2, 4, 0, -4])
        #expect(FileManager.default.contents(atPath: dir + "/a.nii.gz") == FileManager.default.contents(atPath: dir + "/b.nii.gz"))
        let labels = Volume(shape: [2, 2, 1], voxels: [0, 1, 2, 3], spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        try NIfTI.write(labels, to: dir + "/l.nii.gz", as: .uint8)
        let l = try NIfTI.read(dir + "/l.nii.gz")
        #expect(l.header.datatype == .uint8 && l.volume.voxels == [0, 1, 2, 3])
    }

    @Test("a value that does not fit the type is refused and the existing file is untouched")
    func outOfRangeLeavesOldFile() throws {
        let path = Self.scratch("r") + "/keep.nii.gz"
        let good = Volume(shape: [2, 1, 1], voxels: [1, 2], spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        try NIfTI.write(good, to: path, as: .uint8)
        let before = FileManager.default.contents(atPath: path)
        let bad = Volume(shape: [2, 1, 1], voxels: [1, 256], spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        #expect { try NIfTI.write(bad, to: path, as: .uint8) } throws: { error in
            (error as? NIfTIError)?.kind == .valueOutOfRange && "\(error)".hasPrefix(path) && "\(error)".contains("256")
        }
        #expect(FileManager.default.contents(atPath: path) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["keep.nii.gz"])
    }

    @Test("NaN and infinite voxels are read as they are (libnifti's loader would turn them into 0)")
    func nonFiniteSurvives() throws {
        let path = Self.scratch("nan") + "/nan.nii.gz"
        var v = Self.sample()
        v.voxels[7] = .nan
        v.voxels[8] = -.infinity
        try NIfTI.write(v, to: path, as: .float32)
        let back = try NIfTI.read(path)
        #expect(back.volume.voxels[7].isNaN && back.volume.voxels[8] == -.infinity)
        #expect(VolumeSummary(path: path, image: back).nonFiniteVoxels == 2)
    }

    // MARK: - Bad input

    func expectError(_ path: String, _ kind: NIfTIError.Kind, mentioning words: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) { try NIfTI.read(path) } throws: { error in
            guard let e = error as? NIfTIError else { return false }
            return e.kind == kind && "\(e)".hasPrefix(path + ": ") && "\(e)".contains(words)
        }
    }

    /// A valid uncompressed file's bytes, to corrupt.
    func validBytes(_ dir: String) throws -> [UInt8] {
        try NIfTI.write(Self.sample(), to: dir + "/ok.nii", as: .int16)
        return Array(FileManager.default.contents(atPath: dir + "/ok.nii")!)
    }

    func writeBytes(_ bytes: [UInt8], _ path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    @Test("missing file, wrong extension, not NIfTI, empty file")
    func notNIfTI() throws {
        let dir = Self.scratch("bad1")
        expectError(dir + "/nothing.nii.gz", .missing, mentioning: "no such file")
        writeBytes(Array("hello".utf8), dir + "/notes.txt")
        expectError(dir + "/notes.txt", .notNIfTI, mentioning: ".nii")
        writeBytes(Array(repeating: 65, count: 400), dir + "/text.nii")
        expectError(dir + "/text.nii", .notNIfTI, mentioning: "not a readable NIfTI file")
        writeBytes([], dir + "/empty.nii")
        expectError(dir + "/empty.nii", .notNIfTI, mentioning: "not a readable NIfTI file")
    }

    @Test("truncated data, truncated gzip, truncated header")
    func truncated() throws {
        let dir = Self.scratch("bad2")
        let bytes = try validBytes(dir)
        writeBytes(Array(bytes.prefix(bytes.count - 20)), dir + "/cut.nii")
        expectError(dir + "/cut.nii", .truncated, mentioning: "truncated")
        // Big enough, and varied enough not to compress away, that half the stream is past the header.
        let noisy = Volume(shape: [40, 40, 10], voxels: (0..<16000).map { Float(sin(Double($0) * 0.7)) * 1000 },
                           spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        try NIfTI.write(noisy, to: dir + "/ok.nii.gz", as: .float32)
        let gz = Array(FileManager.default.contents(atPath: dir + "/ok.nii.gz")!)
        writeBytes(Array(gz.prefix(gz.count / 2)), dir + "/cut.nii.gz")
        expectError(dir + "/cut.nii.gz", .truncated, mentioning: "truncated")
        writeBytes(Array(bytes.prefix(200)), dir + "/head.nii")
        expectError(dir + "/head.nii", .notNIfTI, mentioning: "header")
    }

    @Test("unsupported datatype, 2-D and 5-D images")
    func unsupported() throws {
        let dir = Self.scratch("bad3")
        var bytes = try validBytes(dir)
        // NIfTI-1 header (little-endian here): dim[0] at byte 40, datatype at 70, bitpix at 72.
        var complex = bytes
        complex[70] = 32; complex[71] = 0; complex[72] = 64; complex[73] = 0   // DT_COMPLEX64
        writeBytes(complex, dir + "/complex.nii")
        expectError(dir + "/complex.nii", .unsupportedDatatype, mentioning: "COMPLEX64")
        var flat = bytes
        flat[40] = 2; flat[46] = 1; flat[47] = 0   // dim[0] = 2, dim[3] = 1
        writeBytes(flat, dir + "/flat.nii")
        expectError(dir + "/flat.nii", .unsupportedDimensions, mentioning: "2-D")
        bytes[40] = 5
        for d in 4...5 { bytes[40 + 2 * d] = 1; bytes[41 + 2 * d] = 0 }   // dim[4] = dim[5] = 1
        writeBytes(bytes, dir + "/five.nii")
        expectError(dir + "/five.nii", .unsupportedDimensions, mentioning: "5-D")
    }
}
