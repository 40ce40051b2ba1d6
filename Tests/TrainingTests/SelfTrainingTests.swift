import Foundation
import Engine
import Imaging
import Networks
import Testing
@testable import Training

@Suite("Self-training rounds")
struct SelfTrainingTests {
    static let config = PseudoLabellerTests.config

    /// A labelled 32² volume of `count` slices, every pixel `value`, labels all class 1.
    static func labelled(_ count: Int, value: Float) -> PreprocessedSlices {
        var v = PseudoLabellerTests.unlabelled([Float](repeating: value, count: count * 1024))
        v.labels = [Float](repeating: 1, count: count * 1024)
        return v
    }

    /// A network whose output layer is zero: uniform probabilities, so every slice has confidence 1/3.
    static func uniform(seed: UInt64) -> UNet {
        let net = UNet(config: config, seed: seed)
        for v in net.output.parameters { v.data = [Float](repeating: 0, count: v.count) }
        return net
    }

    @Test("accepted slices join as one volume after the labelled ones, with the labelled geometry; nothing accepted, nothing added")
    func addingPseudoVolume() {
        let labelled = [Self.labelled(3, value: 0.2)]
        let accepted = [
            PseudoLabeller.Slice(volumeID: "007", index: 1, image: [Float](repeating: 0.7, count: 1024), labels: [Float](repeating: 2, count: 1024), confidence: 0.95),
            PseudoLabeller.Slice(volumeID: "009", index: 0, image: [Float](repeating: 0.9, count: 1024), labels: [Float](repeating: 0, count: 1024), confidence: 0.99),
        ]
        let (volumes, sources) = SelfTraining.adding(accepted, to: labelled, sources: ["002"], round: 2)
        #expect(volumes.count == 2 && volumes[0] == labelled[0])
        #expect(volumes[1].geometry.sliceCount == 2 && volumes[1].geometry.size == 32)
        #expect(volumes[1].images == [Float](repeating: 0.7, count: 1024) + [Float](repeating: 0.9, count: 1024))
        #expect(volumes[1].labels == [Float](repeating: 2, count: 1024) + [Float](repeating: 0, count: 1024))
        #expect(sources == ["002", "pseudo-labels round 2 (2 slices)"])
        let (same, names) = SelfTraining.adding([], to: labelled, sources: ["002"], round: 1)
        #expect(same == labelled && names == ["002"])
    }

    @Test("each round labels with the previous round's model and trains on the labelled volumes plus that round's pseudo-labels")
    func roundsChain() throws {
        let labelled = [Self.labelled(2, value: 0.2)]
        let images = (0..<3072).map { Float(sin(Double($0) * 0.37) + cos(Double($0 / 32) * 0.21)) }
        let pool = [(id: "011", slices: PseudoLabellerTests.unlabelled(images))]
        // Round 0's model is uniform (confidence exactly 1/3 < 0.34): round 1 gets no pseudo-labels. Round
        // 1 returns a random network, which is more confident on some slices: round 2 must get exactly
        // those, so it labelled with round 1's model and not round 0's.
        let random = UNet(config: Self.config, seed: 3)
        let expected = PseudoLabeller(threshold: 0.34).label(random, pool: pool).count
        try #require(expected > 0)
        let nets = [random, Self.uniform(seed: 6)]
        var calls: [(round: Int, volumes: Int, sources: [String])] = []
        let out = try SelfTraining(threshold: 0.34, rounds: 2)
            .rounds(after: Self.uniform(seed: 4), labelled: labelled, sources: ["002"], unlabelled: pool) { volumes, sources, round in
                calls.append((round, volumes.count, sources))
                if volumes.count > 1 { #expect(volumes[1].geometry.sliceCount == expected) }
                return (nets[round - 1], SupervisedTrainer.Record(losses: [Float(round)]))
            }
        #expect(calls.map(\.round) == [1, 2] && calls.map(\.volumes) == [1, 2])
        #expect(calls[0].sources == ["002"] && calls[1].sources == ["002", "pseudo-labels round 2 (\(expected) slices)"])
        #expect(out.count == 2 && out[1].net === nets[1] && out.map(\.record.losses) == [[1], [2]])
        // rounds = 0 counts as one round.
        var alone: [Int] = []
        _ = try SelfTraining(threshold: 0.34, rounds: 0).rounds(after: Self.uniform(seed: 4), labelled: labelled, sources: ["002"], unlabelled: pool) { v, _, round in
            alone.append(round)
            return (nets[round - 1], SupervisedTrainer.Record())
        }
        #expect(alone == [1])
    }
}
