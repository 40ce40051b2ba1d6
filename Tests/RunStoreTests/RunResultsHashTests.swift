import Foundation
import HDF5
import Testing
@testable import RunStore

/// The results hash: over what a run computed only, so files from other commits, hosts or run keys
/// with the same numbers share it, and any computed number changes it.
@Suite struct RunResultsHashTests {
    static func hashes(_ record: RunRecord, _ path: String) throws -> (content: String, results: String) {
        let content = try RunFileWriter.write(record, to: path)
        let header = try RunFileVerifier.verify(path)
        let file = try HDF5File.open(path)
        defer { file.close() }
        let results = try RunResultsHash.compute(file)
        #expect(header.resultsSHA256 == results, "the stored results hash is the one recomputed from the file")
        return (content, results)
    }

    @Test func provenanceTimingsRunKeyAndConfigDoNotEnterTheResultsHash() throws {
        let scratch = try Scratch()
        let base = RunFixtures.record()
        let (c0, r0) = try Self.hashes(base, scratch.path("a.h5"))
        var other = RunFixtures.record(volatileHost: "host-b", seconds: 1.5, config: #"{"method":"baseline","seed":8}"#)
        other.runKey = "baseline_tr1_c1_s8"
        other.provenance.gitCommit = "fedcba9876543210fedcba9876543210fedcba98"
        other.provenance.openBLASCore = "Cooperlake"
        other.provenance.matrixKernels = "openblas:Cooperlake"
        other.provenance.cpuModel = "Another CPU"
        other.seeds = other.seeds.map { RunSeed(purpose: $0.purpose, value: $0.value + 1) }
        let (c1, r1) = try Self.hashes(other, scratch.path("b.h5"))
        #expect(c1 != c0)
        #expect(r1 == r0)
    }

    @Test("any computed number changes the results hash", arguments: ["final weight", "best weight", "curve", "metric", "prediction", "activation"])
    func everyResultCounts(part: String) throws {
        let scratch = try Scratch()
        let base = RunFixtures.record()
        let (_, r0) = try Self.hashes(base, scratch.path("a.h5"))
        var changed = base
        switch part {
        case "final weight": changed.finalWeights[0].values[3] = changed.finalWeights[0].values[3].nextUp
        case "best weight": changed.bestWeights![1].values[0] = changed.bestWeights![1].values[0].nextUp
        case "curve": changed.curves.validationDice[0] = changed.curves.validationDice[0].nextUp
        case "metric": changed.metrics!.dice[0] = changed.metrics!.dice[0].nextUp
        case "prediction": changed.predictions[0].labels[0] ^= 1
        default: changed.activations!.embeddings[0] = changed.activations!.embeddings[0].nextUp
        }
        let (_, r1) = try Self.hashes(changed, scratch.path("b.h5"))
        #expect(r1 != r0, "\(part) did not reach the results hash")
    }

    @Test func aTamperedStoredResultsHashFailsVerification() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        let (_, results) = try Self.hashes(RunFixtures.record(), path)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let pattern = Array(results.utf8)
        let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at] = bytes[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let text = runFileErrorText { try RunFileVerifier.verify(path) }
        #expect(text.contains("results hash mismatch"), "\(text)")
    }
}
