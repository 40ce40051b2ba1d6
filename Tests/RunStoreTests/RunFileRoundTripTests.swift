import Foundation
import HDF5
import Testing
@testable import RunStore

@Suite struct RunFileRoundTripTests {
    @Test func everyFieldRoundTripsAndVerifies() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        let record = RunFixtures.record()
        let hash = try RunFileWriter.write(record, to: path)
        #expect(try RunFileReader.read(path) == record)
        let header = try RunFileVerifier.verify(path)
        #expect(header == RunFileHeader(schemaVersion: 1, runKey: "baseline_tr1_c1_s7", stage: "finetune", contentSHA256: hash,
                                        resultsSHA256: header.resultsSHA256))
        #expect(header.resultsSHA256?.count == 64)
        #expect(hash.count == 64)
        // Only the committed file remains: no temporary sibling.
        #expect(try scratch.contents() == ["run.h5"])
    }

    @Test func preTrainingRunWithoutMetricsOrBestWeightsButWithProbesBeforeAndAfter() throws {
        let scratch = try Scratch()
        var record = RunFixtures.record()
        record.stage = "pretrain-global"
        record.metrics = nil
        record.bestWeights = nil
        // Stage 1 has no decoder: its probes carry embeddings only, decoder features [0, 0, 0, 0].
        var probe = record.activations!
        probe.decoderBlock = 0
        probe.decoderFeatures = []
        probe.decoderShape = [0, 0, 0, 0]
        probe.decoderVolumeIDs = []
        probe.decoderSliceIndices = []
        record.activations = probe
        probe.embeddings = probe.embeddings.map { -$0 }
        record.initialActivations = probe
        record.predictions = []
        record.curves.validationSteps = []
        record.curves.validationDice = []
        record.curves.bestStep = -1
        try RunFileWriter.write(record, to: scratch.path("pre.h5"))
        #expect(try RunFileReader.read(scratch.path("pre.h5")) == record)
        try RunFileVerifier.verify(scratch.path("pre.h5"))
        // And without any probes at all (files written before probes existed still read).
        record.activations = nil
        record.initialActivations = nil
        try RunFileWriter.write(record, to: scratch.path("bare.h5"))
        #expect(try RunFileReader.read(scratch.path("bare.h5")) == record)
    }

    @Test func isCompleteNeedsAVerifiedFileWithTheSameConfig() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        #expect(!RunFileVerifier.isComplete(path, configJSON: RunFixtures.config))
        try RunFileWriter.write(RunFixtures.record(), to: path)
        #expect(RunFileVerifier.isComplete(path, configJSON: RunFixtures.config))
        #expect(!RunFileVerifier.isComplete(path, configJSON: #"{"method":"augment"}"#))
    }
}

@Suite struct RunFileDeterminismTests {
    @Test func sameContentGivesSameBytesAndHash() throws {
        let scratch = try Scratch()
        let h1 = try RunFileWriter.write(RunFixtures.record(), to: scratch.path("a.h5"))
        let h2 = try RunFileWriter.write(RunFixtures.record(), to: scratch.path("b.h5"))
        #expect(h1 == h2)
        let a = try Data(contentsOf: scratch.dir.appendingPathComponent("a.h5"))
        let b = try Data(contentsOf: scratch.dir.appendingPathComponent("b.h5"))
        #expect(a == b)
    }

    @Test func volatileFieldsChangeBytesButNotTheHash() throws {
        let scratch = try Scratch()
        let h1 = try RunFileWriter.write(RunFixtures.record(), to: scratch.path("a.h5"))
        let h2 = try RunFileWriter.write(RunFixtures.record(volatileHost: "host-b", seconds: 99), to: scratch.path("b.h5"))
        #expect(h1 == h2)
        let a = try Data(contentsOf: scratch.dir.appendingPathComponent("a.h5"))
        let b = try Data(contentsOf: scratch.dir.appendingPathComponent("b.h5"))
        #expect(a != b)
    }

