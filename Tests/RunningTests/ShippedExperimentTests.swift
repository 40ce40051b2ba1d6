import Datasets
import Foundation
import TestSupport
import Testing
@testable import Planning
@testable import Running

@Suite("Shipped experiment files")
struct ShippedExperimentTests {
    @Test("every experiment file in experiments/ and experiments/paper/ plans without data and passes the stage-shape checks (B against S, l against the input size)")
    func everyFilePlansAndFits() throws {
        var checked = 0
        for dir in ["\(repoRoot)/experiments", "\(repoRoot)/experiments/paper"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: dir).filter({ $0.hasSuffix(".toml") }).sorted() {
                let e = try ExperimentParser.read("\(dir)/\(f)")
                let plan = try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable)
                #expect(!plan.isEmpty, "\(f)")
                #expect(throws: Never.self, "\(f)") { try ExperimentData.checkStageShapes(plan, experiment: e) }
                checked += 1
            }
        }
        #expect(checked >= 18)
        // The checks themselves: L^D drawing more volumes than the pool holds (200 / 4 = 50 of 24) ...
        let ld = try ExperimentParser.parse(experimentText(grid: "methods = [\"global+local\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]\nlocal_variants = [\"LD\"]",
                                                           extra: "[stage.pretrain-local]\nbatch_size = 200"), path: "/x/e.toml")
        let ldPlan = try RunPlanner.plan(ld, split: try SplitFileParser.read(ld.data.split), data: .unavailable)
        #expect {
            try ExperimentData.checkStageShapes(ldPlan, experiment: ld)
        } throws: { "\($0)".contains("unlabelled pool: LD needs 50 distinct volumes per draw, the pool has 24; nothing was run") }
        // ... and l = 1 at the quick preset's 96² input, which leaves a 6×6 map.
        let e = try ExperimentParser.parse(experimentText(grid: "methods = [\"global+local\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]",
                                                          extra: "[stage.pretrain-local]\ndecoder_blocks = 1"), path: "/x/e.toml")
        let plan = try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable)
        #expect(throws: RunnerError.self) { try ExperimentData.checkStageShapes(plan, experiment: e) }
    }
}
