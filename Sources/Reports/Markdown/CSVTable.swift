import AtomicWrite
import Foundation

/// A problem writing a report file; names the file and the problem.
public struct ReportFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

/// A CSV table as RFC 4180 defines it: records end in CRLF; a field containing a comma, a double quote,
/// CR or LF is enclosed in double quotes with inner quotes doubled; every record has the header's field
/// count. Numbers should go through `NumberText.roundTrip` so that readers get the stored value back.
public struct CSVTable: Sendable, Equatable {
    public let header: [String]
    public private(set) var rows: [[String]] = []

    public init(header: [String]) {
        precondition(!header.isEmpty, "CSVTable: no columns")
        self.header = header
    }

    public mutating func addRow(_ fields: [String]) {
        precondition(fields.count == header.count,
                     "CSVTable: row has \(fields.count) fields, the header has \(header.count)")
        rows.append(fields)
    }

    public func render() -> String {
        ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") + "\r\n" }.joined()
    }

    static func quote(_ field: String) -> String {
        // Characters, not bytes: "\r\n" is a single Character in Swift, so test the scalars.
        let special = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
        return special ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// Writes the table; the file appears only when complete (temporary name in the same directory, then
    /// rename), so an interrupted report never leaves half a table.
    public func write(to path: String) throws {
        try ReportText.write(Data(render().utf8), to: path)
    }
}

/// Text written through the harness's one atomic write, failures as report errors.
enum ReportText {
    static func write(_ data: Data, to path: String) throws {
        do {
            try AtomicFile.write(data, to: path)
        } catch let e as AtomicFileError {
            throw ReportFileError(path, e.detail)
        }
    }
}
