import Foundation

/// A Markdown document built block by block; `render()` joins blocks with one blank line and ends with a
/// single newline, so the same calls always give the same bytes.
public struct MarkdownDocument: Sendable, Equatable {
    public private(set) var blocks: [String] = []

    public init() {}

    /// An ATX heading, level 1…6; line breaks in `text` become spaces.
    public mutating func heading(_ text: String, level: Int = 1) {
        precondition((1...6).contains(level), "Markdown heading level must be 1…6, got \(level)")
        blocks.append(String(repeating: "#", count: level) + " " + Self.oneLine(text))
    }

    /// A paragraph; its text is written as given (inline Markdown allowed), trailing blank lines removed.
    public mutating func paragraph(_ text: String) {
        blocks.append(Self.trimmingTrailingNewlines(text))
    }

    /// A fenced code block. The fence is one backtick longer than the longest backtick run in `code`, so
    /// code containing ``` cannot close it early.
    public mutating func codeBlock(_ code: String, language: String = "") {
        var longest = 0, run = 0
        for ch in code { run = ch == "`" ? run + 1 : 0; longest = max(longest, run) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        blocks.append(fence + language + "\n" + Self.trimmingTrailingNewlines(code) + "\n" + fence)
    }

    /// An image on its own line; `path` is relative to the document (spaces and parentheses escaped).
    public mutating func image(_ path: String, alt: String) {
        blocks.append("![\(Self.oneLine(alt).replacingOccurrences(of: "]", with: "\\]"))](\(Self.escapePath(path)))")
    }

    /// A bulleted list, one item per line.
    public mutating func bulletList(_ items: [String]) {
        precondition(!items.isEmpty, "Markdown list: no items")
        blocks.append(items.map { "- " + Self.oneLine($0) }.joined(separator: "\n"))
    }

    public mutating func table(_ table: MarkdownTable) {
        blocks.append(Self.trimmingTrailingNewlines(table.render()))
    }

    public func render() -> String { blocks.joined(separator: "\n\n") + "\n" }

    /// Writes the rendered document atomically (temporary file in the same directory, then rename).
    public func write(to path: String) throws {
        try ReportText.write(Data(render().utf8), to: path)
    }

    static func oneLine(_ s: String) -> String {
        s.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func trimmingTrailingNewlines(_ s: String) -> String {
        var t = Substring(s)
        while let last = t.last, last.isNewline { t.removeLast() }
        return String(t)
    }

    static func escapePath(_ p: String) -> String {
        p.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "(", with: "%28")
            .replacingOccurrences(of: ")", with: "%29")
    }
}
