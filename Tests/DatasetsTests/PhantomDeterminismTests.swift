@testable import Datasets
import Determinism
import Testing

@Suite("Phantom determinism")
struct PhantomDeterminismTests {
    @Test func sameSeedGivesIdenticalVoxelsForAnyWorkerCount() throws {
        var p = PhantomTestSupport.tiny
        p.inPlaneSupersampling = 2     // the mixed-pixel path too
        Parallel.setWorkerCount(1)
        let a = try PhantomGenerator.generate(patient: 3, seed: 11, parameters: p)
        Parallel.setWorkerCount(2)
        let b = try PhantomGenerator.generate(patient: 3, seed: 11, parameters: p)
        Parallel.setWorkerCount(1)
        #expect(a.image == b.image)
        #expect(a.label == b.label)
        #expect(a.info == b.info)
    }

    @Test func differentSeedsAndPatientsDiffer() throws {
        let p = PhantomTestSupport.tiny
        let a = try PhantomGenerator.generate(patient: 3, seed: 11, parameters: p)
        let b = try PhantomGenerator.generate(patient: 3, seed: 12, parameters: p)
        let c = try PhantomGenerator.generate(patient: 4, seed: 11, parameters: p)
        #expect(a.image.voxels != b.image.voxels || a.image.shape != b.image.shape)
        #expect(a.info.targetLVEDVML != b.info.targetLVEDVML)
        #expect(a.info.group != c.info.group)
    }

    @Test func badParametersAreRefusedWithTheKnobName() {
        var p = PhantomTestSupport.tiny
        p.flipProbability = 2
        #expect(throws: PhantomParameterError.self) { try PhantomGenerator.generate(patient: 1, seed: 1, parameters: p) }
        do { _ = try PhantomGenerator.generate(patient: 1, seed: 1, parameters: p) } catch {
            #expect("\(error)".contains("flipProbability"))
        }
    }
}
