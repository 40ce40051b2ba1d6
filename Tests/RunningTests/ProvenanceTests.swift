import Engine
import Foundation
import RunStore
import Testing
import TestSupport

/// The provenance a run file records is the truth about the binary and the host: the commit and dirty
/// flag git reports for the source tree `cseg` was built from, the OpenBLAS core and thread count, and
/// the engine threads asked for.
@Suite("Run provenance", .serialized)
struct ProvenanceTests {
    static func git(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", (String(#filePath) as NSString).deletingLastPathComponent] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    @Test("cseg run records git commit and dirty flag, the OpenBLAS core and threads, and the engine threads")
    func recordedProvenanceMatchesTheHost() throws {
        let e = try TinyExperiment.experiment("provenance", methods: ["baseline"])
        let (status, _) = try CSegExecutable.run(["run", e.path, "--threads", "2"])
        #expect(status == 0)
        let plan = try TinyExperiment.plan(e)
        let p = try RunFileReader.read(plan[0].output).provenance
        // The test sources live in the same tree as the sources cseg was built from.
        if let head = Self.git(["rev-parse", "HEAD"]) {
            #expect(p.gitCommit == head)
            let dirty = !(Self.git(["status", "--porcelain", "--untracked-files=no"]) ?? "").isEmpty
            #expect(p.gitDirty == dirty)
        } else {
            #expect(p.gitCommit == "unknown")
        }
        #expect(p.openBLASCore == BLAS.coreName && !p.openBLASCore.isEmpty)
        if let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !forced.isEmpty {
            #expect(p.openBLASCore.lowercased() == forced.lowercased())
        }
        #expect(p.openBLASThreads == BLAS.threadCount)
        #expect(p.engineThreads == 2)
        #expect(p.libraries.map(\.name) == ["OpenBLAS", "HDF5", "libnifti2", "libpng"])
        #expect(p.libraries.allSatisfy { !$0.version.isEmpty && $0.version != "unknown" })
        #expect(p.cpuModel != "unknown" && !p.cpuModel.isEmpty)
    }
}
