import Planning
import Reports
import Testing

@Suite("Convergence flag and arm relations")
struct ConvergenceFlagTests {
    @Test("a best validation step in the last 10 % of training is late; on the boundary too; −1 never")
    func lateBestStep() {
        // 400 steps 0…399: the last 10 % are steps 360…399.
        #expect(!ScoredRun.bestStepIsLate(bestStep: 359, lastStep: 399, iterations: 400))
        #expect(ScoredRun.bestStepIsLate(bestStep: 360, lastStep: 399, iterations: 400))
        #expect(ScoredRun.bestStepIsLate(bestStep: 399, lastStep: 399, iterations: 400))
        #expect(!ScoredRun.bestStepIsLate(bestStep: -1, lastStep: 399, iterations: 400))
        // Self-training's second round continues the axis at 400…799: judged within that round.
        #expect(!ScoredRun.bestStepIsLate(bestStep: 700, lastStep: 799, iterations: 400))
        #expect(ScoredRun.bestStepIsLate(bestStep: 790, lastStep: 799, iterations: 400))
        // A curve shorter than the configured steps is judged on its own length (20 steps: 18…19 are late).
        #expect(!ScoredRun.bestStepIsLate(bestStep: 15, lastStep: 19, iterations: 400))
        #expect(ScoredRun.bestStepIsLate(bestStep: 18, lastStep: 19, iterations: 400))
        // The issue's stricter preset check (last 20 %) uses the same rule.
        #expect(ScoredRun.bestStepIsLate(bestStep: 330, lastStep: 399, iterations: 400, share: 0.2))
        #expect(!ScoredRun.bestStepIsLate(bestStep: 310, lastStep: 399, iterations: 400, share: 0.2))
        // The per-training table's place of the best step, on the same training as the flags.
        #expect(ScoredRun.bestStepPercent(bestStep: 360, lastStep: 399, iterations: 400) == 90)
        #expect(ScoredRun.bestStepPercent(bestStep: 359, lastStep: 399, iterations: 400) == 89)
        #expect(ScoredRun.bestStepPercent(bestStep: 228, lastStep: 399, iterations: 400) == 57, "not 56 from 0.57 × 100 in floats")
        #expect(ScoredRun.bestStepPercent(bestStep: 2999, lastStep: 2999, iterations: 3000) == 99)
        #expect(ScoredRun.bestStepPercent(bestStep: 0, lastStep: 399, iterations: 400) == 0)
        #expect(ScoredRun.bestStepPercent(bestStep: 700, lastStep: 799, iterations: 400) == 75)
        #expect(ScoredRun.bestStepPercent(bestStep: 15, lastStep: 19, iterations: 400) == 75)
        #expect(ScoredRun.bestStepPercent(bestStep: -1, lastStep: 399, iterations: 400) == nil)
        // The late gain: validations in the last 20 % of 0…99 (steps 80…99) against 60…79.
        let steps: [Int64] = [0, 50, 60, 70, 80, 90, 99]
        let gain = ScoredRun.lateValidationGain(steps: steps, dice: [0.1, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9], training: 0...99)
        #expect(abs(gain! - ((0.8 + 0.85 + 0.9) / 3 - (0.6 + 0.7) / 2)) < 1e-12)
        #expect(abs(ScoredRun.lateValidationGain(steps: steps, dice: [0.1, 0.5, 0.8, 0.8, 0.8, 0.8, 0.8], training: 0...99)!) < 1e-12, "a plateau")
        #expect(ScoredRun.lateValidationGain(steps: [0, 50, 99], dice: [0.1, 0.5, 0.9], training: 0...99) == nil, "no validation in 60…79")
        // Self-training's last round 100…199: validations of the first round are not counted.
        #expect(ScoredRun.lateValidationGain(steps: [70, 80, 160, 180], dice: [0.0, 1.0, 0.5, 0.6], training: 100...199).map { abs($0 - 0.1) < 1e-12 } == true)
        // The steps the report's table names: all of a plain run, the last round of self-training.
        #expect(ScoredRun.lastTraining(lastStep: 399, iterations: 400) == 0...399)
        #expect(ScoredRun.lastTraining(firstStep: 0, lastStep: 799, iterations: 400) == 400...799)
        #expect(ScoredRun.lastTraining(firstStep: 0, lastStep: 19, iterations: 400) == 0...19)
    }

    @Test("arms name their augmentation: -noaug twins, and like-with-like parts")
    func armRelations() throws {
        let gl = Arm(method: try #require(Method(name: "global+local")), globalVariant: .GD, localVariant: .LR)
        #expect(gl.id == "global-GD+local-LR")
        #expect(gl.withoutAugmentation?.id == "global-GD+local-LR-noaug")
        #expect(gl.withoutAugmentation?.withoutAugmentation == nil)
        let mixupBare = Arm(method: try #require(Method(name: "global+local+mixup-noaug")), globalVariant: .GD, localVariant: .LR)
        #expect(mixupBare.id == "global-GD+local-LR+mixup-noaug")
        #expect(mixupBare.withoutAddition?.id == "global-GD+local-LR-noaug")
        #expect(mixupBare.additionAlone?.id == "mixup-noaug")
        let intensity = Arm(method: try #require(Method(name: "intensity")), globalVariant: nil, localVariant: nil)
        #expect(intensity.id == "intensity" && intensity.withoutAugmentation == nil)
        #expect(Arm(method: .baseline, globalVariant: nil, localVariant: nil).withoutAugmentation?.id == "baseline-noaug")
    }
}
