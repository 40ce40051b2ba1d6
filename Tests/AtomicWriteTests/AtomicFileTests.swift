import AtomicWrite
import Foundation
import Testing

@Suite("Atomic file writes")
struct AtomicFileTests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-atomic-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("temporary names of both forms carry this process's pid; other names carry none")
    func names() {
        let plain = AtomicFile.temporaryPath(for: "/d/run.h5")
        let kept = AtomicFile.temporaryPath(for: "/d/005.nii.gz", keepingSuffix: ".nii.gz")
        #expect(plain.hasPrefix("/d/run.h5.tmp-\(getpid())-") && kept.hasPrefix("/d/005.tmp-\(getpid())-") && kept.hasSuffix(".nii.gz"))
        for name in [plain, kept] { #expect(AtomicFile.writerPID((name as NSString).lastPathComponent) == getpid()) }
        #expect(AtomicFile.writerPID("run.h5") == nil && AtomicFile.writerPID("a.tmp-x") == nil && AtomicFile.writerPID("a.tmp-12x") == nil)
        #expect(AtomicFile.writerPID("a.tmp-12") == 12)
    }

    @Test("a write replaces the file whole and leaves no temporary file")
    func replaces() throws {
        let dir = try Self.directory()
        let path = "\(dir)/f.txt"
        try AtomicFile.write(Data("old".utf8), to: path)
        try AtomicFile.write(Data("new content".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new content")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["f.txt"])
    }

    @Test("a writer that fails leaves the old file as it was and no temporary file; its error comes through")
    func failureKeepsOld() throws {
        struct Boom: Error {}
        let dir = try Self.directory()
        let path = "\(dir)/f.txt"
        try AtomicFile.write(Data("old".utf8), to: path)
        #expect(throws: Boom.self) {
            try AtomicFile.write(to: path) { temp in
                try Data("half".utf8).write(to: URL(fileURLWithPath: temp))
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["f.txt"])
        // A writer that claims success but leaves no file.
        #expect(throws: AtomicFileError.self) { try AtomicFile.write(to: path) { _ in } }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    }

    @Test("a missing directory is an error naming the file")
    func missingDirectory() {
        let path = "/nonexistent-\(getpid())/f.txt"
        #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: path) }
        do { try AtomicFile.write(Data("x".utf8), to: path) } catch { #expect("\(error)".hasPrefix(path)) }
    }
}
