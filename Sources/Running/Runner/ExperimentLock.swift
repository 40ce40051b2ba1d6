import Foundation

/// flock(2) on a file in the experiment's output directory, so that two `cseg run` processes cannot
/// write the same run files. The kernel releases the lock when the holder dies (kill -9 included), so a
/// crash never leaves a stale lock behind; the lock file itself stays (removing it would race with a
/// process that has just opened it).
///
/// - `<output>/.lock`: exclusive for a whole-grid or `--only` run, shared for `--index` runs, so the
///   array tasks of a cluster job can run side by side while a grid run excludes them all.
/// - `<output>/.locks/<run key>.lock`: exclusive, taken by an `--index` run for its entry, so two tasks
///   of the same entry cannot race.
/// - `<output>/.locks/grid.lock`: exclusive, taken (with `.lock` shared) by `cseg run --jobs`, whose
///   children are `--index` runs.
///
/// A process that cannot take a lock fails at once (no waiting), naming the lock file and the PIDs that
/// hold it (from /proc/locks; the holder also writes its PID into the file for readers without /proc).
public final class ExperimentLock {
    public enum Mode: Sendable { case exclusive, shared }

    public let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    /// The experiment-wide lock `<output>/.lock`.
    public static func experiment(output: String, mode: Mode) throws -> ExperimentLock {
        try acquire("\(output)/.lock", mode: mode, what: "this experiment's output directory")
    }

    /// For a process that runs a grid as `--index` children (`cseg run --jobs`): the experiment lock shared,
    /// as its children take it, and `<output>/.locks/grid.lock` exclusive, so that no second such process
    /// starts; a grid run in one process (exclusive) and this exclude each other through the first.
    public static func coordinator(output: String) throws -> [ExperimentLock] {
        let shared = try experiment(output: output, mode: .shared)
        return [shared, try acquire("\(output)/.locks/grid.lock", mode: .exclusive, what: "this experiment's grid")]
    }

    /// The lock of one plan entry, `<output>/.locks/<run key>.lock`.
    public static func run(output: String, runKey: String) throws -> ExperimentLock {
        try acquire("\(output)/.locks/\(runKey).lock", mode: .exclusive, what: "run \(runKey)")
    }

    public static func acquire(_ path: String, mode: Mode, what: String) throws -> ExperimentLock {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RunnerError(dir, "cannot create the output directory: \(error.localizedDescription)")
        }
        // O_CLOEXEC: a child process (git for the provenance probe) must not inherit and outlive the lock.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw RunnerError(path, "cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(fd, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            let reason = errno
            let holders = holderPIDs(fd: fd, path: path)
            close(fd)
            guard reason == EWOULDBLOCK else {
                throw RunnerError(path, "cannot lock: \(String(cString: strerror(reason)))")
            }
            let who = holders.isEmpty ? "another process" : "process\(holders.count == 1 ? "" : "es") \(holders.map(String.init).joined(separator: ", "))"
            throw RunnerError(path, "locked by \(who): another cseg run is working on \(what); "
                              + "wait for it to finish (or stop it) and run again")
        }
        if mode == .exclusive {
            // For humans and for systems without /proc/locks; never trusted as the lock itself.
            let text = Array("\(getpid())\n".utf8)
            if ftruncate(fd, 0) == 0 { _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        }
        return ExperimentLock(path: path, fd: fd)
    }

    /// Releases the lock (also done by deinit and, if the process dies, by the kernel).
    public func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    /// PIDs holding a flock on the file, from /proc/locks ("2: FLOCK ADVISORY WRITE 1234 fe:00:5392311 0 EOF",
    /// device as hex major:minor); falls back to the PID an exclusive holder wrote into the file.
    static func holderPIDs(fd: Int32, path: String) -> [Int32] {
        var st = stat()
        if fstat(fd, &st) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) {
            let dev = UInt64(st.st_dev)  // glibc's encoding of major/minor
            let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff), minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
            let device = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(st.st_ino))
            let pids = text.split(separator: "\n").compactMap { line -> Int32? in
                let f = line.split(separator: " ", omittingEmptySubsequences: true)
                guard f.count >= 6, f[1] == "FLOCK", f[5] == device else { return nil }
                return Int32(f[4])
            }
            if !pids.isEmpty { return Array(Set(pids)).sorted() }
        }
        let written = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return written.flatMap { Int32($0) }.map { [$0] } ?? []
    }
}
