import Foundation
import HDF5
import RunStore

/// One stored dataset: its type (as the content hash names it), shape, and values as little-endian bytes
/// (strings: each as an 8-byte length and its UTF-8 bytes, as in the content hash stream).
public struct StoredDataset: Sendable, Equatable {
    public var type: String
    public var shape: [Int]
    public var bytes: [UInt8]

    /// The values as numbers, for messages (nil for strings).
    public var numbers: [Double]? {
        func decode<T>(_: T.Type, _ convert: (T) -> Double) -> [Double] {
            bytes.withUnsafeBytes { raw in (0..<(bytes.count / MemoryLayout<T>.size)).map { convert(raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) } }
        }
        switch type {
        case "float32": return decode(UInt32.self) { Double(Float(bitPattern: UInt32(littleEndian: $0))) }
        case "float64": return decode(UInt64.self) { Double(bitPattern: UInt64(littleEndian: $0)) }
        case "int64": return decode(Int64.self) { Double(Int64(littleEndian: $0)) }
        case "int32": return decode(Int32.self) { Double(Int32(littleEndian: $0)) }
        case "int16": return decode(Int16.self) { Double(Int16(littleEndian: $0)) }
        case "uint8": return bytes.map(Double.init)
        default: return nil
        }
    }

    var elementSize: Int? { ["float32": 4, "float64": 8, "int64": 8, "int32": 4, "int16": 2, "uint8": 1][type] }
}

/// Everything a run file holds outside `/volatile`, dataset by dataset: what "byte-identical results"
/// means for two run files whose host and timings differ.
public struct RunFileContents: Sendable, Equatable {
    /// By path (no leading "/"), every dataset outside `/volatile`.
    public var datasets: [String: StoredDataset]
    public var contentSHA256: String

    public static func read(_ path: String) throws -> RunFileContents {
        let file = try HDF5File.open(path)
        defer { file.close() }
        var datasets: [String: StoredDataset] = [:]
        for p in file.datasetPaths() where !(p == "volatile" || p.hasPrefix("volatile/")) {
            let type = try file.elementTypeName(p)
            let shape = try file.datasetShape(p)
            datasets[p] = StoredDataset(type: type, shape: shape, bytes: try bytes(file, p, type))
        }
        return RunFileContents(datasets: datasets, contentSHA256: try file.stringAttribute("content_sha256"))
    }

    static func bytes(_ file: HDF5File, _ path: String, _ type: String) throws -> [UInt8] {
        func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes(Array.init) }
        switch type {
        case "float32": return raw(try file.readFloats(path).values.map { $0.bitPattern.littleEndian })
        case "float64": return raw(try file.readDoubles(path).values.map { $0.bitPattern.littleEndian })
        case "int64": return raw(try file.readInt64s(path).values.map(\.littleEndian))
        case "int32": return raw(try file.readInt32s(path).values.map(\.littleEndian))
        case "int16": return raw(try file.readInt16s(path).values.map(\.littleEndian))
        case "uint8": return try file.readUInt8s(path).values
        case "string":
            return try file.readStrings(path).values.flatMap { s in
                raw([UInt64(s.utf8.count).littleEndian]) + Array(s.utf8)
            }
        default:
            throw RunFileError(file.path, "'\(path)' holds \(type), which no run file contains")
        }
    }

    /// Paths whose type, shape or bytes differ, or that only one file has; sorted.
    public func differingPaths(_ other: RunFileContents) -> [String] {
        Set(datasets.keys).union(other.datasets.keys).filter { datasets[$0] != other.datasets[$0] }.sorted()
    }
}
