import Imaging
import Networks

/// Self-training, the paper's semi-supervised comparison (method-spec §6; the original repository has no
/// code for it, so its rounds and threshold are this harness's choice, recorded in the run config): the
/// model trained on the labelled volumes pseudo-labels the unlabelled pool; its confident slices join the
/// labelled volumes as one more volume, and training restarts from the run's initial weights. Each round
/// labels with the previous round's best-validation model.
public struct SelfTraining: Sendable {
    public var labeller: PseudoLabeller
    public var rounds: Int

    /// `rounds` below 1 counts as 1: a self-training run always has at least one pseudo-labelled round.
    public init(threshold: Float, rounds: Int) {
        labeller = PseudoLabeller(threshold: threshold)
        self.rounds = max(1, rounds)
    }

    /// One supervised training from the run's initial weights on `volumes` (`sources` names each, for
    /// messages); `round` keeps the rounds' random streams apart. Returns the best-validation model.
    public typealias Training = (_ volumes: [PreprocessedSlices], _ sources: [String], _ round: Int) throws
        -> (net: UNet, record: SupervisedTrainer.Record)

    /// Rounds 1…`rounds`, after round 0 (`first`, trained on `labelled` alone), in order.
    public func rounds(after first: UNet, labelled: [PreprocessedSlices], sources: [String],
                       unlabelled: [(id: String, slices: PreprocessedSlices)],
                       train: Training) throws -> [(net: UNet, record: SupervisedTrainer.Record)] {
        var out: [(net: UNet, record: SupervisedTrainer.Record)] = []
        var net = first
        for round in 1...rounds {
            let accepted = labeller.label(net, pool: unlabelled)
            let (volumes, names) = Self.adding(accepted, to: labelled, sources: sources, round: round)
            let trained = try train(volumes, names, round)
            out.append(trained)
            net = trained.net
        }
        return out
    }

    /// `labelled` with the accepted slices appended as one volume of their own (the labelled volumes'
    /// geometry and normalisation, `accepted.count` slices); unchanged when nothing was accepted.
    static func adding(_ accepted: [PseudoLabeller.Slice], to labelled: [PreprocessedSlices], sources: [String],
                       round: Int) -> ([PreprocessedSlices], [String]) {
        guard let first = labelled.first, !accepted.isEmpty else { return (labelled, sources) }
        var geometry = first.geometry
        geometry.sliceCount = accepted.count
        let pseudo = PreprocessedSlices(images: accepted.flatMap(\.image), labels: accepted.flatMap(\.labels),
                                        geometry: geometry, normalisation: first.normalisation)
        return (labelled + [pseudo], sources + ["pseudo-labels round \(round) (\(accepted.count) slices)"])
    }
}
