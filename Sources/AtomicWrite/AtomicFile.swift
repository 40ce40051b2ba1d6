import Foundation

/// The one way the harness writes a file: into a temporary sibling, fsynced, renamed over the real name,
/// the directory fsynced. A reader sees the old file or the new one, never half of one; after a crash or
/// kill -9 the real file is intact and the temporary one is garbage that `writerPID` recognises.
///
/// Temporary names: `<path>.tmp-<pid>-<random>`, or, for writers that decide the format by the file name
/// (libnifti compresses `.nii.gz`), `<path without suffix>.tmp-<pid>-<random><suffix>`. The pid says which
/// process to ask whether the writer is still alive; the random part keeps concurrent writers of one path
/// (two nodes on a shared file system) apart and is never stored in any content.
public enum AtomicFile {
    public static func temporaryPath(for path: String, keepingSuffix suffix: String = "") -> String {
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        guard !suffix.isEmpty, path.hasSuffix(suffix) else { return "\(path).tmp-\(getpid())-\(random)" }
        return "\(path.dropLast(suffix.count)).tmp-\(getpid())-\(random)\(suffix)"
    }

    /// The writer's pid in a temporary name of either form, nil for any other name.
    public static func writerPID(_ name: String) -> Int32? {
        guard let r = name.range(of: ".tmp-", options: .backwards) else { return nil }
        let digits = name[r.upperBound...].prefix { $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let rest = name[r.upperBound...].dropFirst(digits.count)
        guard rest.isEmpty || rest.hasPrefix("-") else { return nil }
        return Int32(digits)
    }

    /// `produce` writes the whole file at the temporary path it is given; then the file is fsynced and
    /// renamed over `path`. If `produce` throws, or anything after it fails, the temporary file is removed,
    /// `path` is untouched, and the error (`produce`'s own, or an `AtomicFileError` naming `path`) is thrown.
    public static func write(to path: String, keepingSuffix suffix: String = "", _ produce: (String) throws -> Void) throws {
        let temp = temporaryPath(for: path, keepingSuffix: suffix)
        do {
            try produce(temp)
            try sync(temp, for: path)
            guard rename(temp, path) == 0 else { throw AtomicFileError(path, "cannot move the finished file into place: \(reason())") }
        } catch {
            unlink(temp)
            throw error
        }
        // Persists the rename itself; a directory that cannot be opened for it loses nothing already written.
        _ = syncDirectory(of: path)
    }

    /// Writes `bytes` as the whole of `path`, atomically and durably.
    public static func write(_ bytes: Data, to path: String) throws {
        try write(to: path) { temp in
            let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw AtomicFileError(path, "cannot create \(temp): \(reason())") }
            defer { close(fd) }
            var written = 0
            try bytes.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
                while written < buf.count {
                    let n = Glibc.write(fd, buf.baseAddress! + written, buf.count - written)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw AtomicFileError(path, "cannot write \(temp): \(reason())")
                    }
                    written += n
                }
            }
        }
    }

    static func reason() -> String { String(cString: strerror(errno)) }

    /// fsync of the finished temporary file: without it a power loss can leave the renamed file empty.
    static func sync(_ temp: String, for path: String) throws {
        let fd = open(temp, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw AtomicFileError(path, "the writer left no file at \(temp): \(reason())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw AtomicFileError(path, "cannot flush \(temp) to disk: \(reason())") }
    }

    static func syncDirectory(of path: String) -> Bool {
        let fd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fsync(fd) == 0
    }
}

/// A write that could not complete; `path` (the file that was to be written) is as it was before.
public struct AtomicFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let detail: String
    public init(_ path: String, _ detail: String) {
        self.path = path
        self.detail = detail
    }
    public var description: String { "\(path): \(detail)" }
}
