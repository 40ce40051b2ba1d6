import Crypto
import Foundation
import HDF5

/// SHA-256 over everything in a run file except `/volatile` and the stored hash itself, computed from
/// what the file holds (not from the writer's memory), so the writer and the verifier cannot disagree
/// about what was hashed.
///
/// The byte stream, documented in docs/run-file.md: for each hashed root attribute in
/// `RunFileSchema.hashedRootAttributes` order, `attr <name> <value>\n`; then for each dataset in sorted
/// path order, `<path>\t<type>\t<shape joined by x>\n` followed by its values — numbers as little-endian
/// bytes, strings each as an 8-byte little-endian UTF-8 length then the bytes.
public enum RunContentHash {
    public static func compute(_ file: HDF5File) throws -> String {
        let archive = (try? file.stringAttribute("format")) == RunFileSchema.archiveFormat
        return try digest(file, attributes: archive ? RunFileSchema.hashedArchiveRootAttributes : RunFileSchema.hashedRootAttributes) { !isVolatile($0) }
    }

    /// The same stream over the root attributes `attributes` and the datasets `include` accepts.
    static func digest(_ file: HDF5File, attributes: [String], include: (String) -> Bool) throws -> String {
        var hasher = SHA256()
        for name in attributes {
            let value: String
            if name == "schema_version" {
                value = String(try file.attribute(name, as: Int64.self))
            } else {
                value = try file.stringAttribute(name)
            }
            hasher.update(data: Data("attr \(name) \(value)\n".utf8))
        }
        for path in file.datasetPaths() where include(path) {
            let type = try file.elementTypeName(path)
            let shape = try file.datasetShape(path)
            hasher.update(data: Data("\(path)\t\(type)\t\(shape.map(String.init).joined(separator: "x"))\n".utf8))
            switch type {
            case "float32": update(&hasher, try file.readFloats(path).values.map { $0.bitPattern.littleEndian })
            case "float64": update(&hasher, try file.readDoubles(path).values.map { $0.bitPattern.littleEndian })
            case "int64": update(&hasher, try file.readInt64s(path).values.map { $0.littleEndian })
            case "int32": update(&hasher, try file.readInt32s(path).values.map { $0.littleEndian })
            case "int16": update(&hasher, try file.readInt16s(path).values.map { $0.littleEndian })
            case "uint8": update(&hasher, try file.readUInt8s(path).values)
            case "string":
                for s in try file.readStrings(path).values {
                    let bytes = Array(s.utf8)
                    update(&hasher, [UInt64(bytes.count).littleEndian])
                    hasher.update(data: bytes)
                }
            default:
                throw RunFileError(file.path, "'\(path)' holds \(type), which no run file contains")
            }
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func isVolatile(_ path: String) -> Bool {
        path == RunFileSchema.volatileGroup || path.hasPrefix(RunFileSchema.volatileGroup + "/")
    }

    private static func update<T: BitwiseCopyable>(_ hasher: inout SHA256, _ values: [T]) {
        values.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }
}

/// SHA-256 over what a run computed, and nothing about how or where: the datasets under
/// `RunFileSchema.resultGroups` (weights, curves, metrics, predictions, activations) in the content
/// hash's byte stream, without root attributes, config, seeds, inputs, provenance or `/volatile`.
/// Two files with equal results hashes hold the same numbers, whatever commit, host or run key made
/// them: `cseg audit run` says "same numbers as …" from it.
public enum RunResultsHash {
    public static func compute(_ file: HDF5File) throws -> String {
        try RunContentHash.digest(file, attributes: []) { isResult($0) }
    }

    static func isResult(_ path: String) -> Bool {
        let top = path.split(separator: "/", maxSplits: 1).first.map(String.init) ?? path
        return RunFileSchema.resultGroups.contains(top)
    }
}
