import Determinism
import Engine
import Networks

/// Stage 1 (method-spec §3): the encoder and g1 trained with a global contrastive loss, Adam on
/// `enc_*` and `reg_*`, batch norm in training mode, the last step kept (no validation).
public struct GlobalPretrainer {
    public var iterations: Int
    public var learningRate: Float
    /// τ of the InfoNCE terms (`temp_fac`, 0.1 in the original).
    public var temperature: Float

    public init(iterations: Int = 10001, learningRate: Float = 1e-3, temperature: Float = contrastiveTemperature) {
        self.iterations = iterations
        self.learningRate = learningRate
        self.temperature = temperature
    }

    /// Returns the loss of every step. A non-finite loss stops training with an error naming the step.
    public func train(_ net: GlobalContrastiveNet, batches builder: GlobalBatchBuilder, stream: inout RandomStream,
                      progress: (Int, Float) -> Void = { _, _ in }) throws -> [Float] {
        let optimiser = Adam(groups: [ParameterGroup(name: "enc", parameters: net.encoder.units.flatMap(\.parameters)),
                                      ParameterGroup(name: "reg", parameters: net.head.parameters)],
                             learningRate: learningRate)
        return try runSteps(iterations, optimiser: optimiser, progress: progress) {
            globalContrastiveLoss(network: net, batch: try builder.batch(using: &stream), temperature: temperature)
        }
    }
}

/// Stage 2 (method-spec §4.1): the encoder from stage 1, frozen (its γ, β not optimised; batch norm
/// still in training mode), l decoder blocks and g2 trained with a local contrastive loss.
public struct LocalPretrainer {
    public var iterations: Int
    public var learningRate: Float
    /// τ of the InfoNCE terms (`temp_fac`, 0.1 in the original).
    public var temperature: Float

    public init(iterations: Int = 10001, learningRate: Float = 1e-3, temperature: Float = contrastiveTemperature) {
        self.iterations = iterations
        self.learningRate = learningRate
        self.temperature = temperature
    }

    public func train(_ net: LocalContrastiveNet, batches builder: LocalBatchBuilder, stream: inout RandomStream,
                      progress: (Int, Float) -> Void = { _, _ in }) throws -> [Float] {
        let optimiser = Adam(groups: [
            ParameterGroup(name: "enc", parameters: net.encoder.units.flatMap(\.parameters), frozen: true),
            ParameterGroup(name: "dec", parameters: net.decoder.flatMap(\.units).flatMap(\.parameters)),
            ParameterGroup(name: "seg", parameters: net.head.parameters),
        ], learningRate: learningRate)
        return try runSteps(iterations, optimiser: optimiser, progress: progress) {
            localContrastiveLoss(network: net, regions: builder.regions, batch: try builder.batch(using: &stream), temperature: temperature)
        }
    }
}

/// The pre-training loop: loss, backward, Adam, for `iterations` steps; a non-finite loss stops it with
/// the step. Returns every step's loss.
func runSteps(_ iterations: Int, optimiser: Adam, progress: (Int, Float) -> Void,
              loss: () throws -> Tensor) throws -> [Float] {
    var losses: [Float] = []
    losses.reserveCapacity(iterations)
    for step in 0..<iterations {
        let l = try loss()
        guard l.item.isFinite else { throw TrainingError.diverged(step: step, loss: l.item) }
        l.backward()
        optimiser.update()
        losses.append(l.item)
        progress(step, l.item)
    }
    return losses
}

/// Moves variables between stages by name (spec §5.1): every selected source variable must exist in
/// the target with the same shape; moving averages never move.
public enum WeightTransfer {
    @discardableResult
    public static func copy(from sources: [Tensor], into targets: [Tensor], where select: (String) -> Bool) throws -> [String] {
        let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.name!, $0) })
        var copied: [String] = []
        for s in sources {
            guard let name = s.name, select(name), !WeightSelection.isMovingStatistic(name) else { continue }
            guard let t = byName[name] else { throw WeightTransferError.missing(name) }
            guard t.shape == s.shape else { throw WeightTransferError.shape(name, s.shape, t.shape) }
            t.data = s.data
            copied.append(name)
        }
        return copied
    }
}

public enum WeightTransferError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case shape(String, [Int], [Int])
    public var description: String {
        switch self {
        case .missing(let n): "weight transfer: \(n) has no counterpart in the target network"
        case .shape(let n, let a, let b): "weight transfer: \(n) is \(a) in the source but \(b) in the target"
        }
    }
}
