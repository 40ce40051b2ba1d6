import Datasets
import Engine
import Evaluation
import Networks
import Planning
import RunStore
import Training

/// The test of a fine-tuned model (spec §5.6, §11) and its probe activations, in run-file form.
enum TestEvaluation {
    /// Per test volume × foreground class Dice/HD95/ASSD on the native grid, and the predicted label maps.
    static func evaluate(_ net: UNet, cases: [PreparedCase], classNames: [String]) throws -> (metrics: RunMetrics, predictions: [VolumePrediction]) {
        let classes = Array(1..<classNames.count)
        var dice = [Double](), hd95 = [Double](), assd = [Double](), bothEmpty = [UInt8]()
        var predictions: [VolumePrediction] = []
        for c in cases {
            let predicted = try VolumePredictor.nativeLabels(net, case: c.slices, source: c.id)
            for s in SegmentationScores.perClass(prediction: predicted, reference: c.reference, classes: classes) {
                dice.append(s.dice)
                hd95.append(s.hd95)
                assd.append(s.assd)
                bothEmpty.append(s.bothEmpty ? 1 : 0)
            }
            predictions.append(VolumePrediction(volumeID: c.id, labels: predicted))
        }
        let metrics = RunMetrics(volumeIDs: cases.map(\.id), classNames: classes.map { classNames[$0] },
                                 classLabels: classes.map(Int64.init), dice: dice, hd95: hd95, assd: assd, bothEmpty: bothEmpty)
        return (metrics, predictions)
    }

    /// The g1 embedding of every test slice through this model's encoder (in inference mode) and the
    /// pre-trained g1 of the run's global ancestor, or for runs without one a g1 initialised from a fixed
    /// seed shared by every run, so that all runs of an experiment are projected alike. Partitions are cut
    /// as the global loss cuts volumes (the ancestor's S, else the paper's 4).
    static func activations(_ net: UNet, cases: [PreparedCase], ancestry: Ancestry, _ c: RunContext) throws -> RunActivations {
        let probe = GlobalContrastiveNet(config: net.config, seed: 0)
        if let g = ancestry.global {
            try probe.head.parameters.load(from: RunFileReader.read(g.output).finalWeights, where: { _ in true }, source: g.output)
        }
        ProbeActivations.loadEncoder(probe, from: net.variables)
        let block = ancestry.decoderBlocks ?? c.experiment.settings.pretrainLocal.decoderBlocks
        return ProbeActivations.record(cases: cases, partitions: ancestry.partitions ?? 4, embed: { probe($0, mode: .inference) },
                                       decoderBlock: block, decoderFeatures: { x in
            var (h, skips) = net.encoder(x, mode: .inference)
            for b in net.decoder.prefix(block) { h = b(h, skip: skips.removeLast(), mode: .inference) }
            return h
        })
    }
}
