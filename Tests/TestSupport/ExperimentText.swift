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
