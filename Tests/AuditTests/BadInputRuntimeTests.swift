import Foundation
import Networks
import RunStore
import Testing
@testable import Planning
@testable import Running

/// What goes wrong while a grid runs, in process: divergence, a damaged run file at the output path,
/// temporary files of a killed writer, a lock held by another process.
@Suite("Bad input: divergence, damaged outputs, locks", .serialized)
struct BadInputRuntimeTests {
    @Test("diverging fine-tuning (a huge learning rate): the run fails with run key, step and layer; nothing is stored")
    func divergingFinetune() throws {
        let c = try AuditFixture.makeCase("diverge-finetune")
        var config = TinyConfig()
        config.finetuneLearningRate = 1e30
        try c.writeExperiment(config)
        let message = try #require(try c.runExpectingFailure(strict: false))
        // Both fine-tuning runs are pending (the learning rate is part of their config) and both diverge;
        // the stored baseline file of the old config is left as it was.
        for key in ["baseline_tr1_c1_s7", "mixup_tr1_c1_s7"] {
            #expect(message.contains("\(c.output)/runs/\(key).h5: run \(key) diverged at step 1 of finetune"), "\(message)")
        }
        #expect(message.contains("first non-finite layer"))
        #expect(message.contains("2 of 2 runs failed"))
    }

    @Test("a diverged run's outcome is a failure naming a layer of its network, and no complete file exists for it")
    func divergingFinetuneOutcome() throws {
        let c = try AuditFixture.makeCase("diverge-outcome")
        var config = TinyConfig()
        config.finetuneLearningRate = 1e30
        config.methods = ["baseline"]
        try c.writeExperiment(config)
        do {
            try c.runner().run()
            Issue.record("the run did not fail")
        } catch let failure as ExperimentRunner.GridFailure {
            #expect(failure.outcomes.count == 1 && failure.outcomes[0].skipped == false)
            let f = try #require(failure.outcomes.first?.failure)
            #expect(f.hasPrefix("\(c.output)/runs/baseline_tr1_c1_s7.h5: run baseline_tr1_c1_s7 diverged at step 1 of finetune: the loss is "), "\(f)")
            #expect(f.contains("nan; first non-finite layer "), "\(f)")
            // The layer is one of the U-Net's conv units, named as its variables are.
            let layer = try #require(f.components(separatedBy: "first non-finite layer ").last?.split(separator: ":").first)
            let units = UNet(config: UNetConfig(inputSize: 32, numClasses: 4).scaled(by: 0.125), seed: 1).units.map(\.name)
            #expect(units.contains(String(layer)), "\(layer)")
            // Nothing stored as a success: the file there is still the old config's.
            #expect(!RunCompletion.isComplete(try c.plan()[0]))
        }
    }

    @Test("diverging pre-training: the stage fails with its step and layer; the fine-tuning run that starts from it is not run; the others are")
    func divergingPretraining() throws {
        let c = try AuditFixture.makeCase("diverge-pretrain")
        var config = TinyConfig()
        config.methods = ["baseline", "global"]
        config.globalLearningRate = 1e30
        config.globalIterations = 3
        try c.writeExperiment(config)
        let message = try #require(try c.runExpectingFailure(strict: false))
        #expect(message.contains("run pretrain-global-GD_s7 diverged at step"), "\(message)")
        #expect(message.contains("first non-finite layer"))
        #expect(message.contains("\(c.output)/runs/global-GD_tr1_c1_s7.h5: run global-GD_tr1_c1_s7 was not run: it starts from pretrain-global-GD_s7, which failed"))
        #expect(message.hasPrefix("2 of 3 runs failed:"))
    }

