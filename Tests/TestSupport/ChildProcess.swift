import Foundation

/// Runs a program to its end and captures both streams: what the tests that check a command's messages
/// need. Standard error is drained on its own thread, so a child that writes a lot to either stream never
/// blocks on a full pipe.
public enum ChildProcess {
    public static func capture(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let e = Drained()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            e.data = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e.data, as: UTF8.self))
    }

    /// Written by the draining thread before it signals, read after the wait: the semaphore orders them.
    private final class Drained: @unchecked Sendable { var data = Data() }
}
