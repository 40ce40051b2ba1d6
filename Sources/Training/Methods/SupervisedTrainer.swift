import Engine
import Imaging
import Networks

/// The supervised loop shared by the baseline, fine-tuning and the benchmark (method-spec §5.2–5.5):
/// Adam on every U-Net variable, soft Dice on softmax outputs, validation in inference mode after the
/// update of every step s with s % `validationEvery` == 0 (as the original: its loop validates after
/// `optimizer_unet_all` ran, from iteration 0) and after the last step (which the original saved but
/// never scored), and the checkpoint of the last improvement by more than 1e-7 kept for testing.
/// Validation "at step s" scores the weights after s + 1 updates.
public struct SupervisedTrainer {
    public struct Settings: Sendable, Equatable, Codable {
        public var iterations = 10001
        public var learningRate: Float = 1e-3
        public var validationEvery = 50
        /// `dsc_loss` 2 (with background, the default) or 1 (without).
        public var diceIncludesBackground = true
        /// A score must beat the best by more than this to count as an improvement.
        public var improvementMargin = 1e-7

        public init(iterations: Int = 10001, learningRate: Float = 1e-3, validationEvery: Int = 50,
                    diceIncludesBackground: Bool = true) {
            self.iterations = iterations
            self.learningRate = learningRate
            self.validationEvery = validationEvery
            self.diceIncludesBackground = diceIncludesBackground
        }
    }

    /// A validation volume: its preprocessed slices and the reference labels on the native grid.
    public struct ValidationCase {
        public var id: String
        public var slices: PreprocessedSlices
        public var reference: Volume
        public init(id: String, slices: PreprocessedSlices, reference: Volume) {
            self.id = id
            self.slices = slices
            self.reference = reference
        }
    }

    /// What a run records (run files store all of it).
    public struct Record: Sendable, Equatable {
        /// Training loss after each step.
        public var losses: [Float] = []
        /// (step, mean foreground Dice) at every validation.
        public var validation: [(step: Int, dice: Double)] = []
        public var bestStep: Int?
        public var bestDice: Double = -.infinity
        /// Every variable (BN moving averages included) at the best validation, and at the end.
        public var bestWeights: [String: [Float]] = [:]
        public var finalWeights: [String: [Float]] = [:]

        public static func == (a: Record, b: Record) -> Bool {
            a.losses == b.losses && a.validation.elementsEqual(b.validation) { $0.step == $1.step && $0.dice == $1.dice }
                && a.bestStep == b.bestStep && a.bestDice == b.bestDice && a.bestWeights == b.bestWeights
                && a.finalWeights == b.finalWeights
        }
    }

    public var settings: Settings

    public init(settings: Settings) { self.settings = settings }

    /// Trains `net` on the batches `nextBatch(step)` gives and returns the record; on return `net`
    /// holds the best-validation weights (the final ones when there is no validation set).
    /// A non-finite loss stops training with an error naming the step.
    public func train(_ net: UNet, validation: [ValidationCase], nextBatch: (Int) throws -> SliceBatch,
                      progress: (Int, Float) -> Void = { _, _ in }) throws -> Record {
        let optimiser = Adam(groups: [ParameterGroup(name: "unet", parameters: net.parameters)],
                             learningRate: settings.learningRate)
        var record = Record()
        func snapshot() -> [String: [Float]] {
            Dictionary(uniqueKeysWithValues: net.variables.map { ($0.name!, $0.data) })
        }
        for step in 0..<settings.iterations {
            let batch = try nextBatch(step)
            guard let labels = batch.labels else { throw TrainingError.unlabelledBatch(step: step) }
            let x = Tensor(shape: [batch.count, 1, batch.height, batch.width], data: batch.images)
            let y = Tensor(shape: [batch.count, batch.classes, batch.height, batch.width], data: labels)
            let loss = softDiceLoss(probabilities: softmax(net(x, mode: .training)), labels: y,
                                    includeBackground: settings.diceIncludesBackground)
            guard loss.item.isFinite else { throw TrainingError.diverged(step: step, loss: loss.item) }
            loss.backward()
            optimiser.update()
            record.losses.append(loss.item)
            progress(step, loss.item)
            if !validation.isEmpty, step % settings.validationEvery == 0 || step == settings.iterations - 1 {
                let dice = try validate(net, validation)
                record.validation.append((step, dice))
                // NaN never counts as an improvement (comparisons with NaN are false).
                if dice > record.bestDice + settings.improvementMargin {
                    record.bestDice = dice
                    record.bestStep = step
                    record.bestWeights = snapshot()
                }
            }
        }
        record.finalWeights = snapshot()
        if record.bestStep != nil {
            for v in net.variables { v.data = record.bestWeights[v.name!]! }
        }
        return record
    }

    /// Mean over validation volumes of the mean foreground Dice on the native grid.
    public func validate(_ net: UNet, _ cases: [ValidationCase]) throws -> Double {
        let predictions = try cases.map { try VolumePredictor.nativeLabels(net, case: $0.slices, source: $0.id) }
        return VolumePredictor.meanForegroundDice(predictions: predictions, references: cases.map(\.reference),
                                                  classes: net.config.numClasses)
    }
}

public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case diverged(step: Int, loss: Float)
    case unlabelledBatch(step: Int)

    public var description: String {
        switch self {
        case .diverged(let s, let l): "training diverged at step \(s): the loss is \(l)"
        case .unlabelledBatch(let s): "step \(s): the supervised loop got a batch without labels"
        }
    }
}
