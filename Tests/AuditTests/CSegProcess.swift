import Foundation
import TestSupport

/// The built `cseg` as a child process, with stdout and stderr kept (in files, so a chatty child can
/// never block on a full pipe) and optionally a file-size limit standing in for a full disk.
final class CSegProcess {
    let process = Process()
    let stdoutPath: String
    let stderrPath: String

    /// `fileSizeLimit` (bytes, a multiple of 512): started through /bin/sh with `ulimit -f` and SIGXFSZ
    /// ignored (an ignored signal stays ignored across exec), so a write past the limit fails with EFBIG
    /// ("File too large") instead of killing the process — what a full disk does to a writer, with
    /// ENOSPC instead.
    init(_ arguments: [String], in directory: String, fileSizeLimit: Int? = nil) throws {
        let cseg = try CSegExecutable.url().path
        let id = UUID().uuidString
        stdoutPath = "\(directory)/.cseg-\(id).out"
        stderrPath = "\(directory)/.cseg-\(id).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        if let limit = fileSizeLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "trap '' XFSZ; ulimit -f \(limit / 512); exec \"$0\" \"$@\"", cseg] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: cseg)
            process.arguments = arguments
        }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits; returns (exit status or signal, stdout, stderr) and removes the capture files.
    func wait() -> (status: Int32, signalled: Bool, stdout: String, stderr: String) {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, out, err)
    }

    static func run(_ arguments: [String], in directory: String, fileSizeLimit: Int? = nil) throws -> (status: Int32, signalled: Bool, stdout: String, stderr: String) {
        try CSegProcess(arguments, in: directory, fileSizeLimit: fileSizeLimit).wait()
    }
}

/// Polls `condition` every 10 ms for up to `seconds`; returns whether it became true.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
