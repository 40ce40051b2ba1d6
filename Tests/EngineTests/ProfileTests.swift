import Dispatch
import Foundation
@testable import Engine
import Testing
import TestSupport

/// The step profile (`cseg bench --profile`): phases see their ops, nested phases are not counted
/// twice, and nothing is recorded while it is off. Serialized: the counters are global.
@Suite("Profile of ops and directions", .serialized)
struct ProfileTests {
    // Only "recorded something" is checked here: tests in other suites may run ops while this one
    // profiles, so exact totals would be flaky; `nesting` checks the arithmetic.
    @Test("conv forward, dX, dW, dense and gradient adds are attributed to their phases")
    func phasesSeeTheirOps() {
        let x = randomTensor([2, 3, 40, 40], seed: 1, purpose: "x")
        let w = randomTensor([5, 3, 3, 3], seed: 1, purpose: "w")
        let r = randomTensor([2, 5, 40, 40], seed: 1, purpose: "r", requiresGrad: false)
        Profile.reset()
        Profile.setEnabled(true)
        weightedSum(conv2d(x, weight: w), r).backward()
        Profile.setEnabled(false)
        let p = Profile.snapshot()
        for phase in [Profile.Phase.convForward, .convInputGradient, .convWeightPack, .convWeightProduct, .dense, .gradientAccumulation] {
            #expect(p[phase]! > 0, "\(phase) recorded nothing")
        }
    }

    @Test("a phase opened inside another is taken out of the outer one")
    func nesting() {
        Profile.reset()
        Profile.setEnabled(true)
        let outer = Profile.begin()
        let inner = Profile.begin()
        usleep(30_000)
        Profile.end(.loss, inner)
        Profile.end(.optimizer, outer)
        Profile.setEnabled(false)
        let p = Profile.snapshot()
        #expect(p[.loss]! >= 30_000_000)
        #expect(p[.optimizer]! < 10_000_000, "the outer phase kept the inner one's \(p[.loss]!) ns: \(p[.optimizer]!)")
    }

    @Test("while off, nothing is recorded")
    func offRecordsNothing() {
        Profile.reset()
        let x = randomTensor([1, 2, 8, 8], seed: 2, purpose: "x")
        let w = randomTensor([2, 2, 3, 3], seed: 2, purpose: "w")
        weightedSum(conv2d(x, weight: w), randomTensor([1, 2, 8, 8], seed: 2, purpose: "r", requiresGrad: false)).backward()
        #expect(Profile.snapshot().values.allSatisfy { $0 == 0 })
    }
}
