import TOMLKit

/// The one typed reader of our TOML files (experiment files, split files, published values): every
/// error is a `ConfigFileError` carrying the file, the key path and, for an unknown key, the nearest
/// valid one.
public struct TOMLReader: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    public func allowOnly(_ allowed: [String], in table: TOMLTable, at parent: String) throws {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw ConfigFileError(path, keyPath: join(parent, key), "unknown key (valid here: \(allowed.joined(separator: ", ")))",
                                  suggestion: EditDistance.nearest(to: key, among: allowed).map { join(parent, $0) })
        }
    }

    public func value(_ key: String, in table: TOMLTable, at parent: String) throws -> TOMLValueConvertible {
        guard let v = table[key] else { throw ConfigFileError(path, keyPath: join(parent, key), "missing required key") }
        return v
    }

    public func wrongType(_ keyPath: String, expected: String, found: TOMLType) -> ConfigFileError {
        ConfigFileError(path, keyPath: keyPath, "must be \(expected), found \([.array, .int].contains(found) ? "an" : "a") \(found)")
    }

    public func table(_ key: String, in table: TOMLTable, at parent: String) throws -> (TOMLTable, String) {
        let v = try value(key, in: table, at: parent)
        guard let t = v.table else { throw wrongType(join(parent, key), expected: "a table", found: v.type) }
        return (t, join(parent, key))
    }

    public func optionalTable(_ key: String, in table: TOMLTable, at parent: String) throws -> (TOMLTable, String)? {
        table[key] == nil ? nil : try self.table(key, in: table, at: parent)
    }

    public func int(_ key: String, in table: TOMLTable, at parent: String) throws -> Int {
        let v = try value(key, in: table, at: parent)
        guard let i = v.int else { throw wrongType(join(parent, key), expected: "an integer", found: v.type) }
        return i
    }

    public func optionalInt(_ key: String, in table: TOMLTable, at parent: String, range: ClosedRange<Int>) throws -> Int? {
        guard table[key] != nil else { return nil }
        let i = try int(key, in: table, at: parent)
        guard range.contains(i) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "in \(range.lowerBound)…\(range.upperBound)"
            throw ConfigFileError(path, keyPath: join(parent, key), "must be \(bounds), got \(i)")
        }
        return i
    }

    /// Integers are accepted where a number is expected (`learning_rate = 1` is 1.0).
    public func number(_ v: TOMLValueConvertible, _ keyPath: String) throws -> Double {
        if let d = v.double { return d }
        if let i = v.int { return Double(i) }
        throw wrongType(keyPath, expected: "a number", found: v.type)
    }

    public func optionalDouble(_ key: String, in table: TOMLTable, at parent: String, positive: Bool) throws -> Double? {
        guard let v = table[key] else { return nil }
        let d = try number(v, join(parent, key))
        guard d.isFinite, !positive || d > 0 else {
            throw ConfigFileError(path, keyPath: join(parent, key), "must be a positive finite number, got \(d)")
        }
        return d
    }

    public func doubles(_ key: String, in table: TOMLTable, at parent: String) throws -> [Double] {
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(join(parent, key), expected: "an array of numbers", found: v.type) }
        return try array.enumerated().map { try number($1, "\(join(parent, key))[\($0)]") }
    }

    public func optionalBool(_ key: String, in table: TOMLTable, at parent: String) throws -> Bool? {
        guard let v = table[key] else { return nil }
        guard let b = v.bool else { throw wrongType(join(parent, key), expected: "true or false", found: v.type) }
        return b
    }

    public func string(_ key: String, in table: TOMLTable, at parent: String) throws -> String {
        let v = try value(key, in: table, at: parent)
        guard let s = v.string else { throw wrongType(join(parent, key), expected: "a string", found: v.type) }
        return s
    }

    /// - unique: a value listed twice is an error;
    /// - ifEmpty: the error for an empty list, nil to accept one;
    /// - element: what each element must be, for the error ("a string (ids are quoted: \"002\")").
    public func strings(_ key: String, in table: TOMLTable, at parent: String, unique: Bool = false,
                        ifEmpty: String? = "must not be empty", element: String = "a string") throws -> [String] {
        let keyPath = join(parent, key)
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(keyPath, expected: "an array of strings", found: v.type) }
        if array.isEmpty, let ifEmpty { throw ConfigFileError(path, keyPath: keyPath, ifEmpty) }
        let values = try array.enumerated().map { i, e in
            guard let s = e.string else { throw wrongType("\(keyPath)[\(i)]", expected: element, found: e.type) }
            return s
        }
        if unique, let dup = values.enumerated().first(where: { values[..<$0.offset].contains($0.element) }) {
            throw ConfigFileError(path, keyPath: "\(keyPath)[\(dup.offset)]", "\"\(dup.element)\" is listed twice")
        }
        return values
    }

    public func optionalString(_ key: String, in table: TOMLTable, at parent: String) throws -> String? {
        table[key] == nil ? nil : try string(key, in: table, at: parent)
    }

    public func ints(_ key: String, in table: TOMLTable, at parent: String) throws -> [Int] {
        let keyPath = join(parent, key)
        let v = try value(key, in: table, at: parent)
        guard let array = v.array else { throw wrongType(keyPath, expected: "an array of integers", found: v.type) }
        if array.isEmpty { throw ConfigFileError(path, keyPath: keyPath, "must not be empty") }
        return try array.enumerated().map { i, element in
            guard let n = element.int else { throw wrongType("\(keyPath)[\(i)]", expected: "an integer", found: element.type) }
            return n
        }
    }

    // MARK: sections shared by several files

    /// `class_names` (background first) and optionally `class_labels` (their values in the label files;
    /// default 0, 1, …). Labels without names is an error: a class needs a name in every report.
    public func classes(_ table: TOMLTable, at: String) throws -> ClassSet? {
        guard table["class_names"] != nil else {
            if table["class_labels"] != nil {
                throw ConfigFileError(path, keyPath: join(at, "class_labels"), "needs class_names beside it (one name per label, background first)")
            }
            return nil
        }
        let names = try strings("class_names", in: table, at: at, ifEmpty: nil)
        guard names.count >= 2 else {
            throw ConfigFileError(path, keyPath: join(at, "class_names"), "needs background and at least one class, found \(names.count)")
        }
        if let dup = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
            throw ConfigFileError(path, keyPath: join(at, "class_names"), "\"\(dup)\" is named twice")
        }
        var labels = Array(0..<names.count)
        if let v = table["class_labels"] {
            let keyPath = join(at, "class_labels")
            guard let array = v.array else { throw wrongType(keyPath, expected: "an array of integers", found: v.type) }
            labels = try array.enumerated().map { i, element in
                guard let n = element.int else { throw wrongType("\(keyPath)[\(i)]", expected: "an integer", found: element.type) }
                guard n >= 0 && n <= 65535 else {
                    throw ConfigFileError(path, keyPath: "\(keyPath)[\(i)]", "\(n) is not a label value (0 … 65535)")
                }
                return n
            }
            guard labels.count == names.count else {
                throw ConfigFileError(path, keyPath: keyPath, "has \(labels.count) values for the \(names.count) class_names")
            }
            if let dup = labels.first(where: { n in labels.filter { $0 == n }.count > 1 }) {
                throw ConfigFileError(path, keyPath: keyPath, "label \(dup) is given twice")
            }
        }
        return ClassSet(names: names, labels: labels)
    }

}
