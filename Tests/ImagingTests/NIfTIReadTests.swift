import Foundation
import Imaging
import Testing

/// Our libnifti-based reader against nibabel on nibabel's own test files (Debian's python3-nibabel,
/// installed by scripts/install-debian.sh): a big-endian int16 file, a NIfTI-2 4-D file, a 4-D
/// gzip file, a scaled (scl_slope) 4-D file, a uint8 file with only an sform, and a float32 one.
/// The expectations were written by scripts/fixtures/make_nifti_expectations.py.
@Suite("NIfTI reading against nibabel")
struct NIfTIReadTests {
    struct Expectations: Decodable {
        struct Voxel: Decodable { let index: [Int]; let value: Double }
        struct File: Decodable {
            let file: String, channel: Int, version: Int, shape: [Int], zooms: [Double], dtype: String
            let qform_code: Int, sform_code: Int, axcodes: String, affine: [Double]
            let min: Double, max: Double, sum: Double, voxels: [Voxel]
        }
        let files: [File]
    }

    static let dataDirectory = "/usr/lib/python3/dist-packages/nibabel/tests/data"

    static func expectations() throws -> Expectations {
        let url = Bundle.module.url(forResource: "nibabel_expectations", withExtension: "json", subdirectory: "Fixtures")!
        return try JSONDecoder().decode(Expectations.self, from: Data(contentsOf: url))
    }

    @Test("every nibabel test file reads as nibabel reads it", arguments: 0..<6)
    func matchesNibabel(index: Int) throws {
        let e = try Self.expectations().files[index]
        let path = "\(Self.dataDirectory)/\(e.file)"
        try #require(FileManager.default.fileExists(atPath: path),
                     "\(path) is missing: run scripts/install-debian.sh (it installs python3-nibabel)")
        let img = try NIfTI.read(path, channel: e.channel)
        let h = img.header
        #expect(h.version == e.version)
        #expect(h.dims == e.shape)
        #expect(h.datatype.name == e.dtype)
        #expect(zip(h.pixdim, e.zooms).allSatisfy { abs($0 - $1) < 1e-5 }, "pixdim \(h.pixdim) vs \(e.zooms)")
        #expect(h.qformCode == e.qform_code && h.sformCode == e.sform_code)
        #expect(Orientation.axisCodes(img.volume.affine) == e.axcodes)
        #expect(zip(img.volume.affine.m, e.affine).allSatisfy { abs($0 - $1) < 1e-4 },
                "affine \(img.volume.affine.m) vs \(e.affine)")
        let v = img.volume.voxels
        #expect(Double(v.min()!) == e.min && Double(v.max()!) == e.max)
        let sum = v.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - e.sum) <= 1e-9 * max(1, abs(e.sum)), "sum \(sum) vs \(e.sum)")
        for voxel in e.voxels {
            let (x, y, z) = (voxel.index[0], voxel.index[1], voxel.index[2])
            #expect(Double(img.volume[x, y, z]) == voxel.value, "voxel \(voxel.index)")
        }
    }

    @Test("a channel beyond a 4-D file's last is an error naming the file and the count")
    func badChannel() throws {
        let path = "\(Self.dataDirectory)/example4d.nii.gz"
        try #require(FileManager.default.fileExists(atPath: path))
        #expect { try NIfTI.read(path, channel: 2) } throws: { error in
            let e = error as? NIfTIError
            return e?.kind == .badChannel && "\(error)".hasPrefix(path) && "\(error)".contains("has 2")
        }
    }
}
