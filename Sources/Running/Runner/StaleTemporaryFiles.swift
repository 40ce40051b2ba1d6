import AtomicWrite
import Foundation

/// Temporary files a killed writer left behind. Every writer of the output tree writes through
/// `AtomicFile` (`<path>.tmp-<pid>-<random>`, or with the suffix kept for NIfTI) and renames it over
/// `<name>` only when complete, so after a kill -9 the real file is intact and the temporary one
/// is garbage. The runner removes such files when it holds the lock covering them and their writer
/// process no longer exists.
enum StaleTemporaryFiles {
    /// The PID in a temporary file's name, nil for any other file.
    static func writerPID(_ name: String) -> Int32? { AtomicFile.writerPID(name) }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Removes the stale temporary files under `directory` (recursively); returns their paths, sorted.
    @discardableResult
    static func remove(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var removed: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard let pid = writerPID(name), !isAlive(pid) else { continue }
            let path = "\(directory)/\(relative)"
            if (try? FileManager.default.removeItem(atPath: path)) != nil { removed.append(path) }
        }
        return removed.sorted()
    }

    /// Removes the stale temporary siblings of one file (`<path>.tmp-<pid>…`).
    @discardableResult
    static func remove(siblingsOf path: String) -> [String] {
        let dir = (path as NSString).deletingLastPathComponent, base = (path as NSString).lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(base + ".tmp-") {
            guard let pid = writerPID(name), !isAlive(pid) else { continue }
            if (try? FileManager.default.removeItem(atPath: "\(dir)/\(name)")) != nil { removed.append("\(dir)/\(name)") }
        }
        return removed
    }
}
