/// A GitHub-flavoured Markdown table, columns padded so the source also reads as a plain-text table.
public struct MarkdownTable: Sendable, Equatable {
    public enum Alignment: Sendable { case left, center, right }

    public struct Column: Sendable, Equatable {
        public var title: String
        public var alignment: Alignment
        public init(_ title: String, _ alignment: Alignment = .left) {
            self.title = title
            self.alignment = alignment
        }
    }

    public let columns: [Column]
    public private(set) var rows: [[String]] = []

    public init(columns: [Column]) {
        precondition(!columns.isEmpty, "MarkdownTable: no columns")
        self.columns = columns
    }

    /// Adds a row of already formatted cells (see `NumberText`); the count must match the columns.
    public mutating func addRow(_ cells: [String]) {
        precondition(cells.count == columns.count,
                     "MarkdownTable: row has \(cells.count) cells, the table has \(columns.count) columns")
        rows.append(cells)
    }

    /// The table text, one line per row, each ending in "\n".
    public func render() -> String {
        let header = columns.map { Self.escape($0.title) }
        let body = rows.map { $0.map(Self.escape) }
        // Width in Characters so "±" and "—" count as one; the minimum of 3 keeps "---" valid.
        let widths = columns.indices.map { c in max(3, ([header[c]] + body.map { $0[c] }).map(\.count).max()!) }
        func line(_ cells: [String]) -> String {
            "| " + cells.indices.map { pad(cells[$0], to: widths[$0], columns[$0].alignment) }.joined(separator: " | ") + " |\n"
        }
        let rule = "|" + columns.indices.map { c -> String in
            let w = widths[c]
            switch columns[c].alignment {
            case .left: return ":" + String(repeating: "-", count: w + 1)
            case .center: return ":" + String(repeating: "-", count: w) + ":"
            case .right: return String(repeating: "-", count: w + 1) + ":"
            }
        }.joined(separator: "|") + "|\n"
        return line(header) + rule + body.map(line).joined()
    }

    private func pad(_ s: String, to width: Int, _ alignment: Alignment) -> String {
        let gap = width - s.count
        switch alignment {
        case .left: return s + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + s
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + s + String(repeating: " ", count: gap - left)
        }
    }

    /// A pipe would end the cell and a newline the row; both are neutralised.
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
            .replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}
