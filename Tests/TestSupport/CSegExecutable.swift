import Foundation

/// The `cseg` executable built next to the test bundle (`swift build` before `swift test`), for tests
/// of the command line itself.
public enum CSegExecutable {
    public static func url() throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("cseg")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        struct Missing: Error, CustomStringConvertible {
            var description: String { "cseg executable not found next to the tests; run `swift build` first" }
        }
        throw Missing()
    }

    /// Runs cseg with `arguments`; returns (exit status, stdout). Stderr is discarded.
    public static func run(_ arguments: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = try url()
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The same, with standard error too, for tests of the messages a command fails with.
    public static func runCapturingErrors(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try ChildProcess.capture(try url(), arguments)
    }
}
