import Datasets
import TOMLKit

/// Typed access to TOML tables with errors that carry the file and the key path.
struct TOMLReader {
    let path: String

    func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    func allowOnly(_ allowed: [String], in table: TOMLTable, at parent: String) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw ExperimentError(path, keyPath: join(parent, key), "unknown key (valid here: \(allowed.joined(separator: ", ")))",
                                  suggestion: EditDistance.nearest(to: key, among: allowed).map { join(parent, $0) })
        }
    }

    func value(_ key: String, in table: TOMLTable, at parent: String) throws -> TOMLValueConvertible {
        guard let v = table[key] else { throw ExperimentError(path, keyPath: join(parent, key), "missing required key") }
        return v
    }

    func wrongType(_ keyPath: String, expected: String, found: TOMLType) -> ExperimentError {
        ExperimentError(path, keyPath: keyPath, "must be \(expected), found \([.array, .int].contains(found) ? "an" : "a") \(found)")
    }

    func table(_ key: String, in table: TOMLTable, at parent: String) throws -> (TOMLTable, String) {
        let v = try value(key, in: table, at: parent)
        guard let t = v.table else { throw wrongType(join(parent, key), expected: "a table", found: v.type) }
        return (t, join(parent, key))
    }

    func optionalTable(_ key: String, in table: TOMLTable, at parent: String) throws -> (TOMLTable, String)? {
        table[key] == nil ? nil : try self.table(key, in: table, at: parent)
    }

    func int(_ key: String, in table: TOMLTable, at parent: String) throws -> Int {
        let v = try value(key, in: table, at: parent)
        guard let i = v.int else { throw wrongType(join(parent, key), expected: "an integer", found: v.type) }
        return i
    }

    func optionalInt(_ key: String, in table: TOMLTable, at parent: String, range: ClosedRange<Int>) throws -> Int? {
        guard table[key] != nil else { return nil }
        let i = try int(key, in: table, at: parent)
        guard range.contains(i) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "in \(range.lowerBound)…\(range.upperBound)"
            throw ExperimentError(path, keyPath: join(parent, key), "must be \(bounds), got \(i)")
        }
        return i
    }

    /// Integers are accepted where a number is expected (`learning_rate = 1` is 1.0).
    func number(_ v: TOMLValueConvertible, _ keyPath: String) throws -> Double {
        if let d = v.double { return d }
        if let i = v.int { return Double(i) }
        throw wrongType(keyPath, expected: "a number", found: v.type)
    }

    func optionalDouble(_ key: String, in table: TOMLTable, at parent: String, positive: Bool) throws -> Double? {
        guard let v = table[key] else { return nil }
        let d = try number(v, join(parent, key))
        guard d.isFinite, !positive || d > 0 else {
            throw ExperimentError(path, keyPath: join(parent, key), "must be a positive finite number, got \(d)")
        }
        return d
    }

    func doubles(_ key: String, in table: TOMLTable, at parent: String) throws -> [Double] {
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(join(parent, key), expected: "an array of numbers", found: v.type) }
        return try array.enumerated().map { try number($1, "\(join(parent, key))[\($0)]") }
    }

    func optionalBool(_ key: String, in table: TOMLTable, at parent: String) throws -> Bool? {
        guard let v = table[key] else { return nil }
        guard let b = v.bool else { throw wrongType(join(parent, key), expected: "true or false", found: v.type) }
        return b
    }

    func string(_ key: String, in table: TOMLTable, at parent: String) throws -> String {
        let v = try value(key, in: table, at: parent)
        guard let s = v.string else { throw wrongType(join(parent, key), expected: "a string", found: v.type) }
        return s
    }

    func strings(_ key: String, in table: TOMLTable, at parent: String, unique: Bool) throws -> [String] {
        let keyPath = join(parent, key)
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(keyPath, expected: "an array of strings", found: v.type) }
        let values = try array.enumerated().map { i, element in
            guard let s = element.string else { throw wrongType("\(keyPath)[\(i)]", expected: "a string", found: element.type) }
            return s
        }
        if values.isEmpty { throw ExperimentError(path, keyPath: keyPath, "must not be empty") }
        if unique, let dup = values.enumerated().first(where: { values[..<$0.offset].contains($0.element) }) {
            throw ExperimentError(path, keyPath: "\(keyPath)[\(dup.offset)]", "\"\(dup.element)\" is listed twice")
        }
        return values
    }

    func ints(_ key: String, in table: TOMLTable, at parent: String) throws -> [Int] {
        let keyPath = join(parent, key)
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(keyPath, expected: "an array of integers", found: v.type) }
        if array.isEmpty { throw ExperimentError(path, keyPath: keyPath, "must not be empty") }
        return try array.enumerated().map { i, element in
            guard let n = element.int else { throw wrongType("\(keyPath)[\(i)]", expected: "an integer", found: element.type) }
            return n
        }
    }
}
