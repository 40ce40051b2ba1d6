import Foundation
import HDF5
import Testing
@testable import RunStore

@Suite struct RunArchiveTests {
    @Test func anArchiveHoldsEverythingButTheWeightsAndNamesItsSource() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("archive/run.h5")
        let record = RunFixtures.record()
        try RunFileWriter.write(record, to: source)
        let sourceHeader = try RunFileVerifier.verify(source)

        let header = try RunArchive.write(from: source, to: archive)
        #expect(header.isArchive && !sourceHeader.isArchive)
        #expect(header.archivedFrom == RunArchiveSource(contentSHA256: sourceHeader.contentSHA256, resultsSHA256: sourceHeader.resultsSHA256!))
        #expect(header.resultsSHA256 == nil, "an archive cannot recompute a results hash, so it must not claim one")
        #expect(header.contentSHA256 != sourceHeader.contentSHA256)
        #expect(try RunFileVerifier.verify(archive) == header)

        var expected = record
        expected.finalWeights = []
        expected.bestWeights = nil
        #expect(try RunFileReader.read(archive) == expected)

        let file = try HDF5File.open(archive)
        defer { file.close() }
        #expect(file.datasetPaths().filter { $0.hasPrefix("weights/final/") || $0.hasPrefix("weights/best/") }.isEmpty)
    }

    /// Each digest is the SHA-256 of the array's little-endian float32 bytes, checked with coreutils'
    /// sha256sum so that the harness's own hashing is not its own reference.
    @Test func weightDigestsAreTheSHA256OfEachArraysBytes() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("a.h5")
        let record = RunFixtures.record()
        try RunFileWriter.write(record, to: source)
        try RunArchive.write(from: source, to: archive)
        let digests = try RunFileReader.weightDigests(archive)

        func sha256sum(_ w: NamedArray) throws -> String {
            let raw = scratch.path("raw-\(w.name.replacingOccurrences(of: "/", with: "_"))")
            try w.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: raw))
            let p = Process(), out = Pipe()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [raw]
            p.standardOutput = out
            try p.run()
            p.waitUntilExit()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            return "\(w.name) " + String(text.prefix(64))
        }
        #expect(digests.final == (try record.finalWeights.map(sha256sum)))
        #expect(digests.best == (try record.bestWeights!.map(sha256sum)))
        #expect(digests.final != digests.best!, "best and final weights differ in the fixture")
    }

    @Test func archivedAndCompleteAreTwoDifferentAnswers() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("a.h5")
        try RunFileWriter.write(RunFixtures.record(), to: source)
        try RunArchive.write(from: source, to: archive)
        #expect(RunFileVerifier.isComplete(source, configJSON: RunFixtures.config))
        #expect(!RunFileVerifier.isArchived(source, configJSON: RunFixtures.config))
        #expect(RunFileVerifier.isArchived(archive, configJSON: RunFixtures.config))
        #expect(!RunFileVerifier.isComplete(archive, configJSON: RunFixtures.config), "an archive has no weights to start a run from")
        #expect(!RunFileVerifier.isArchived(archive, configJSON: RunFixtures.config + " "))
    }

    @Test func aChangedArchiveFailsVerificationAndCannotBeArchivedAgain() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("a.h5")
        try RunFileWriter.write(RunFixtures.record(), to: source)
        try RunArchive.write(from: source, to: archive)
        #expect(runFileErrorText { try RunArchive.write(from: archive, to: scratch.path("b.h5")) } == "\(archive): is already an archived run")
        #expect(runFileErrorText { _ = try RunFileReader.weightDigests(source) }
                == "\(source): is a run file with its weights, not an archived run")

        try flipLowestBit(of: 0.123456789, in: archive)  // metrics/dice[0, 0]
        #expect(runFileErrorText { try RunFileVerifier.verify(archive) }.hasPrefix("\(archive): content hash mismatch"))
        #expect(!RunFileVerifier.isArchived(archive, configJSON: RunFixtures.config))
    }

    @Test func aSourceThatDoesNotVerifyIsNotArchived() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("a.h5")
        try RunFileWriter.write(RunFixtures.record(), to: source)
        try flipLowestBit(of: 0.123456789, in: source)
        #expect(runFileErrorText { try RunArchive.write(from: source, to: archive) }.hasPrefix("\(source): content hash mismatch"))
        #expect(!FileManager.default.fileExists(atPath: archive))
    }

    /// The source's results hash is what a recomputed run is checked against, so the copy's content
    /// hash covers it: one hex digit changed in the file's bytes and the copy no longer verifies.
    @Test func aChangedSourceResultsHashFailsVerification() throws {
        let scratch = try Scratch()
        let source = scratch.path("run.h5"), archive = scratch.path("a.h5")
        try RunFileWriter.write(RunFixtures.record(), to: source)
        let results = try #require(try RunFileVerifier.verify(source).resultsSHA256)
        try RunArchive.write(from: source, to: archive)
        var data = try Data(contentsOf: URL(fileURLWithPath: archive))
        let needle = Array(results.utf8)
        let bytes = [UInt8](data)
        let at = try #require((0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        data[at] = data[at] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        try data.write(to: URL(fileURLWithPath: archive))
        #expect(try RunFileReader.header(archive).archivedFrom?.resultsSHA256 != results, "the edit reached the attribute")
        #expect(runFileErrorText { try RunFileVerifier.verify(archive) }.hasPrefix("\(archive): content hash mismatch"))
    }
}
