import Foundation

/// Edits fields of an uncompressed little-endian NIfTI-1 file (`.nii`) in place, at their offsets in
/// the NIfTI-1 header, to make headers our writer never makes (pixdim 0, a zero or singular sform, a
/// 4th dimension, mixed codes). Offsets: dim[0…7] 40 (int16), pixdim[0…7] 76 (float32), xyzt_units
/// 123, qform_code 252, sform_code 254 (int16), srow_x/y/z 280/296/312 (float32 × 4).
public struct NIfTIHeaderPatch {
    public var bytes: [UInt8]

    public init(contentsOf path: String) throws {
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        precondition(bytes.count >= 352 && bytes[0] == 0x5c && bytes[1] == 0x01, "\(path): not a little-endian NIfTI-1 .nii")
    }

    /// The decompressed bytes of a file (for `.nii.gz`, read them through libznz first).
    public init(bytes: [UInt8]) {
        precondition(bytes.count >= 352 && bytes[0] == 0x5c && bytes[1] == 0x01, "not a little-endian NIfTI-1 header")
        self.bytes = bytes
    }

    public func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    public mutating func setInt16(_ offset: Int, _ v: Int) {
        let u = UInt16(bitPattern: Int16(v))
        bytes[offset] = UInt8(u & 0xff)
        bytes[offset + 1] = UInt8(u >> 8)
    }

    public mutating func setFloat(_ offset: Int, _ v: Float) {
        let u = v.bitPattern
        for i in 0..<4 { bytes[offset + i] = UInt8((u >> (8 * UInt32(i))) & 0xff) }
    }

    /// dim[0] = dims.count, dim[1…] = dims, the rest 1.
    public mutating func setDims(_ dims: [Int]) {
        setInt16(40, dims.count)
        for i in 1...7 { setInt16(40 + 2 * i, i <= dims.count ? dims[i - 1] : 1) }
    }

    public mutating func setPixdim(_ axis: Int, _ v: Float) { setFloat(76 + 4 * axis, v) }
    public mutating func setXYZTUnits(_ v: UInt8) { bytes[123] = v }
    public mutating func setQformCode(_ v: Int) { setInt16(252, v) }
    public mutating func setSformCode(_ v: Int) { setInt16(254, v) }

    /// The sform rows (3 × 4, row-major).
    public mutating func setSform(_ rows: [[Float]]) {
        for r in 0..<3 { for c in 0..<4 { setFloat(280 + 16 * r + 4 * c, rows[r][c]) } }
    }

    /// Appends `count` zero bytes of voxel data (for a 4-D file that grew a frame).
    public mutating func appendZeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }

    /// Drops the voxel data (only the 348-byte header and the 4-byte extension flag stay).
    public mutating func dropVoxels() { bytes = Array(bytes.prefix(352)) }
}
