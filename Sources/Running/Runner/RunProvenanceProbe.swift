import Determinism
import Engine
import Foundation
import HDF5
import Imaging
import Planning
import RunStore

/// What a run file records about the code and the host (docs/run-file.md, /provenance).
public enum RunProvenanceProbe {
    /// The harness's version, as `cseg --version` prints it and every run file records it.
    public static let harnessVersion = "0.1.0"

    public static func current(engineThreads: Int) -> RunProvenance {
        let (commit, dirty) = git()
        return RunProvenance(
            harnessVersion: harnessVersion, gitCommit: commit, gitDirty: dirty, toolchain: toolchain,
            libraries: [LibraryVersion(name: "OpenBLAS", version: BLAS.config),
                        LibraryVersion(name: "HDF5", version: HDF5File.libraryVersion),
                        LibraryVersion(name: "libnifti2", version: NIfTI.libraryVersion),
                        LibraryVersion(name: "libpng", version: PNGFile.libraryVersion)],
            openBLASCore: BLAS.coreName, openBLASThreads: BLAS.threadCount, engineThreads: engineThreads,
            cpuModel: cpuModel(), matrixKernels: MatrixKernels.provenance)
    }

    public static let gitCommitVariable = "CSEG_GIT_COMMIT", gitDirtyVariable = "CSEG_GIT_DIRTY"

    public static var toolchain: String {
        #if compiler(>=6.3)
        "Swift 6.3 or later"
        #elseif compiler(>=6.2)
        "Swift 6.2"
        #elseif compiler(>=6.1)
        "Swift 6.1"
        #else
        "Swift 6.0"
        #endif
    }

    /// The commit of the source tree this binary was built from (found through this file's compile-time
    /// path) and whether it had uncommitted changes; "unknown" without git or outside a repository.
    public static func git() -> (String, Bool) {
        // A parent `cseg run --jobs` probes once and hands the answer to its children, so every run of one
        // invocation records the same commit even if the tree changes while the grid runs.
        let env = ProcessInfo.processInfo.environment
        if let commit = env[gitCommitVariable], let dirty = env[gitDirtyVariable] { return (commit, dirty == "1") }
        let dir = (String(#filePath) as NSString).deletingLastPathComponent
        guard let head = shell(["git", "-C", dir, "rev-parse", "HEAD"]), head.count == 40 else { return ("unknown", false) }
        let status = shell(["git", "-C", dir, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return (head, !status.isEmpty)
    }

    static func shell(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
