import CHDF5

/// The element types this layer stores. Kept to a closed set so every file it writes can be read by
/// h5py/h5dump without custom types, and so type mismatches can be named in error messages.
public enum HDF5ElementType: String, Sendable, CaseIterable {
    case float32, float64, int64, int32, uint8, int16

    var memoryType: hid_t {
        switch self {
        case .float32: h5_T_NATIVE_FLOAT()
        case .float64: h5_T_NATIVE_DOUBLE()
        case .int64: h5_T_NATIVE_INT64()
        case .int32: h5_T_NATIVE_INT32()
        case .uint8: h5_T_NATIVE_UINT8()
        case .int16: h5_T_NATIVE_INT16()
        }
    }

    /// Files always store little-endian so a file's bytes do not depend on the machine that wrote it.
    var fileType: hid_t {
        switch self {
        case .float32: h5_T_IEEE_F32LE()
        case .float64: h5_T_IEEE_F64LE()
        case .int64: h5_T_STD_I64LE()
        case .int32: h5_T_STD_I32LE()
        case .uint8: h5_T_STD_U8LE()
        case .int16: h5_T_STD_I16LE()
        }
    }
}

/// A Swift type whose in-memory layout matches one `HDF5ElementType`, so arrays of it can be handed
/// to HDF5 as raw buffers with no per-element conversion.
public protocol HDF5Element: BitwiseCopyable, Sendable {
    static var hdf5Type: HDF5ElementType { get }
}

extension Float: HDF5Element { public static var hdf5Type: HDF5ElementType { .float32 } }
extension Double: HDF5Element { public static var hdf5Type: HDF5ElementType { .float64 } }
extension Int64: HDF5Element { public static var hdf5Type: HDF5ElementType { .int64 } }
extension Int32: HDF5Element { public static var hdf5Type: HDF5ElementType { .int32 } }
extension UInt8: HDF5Element { public static var hdf5Type: HDF5ElementType { .uint8 } }
extension Int16: HDF5Element { public static var hdf5Type: HDF5ElementType { .int16 } }

/// Describes a stored type the way error messages and `HDF5ElementType` spell it. Matching on
/// class/size/sign rather than exact type identity lets big-endian files from other writers read
/// fine (HDF5 converts byte order), while int64-vs-float32 mix-ups are still refused.
func describeType(_ type: hid_t) -> String {
    let bits = H5Tget_size(type) * 8
    switch H5Tget_class(type) {
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + String(bits)
    case H5T_FLOAT: return "float\(bits)"
    case H5T_STRING: return "string"
    case H5T_COMPOUND: return "compound"
    case H5T_ENUM: return "enum"
    case H5T_ARRAY: return "array"
    case H5T_VLEN: return "vlen"
    default: return "an unsupported type"
    }
}

/// Chunked storage with shuffle + deflate. Shuffle groups the bytes of equal significance together,
/// which is what lets deflate get anywhere on float weights.
public struct HDF5Compression: Sendable, Hashable {
    /// deflate level 1...9.
    public var level: Int
    /// Chunk shape; nil picks one of at most 1 MiB so readers never inflate huge chunks for a slice.
    /// Clamped to each dataset's shape, so one option can serve tensors of every size of that rank.
    public var chunk: [Int]?

    public init(level: Int = 4, chunk: [Int]? = nil) {
        self.level = level
        self.chunk = chunk
    }

    public static let deflate = HDF5Compression()

    func chunkShape(for shape: [Int], elementSize: Int) -> [Int] {
        if let chunk { return chunk.count == shape.count ? zip(chunk, shape).map { min($0, $1) } : chunk }
        var c = shape
        while c.reduce(elementSize, *) > 1 << 20, let i = c.indices.max(by: { c[$0] < c[$1] }), c[i] > 1 {
            c[i] = (c[i] + 1) / 2
        }
        return c
    }
}

/// Every failure names the file and (when there is one) the object, because the caller usually has
/// many weight/run files open and an error without those is not actionable.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public let file: String
    /// The dataset/group/attribute path involved, nil for file-level failures.
    public let object: String?
    public let message: String

    public var description: String { "\(file): \(message)" }
}

/// The innermost message on HDF5's error stack (the most specific one), then clears the stack;
/// appended to failures we did not anticipate so they are diagnosable without HDF5's auto-printing.
func libraryErrorDetail() -> String? {
    var detail: String?
    withUnsafeMutablePointer(to: &detail) { ptr in
        _ = H5Ewalk2(h5_E_DEFAULT(), H5E_WALK_DOWNWARD, { _, err, data in
            if let desc = err?.pointee.desc, let data {
                data.assumingMemoryBound(to: String?.self).pointee = String(cString: desc)
            }
            return 0
        }, ptr)
    }
    H5Eclear2(h5_E_DEFAULT())
    return detail
}
