/// The voxel types we read and write (NIfTI DT_* codes). Anything else in a file is an error that
/// names the code (complex, RGB, 64-bit integers and float128 do not occur in these datasets).
public enum NIfTIDatatype: Int32, Sendable, CaseIterable, Codable {
    case uint8 = 2
    case int16 = 4
    case int32 = 8
    case float32 = 16
    case float64 = 64
    case int8 = 256
    case uint16 = 512

    public var name: String {
        switch self {
        case .uint8: "uint8"
        case .int16: "int16"
        case .int32: "int32"
        case .float32: "float32"
        case .float64: "float64"
        case .int8: "int8"
        case .uint16: "uint16"
        }
    }

    public var isInteger: Bool { self != .float32 && self != .float64 }

    public var bytesPerVoxel: Int {
        switch self {
        case .uint8, .int8: 1
        case .int16, .uint16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }

    /// The representable range of an integer type (for writing).
    var integerRange: ClosedRange<Double>? {
        switch self {
        case .uint8: 0...255
        case .int8: -128...127
        case .int16: -32768...32767
        case .uint16: 0...65535
        case .int32: -2_147_483_648...2_147_483_647
        case .float32, .float64: nil
        }
    }
}
