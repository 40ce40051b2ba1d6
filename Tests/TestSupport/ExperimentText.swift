import Foundation

/// The repository root, from this file's path (tests read the shipped split and experiment files).
public let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
public let phantomSplitPath = repoRoot + "/data-splits/phantom.toml"

/// A small experiment; `extra` is appended, `grid` replaces the grid table body.
public func experimentText(grid: String = """
    methods = ["baseline", "global", "global+local"]
    budgets = ["tr1", "tr2"]
    combinations = ["c1", "c2"]
    seeds = [3, 1]
    """, extra: String = "") -> String {
    """
    format = 1
    name = "t"
    preset = "quick"
    output = "out"

    [data]
    kind = "phantom"
    root = "data/none"
    split = "\(phantomSplitPath)"

    [grid]
    \(grid)
    \(extra)
    """
}

/// A phantom whose generation stopped part way, at a fresh directory named after `name`: one volume's
/// Info.cfg written, phantom.json (written last) missing. Returns the root and `experimentText()` pointing
/// at it; the caller removes the root.
public func unfinishedPhantom(_ name: String) throws -> (root: String, experimentText: String) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-partial-phantom-\(name)-\(getpid())").path
    try? FileManager.default.removeItem(atPath: root)
    try FileManager.default.createDirectory(atPath: "\(root)/patient001", withIntermediateDirectories: true)
    try Data("ED: 1\n".utf8).write(to: URL(fileURLWithPath: "\(root)/patient001/Info.cfg"))
    return (root, experimentText().replacingOccurrences(of: "root = \"data/none\"", with: "root = \"\(root)\""))
}
