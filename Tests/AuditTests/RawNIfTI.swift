import CNIfTI
import Foundation

/// NIfTI-1 files the harness's writer refuses to make (2-D, 5-D, unsupported datatypes), built from a
/// valid file by editing its header fields at their NIfTI-1 offsets, gzip-compressed through libznz.
enum RawNIfTI {
    /// The decompressed bytes of a `.nii.gz` (header, extension flag, voxels).
    static func bytes(_ path: String) throws -> [UInt8] {
        var fp = znzopen(path, "rb", 1)
        guard let f = fp else { throw NSError(domain: "RawNIfTI", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot open \(path)"]) }
        defer { Xznzclose(&fp) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { znzread($0.baseAddress, 1, $0.count, f) }
            if n == 0 || n == -1 { break }
            out += chunk[0..<n]
        }
        return out
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        var fp = znzopen(path, "wb", 1)
        guard let f = fp else { throw NSError(domain: "RawNIfTI", code: 2, userInfo: [NSLocalizedDescriptionKey: "cannot create \(path)"]) }
        _ = bytes.withUnsafeBytes { znzwrite($0.baseAddress, 1, $0.count, f) }
        Xznzclose(&fp)
    }

    static func int16(_ b: [UInt8], _ offset: Int) -> Int { Int(Int16(bitPattern: UInt16(b[offset]) | UInt16(b[offset + 1]) << 8)) }

    static func setInt16(_ b: inout [UInt8], _ offset: Int, _ v: Int) {
        let u = UInt16(bitPattern: Int16(v))
        b[offset] = UInt8(u & 0xff)
        b[offset + 1] = UInt8(u >> 8)
    }

    /// Header offsets (NIfTI-1): dim[0…7] at 40, datatype at 70, bitpix at 72, vox_offset (float) at 108.
    static let dimOffset = 40, datatypeOffset = 70, bitpixOffset = 72

    static func voxelOffset(_ b: [UInt8]) -> Int {
        Int(Float(bitPattern: UInt32(b[108]) | UInt32(b[109]) << 8 | UInt32(b[110]) << 16 | UInt32(b[111]) << 24))
    }

    /// Rewrites `path` (a valid little-endian NIfTI-1 `.nii.gz`) with `dims` (dim[0] = their count),
    /// `datatype`/`bitpix`, and zero voxels of the right size.
    static func rewrite(_ path: String, dims: [Int], datatype: Int, bitpix: Int) throws {
        var b = try bytes(path)
        let header = Array(b[0..<voxelOffset(b)])
        b = header
        setInt16(&b, dimOffset, dims.count)
        for i in 1...7 { setInt16(&b, dimOffset + 2 * i, i <= dims.count ? dims[i - 1] : 1) }
        setInt16(&b, datatypeOffset, datatype)
        setInt16(&b, bitpixOffset, bitpix)
        b += [UInt8](repeating: 0, count: dims.reduce(1, *) * bitpix / 8)
        try write(b, to: path)
    }

    /// The dims of a valid file (dim[1…dim[0]]).
    static func dims(_ path: String) throws -> [Int] {
        let b = try bytes(path)
        return (1...int16(b, dimOffset)).map { int16(b, dimOffset + 2 * $0) }
    }
}