    @Test("a truncated run file at the output path is not taken as complete: the rerun replaces it with the same content")
    func truncatedRunFile() throws {
        let c = try AuditFixture.makeCase("truncated-run-file")
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let stored = try RunFileReader.header(path).contentSHA256
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: (any Error).self) { try RunFileVerifier.verify(path) }
        let outcomes = try c.runner().run(.matching("baseline_*"))
        #expect(outcomes.map(\.skipped) == [false])
        #expect(try RunFileVerifier.verify(path).contentSHA256 == stored)
        #expect(c.temporaryFiles() == [])
    }

    @Test("a run file with one flipped byte fails verification and is recomputed")
    func flippedByteRunFile() throws {
        let c = try AuditFixture.makeCase("flipped-run-file")
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let stored = try RunFileReader.header(path).contentSHA256
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // A byte of the stored learning-rate curve (float64 1e-3, uncompressed): find its bit pattern.
        let pattern = withUnsafeBytes(of: (1e-3 as Double).bitPattern.littleEndian, Array.init)
        let at = try #require((0...(bytes.count - 8)).first { Array(bytes[$0..<($0 + 8)]) == pattern })
        bytes[at] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: RunFileError.self) { try RunFileVerifier.verify(path) }
        #expect(try c.runner().run(.matching("baseline_*")).map(\.skipped) == [false])
        #expect(try RunFileVerifier.verify(path).contentSHA256 == stored)
    }

    @Test("temporary files of a killed writer are removed by the next run; a live writer's are kept")
    func staleTemporaryFiles() throws {
        let c = try AuditFixture.makeCase("stale-temp")
        let dead = try deadPID()
        let stale = ["\(c.output)/runs/mixup_tr1_c1_s7.h5.tmp-\(dead)-1x2y3z", "\(c.output)/cache/preprocess/leftover.tmp-\(dead)"]
        let live = "\(c.output)/runs/other.h5.tmp-\(getpid())-abc"
        for p in stale + [live] { try Data("half-written".utf8).write(to: URL(fileURLWithPath: p)) }
        try c.runner().run()
        #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(StaleTemporaryFiles.writerPID("a.h5.tmp-123-xyz") == 123 && StaleTemporaryFiles.writerPID("b.tmp-45") == 45)
        #expect(StaleTemporaryFiles.writerPID("a.h5") == nil && StaleTemporaryFiles.writerPID("x.tmp-12a") == nil)
    }

    @Test("a grid run while another process holds the experiment lock fails at once, naming the lock and the PID")
    func lockHeld() throws {
        let c = try AuditFixture.makeCase("lock-held")
        let lock = try ExperimentLock.experiment(output: c.output, mode: .exclusive)
        defer { lock.release() }
        let message = try c.runExpectingFailure()
        expectMessage(message, names: "\(c.output)/.lock", says: "locked by process \(getpid()): another cseg run is working on this experiment's output directory")
    }

    @Test("--index tasks share the experiment lock with each other, not with a grid run; two tasks of one entry exclude each other")
    func lockModes() throws {
        let c = try AuditFixture.makeCase("lock-modes")
        let a = try ExperimentLock.experiment(output: c.output, mode: .shared)
        let b = try ExperimentLock.experiment(output: c.output, mode: .shared)
        #expect(throws: RunnerError.self) { try ExperimentLock.experiment(output: c.output, mode: .exclusive) }
        let entry = try ExperimentLock.run(output: c.output, runKey: "mixup_tr1_c1_s7")
        let error = try #require(throws: RunnerError.self) { try ExperimentLock.run(output: c.output, runKey: "mixup_tr1_c1_s7") }
        #expect(error.path == "\(c.output)/.locks/mixup_tr1_c1_s7.lock" && error.problem.contains("process \(getpid())"))
        // A grid run is refused while tasks run; a task of another entry is not.
        #expect(throws: RunnerError.self) { try c.runner().run() }
        let plan = try c.plan()
        let mixup = try #require(plan.first { $0.runKey == "mixup_tr1_c1_s7" })
        #expect(throws: RunnerError.self) { try c.runner().run(.index(mixup.index)) }
        entry.release()
        #expect(try c.runner().run(.index(mixup.index)).map(\.skipped) == [false])
        a.release()
        b.release()
        _ = try ExperimentLock.experiment(output: c.output, mode: .exclusive)
    }

    /// The PID of a process that has exited (and been reaped).
    func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }
}