    @Test func anyHashedChangeChangesTheHash() throws {
        let scratch = try Scratch()
        let base = try RunFileWriter.write(RunFixtures.record(), to: scratch.path("base.h5"))
        var changes: [(String, RunRecord)] = []
        changes.append(("config", RunFixtures.record(config: #"{"method":"baseline","seed":8}"#)))
        var r = RunFixtures.record(); r.finalWeights[1].values[0] = 0.5000001; changes.append(("weight", r))
        r = RunFixtures.record(); r.provenance.gitDirty = false; changes.append(("dirty flag", r))
        r = RunFixtures.record(); r.predictions[0].labels[5] = 3; changes.append(("prediction", r))
        r = RunFixtures.record(); r.runKey = "baseline_tr1_c1_s8"; changes.append(("run key attribute", r))
        r = RunFixtures.record(); r.seeds[0].value = 8; changes.append(("seed", r))
        for (i, (what, record)) in changes.enumerated() {
            let h = try RunFileWriter.write(record, to: scratch.path("c\(i).h5"))
            #expect(h != base, "changing the \(what) must change the content hash")
        }
    }
}

@Suite struct RunFileVerificationTests {
    @Test func aFlippedByteInHashedDataFailsVerification() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        try RunFileWriter.write(RunFixtures.record(), to: path)
        try flipLowestBit(of: 0.123456789, in: path)  // metrics/dice[0, 0]: the file still reads
        #expect(try RunFileReader.read(path).metrics?.dice[0] != 0.123456789)
        let text = runFileErrorText { try RunFileVerifier.verify(path) }
        #expect(text.hasPrefix("\(path): content hash mismatch: stored "), "\(text)")
        #expect(!RunFileVerifier.isComplete(path, configJSON: RunFixtures.config))
    }

    @Test func aFlippedByteInVolatileDataStillVerifies() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        try RunFileWriter.write(RunFixtures.record(), to: path)
        try flipLowestBit(of: 4321.5, in: path)
        #expect(try RunFileReader.read(path).volatile.timings[0].seconds != 4321.5)
        try RunFileVerifier.verify(path)
    }

    @Test func notARunFileAndWrongSchemaVersionAreNamed() throws {
        let scratch = try Scratch()
        let plain = scratch.path("plain.h5")
        let file = try HDF5File.create(plain)
        try file.write([Float(1)], shape: [1], to: "x")
        try file.commit()
        #expect(runFileErrorText { try RunFileVerifier.verify(plain) }
                == "\(plain): not a run file (root attribute 'format' is missing, expected 'ContrastiveSeg run' or 'ContrastiveSeg archived run')")

        let future = scratch.path("future.h5")
        let f = try HDF5File.create(future)
        try f.setAttribute("format", "ContrastiveSeg run")
        try f.setAttribute("schema_version", Int64(2))
        try f.commit()
        #expect(runFileErrorText { _ = try RunFileReader.read(future) }
                == "\(future): schema_version is 2; this harness reads version 1")
    }

    @Test func inconsistentRecordsAreRefusedBeforeAnythingIsWritten() throws {
        let scratch = try Scratch()
        let path = scratch.path("run.h5")
        try RunFileWriter.write(RunFixtures.record(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var cases: [(RunRecord, String)] = []
        var r = RunFixtures.record(); r.curves.learningRate = [1e-3]
        cases.append((r, "curves: 1 learning rates for 3 steps"))
        r = RunFixtures.record(); r.metrics!.dice.removeLast()
        cases.append((r, "metrics: dice has 5 values for 2 volumes × 3 classes"))
        r = RunFixtures.record(); r.finalWeights[0].shape = [2, 1, 3, 4]
        cases.append((r, "weights: 'enc_c1_a/W' has 18 values for shape [2, 1, 3, 4]"))
        r = RunFixtures.record(); r.bestWeights!.removeLast()
        cases.append((r, "weights: best and final checkpoints must hold the same variables with the same shapes"))
        r = RunFixtures.record(); r.seeds[0].value = UInt64.max
        cases.append((r, "seed 'run' = 18446744073709551615 exceeds Int64.max"))
        r = RunFixtures.record(); r.predictions[0].affine = [1]
        cases.append((r, "predictions: volume 007 affine has 1 values, expected 16"))
        r = RunFixtures.record(); r.curves.losses[0].name = "a/b"
        cases.append((r, "loss name 'a/b' contains '/'"))
        for (record, problem) in cases {
            #expect(runFileErrorText { try RunFileWriter.write(record, to: path) } == "\(path): \(problem)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try scratch.contents() == ["run.h5"])
    }
}
