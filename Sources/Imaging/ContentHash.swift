import Crypto
import Foundation

/// SHA-256 digests for provenance: of input files, of preprocessed arrays, of split files.
public enum ContentHash {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of a file's bytes.
    public static func sha256(fileAt path: String) throws -> String {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue { throw ContentHashError.isDirectory(path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw exists ? ContentHashError.unreadable(path) : ContentHashError.missing(path)
        }
        return sha256(data)
    }

    /// SHA-256 of float32 values in little-endian byte order (the array's content, independent of
    /// how it is stored), prefixed by its shape so that a reshaped array hashes differently.
    public static func sha256(floats: [Float], shape: [Int]) -> String {
        var bytes = Data()
        bytes.append(contentsOf: "f32:\(shape.map(String.init).joined(separator: "x"))\n".utf8)
        bytes.reserveCapacity(bytes.count + floats.count * 4)
        for v in floats { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        return sha256(bytes)
    }
}

public enum ContentHashError: Error, CustomStringConvertible {
    case unreadable(String), missing(String), isDirectory(String)
    public var description: String {
        switch self {
        case .unreadable(let p): return "\(p): cannot read the file to hash it"
        case .missing(let p): return "\(p): no such file (cannot hash it)"
        case .isDirectory(let p): return "\(p): is a directory, not a file"
        }
    }
}
