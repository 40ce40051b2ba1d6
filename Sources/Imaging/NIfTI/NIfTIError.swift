/// Every failure names the file and says what is wrong with it.
public struct NIfTIError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Equatable, Sendable {
        case missing, notNIfTI, truncated, corrupt, unsupportedDatatype, unsupportedDimensions, badChannel,
             valueOutOfRange, writeFailed, badGeometry, isDirectory
    }
    public let path: String
    public let kind: Kind
    public let detail: String

    public var description: String { "\(path): \(detail)" }
}
