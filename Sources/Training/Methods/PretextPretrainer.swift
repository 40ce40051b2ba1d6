import Determinism
import Engine
import Networks

/// The pretext baselines' pre-training (method-spec §6): Adam on every trained variable, batch norm in
/// training mode, the last step kept (no validation), like the global stage.
public struct PretextPretrainer {
    public var iterations: Int
    public var learningRate: Float

    public init(iterations: Int = 10001, learningRate: Float = 1e-3) {
        self.iterations = iterations
        self.learningRate = learningRate
    }

    /// Rotation prediction: softmax cross-entropy over the 4 angles, averaged over the batch.
    public func train(_ net: RotationNet, batches builder: PretextBatchBuilder, stream: inout RandomStream,
                      progress: (Int, Float) -> Void = { _, _ in }) throws -> [Float] {
        let optimiser = Adam(groups: [ParameterGroup(name: "enc", parameters: net.encoder.units.flatMap(\.parameters)),
                                      ParameterGroup(name: "rot", parameters: net.head.parameters)],
                             learningRate: learningRate)
        return try runSteps(iterations, optimiser: optimiser, progress: progress) {
            rotationLoss(net, builder.batch(using: &stream))
        }
    }

    /// Inpainting or context restoration: the weighted squared error of the restored slice.
    public func train(_ net: UNet, batches builder: PretextBatchBuilder, stream: inout RandomStream,
                      progress: (Int, Float) -> Void = { _, _ in }) throws -> [Float] {
        precondition(net.config.numClasses == 1, "PretextPretrainer: restoration needs the one-channel U-Net (UNetConfig.restoration)")
        let optimiser = Adam(groups: [ParameterGroup(name: "enc", parameters: net.encoder.units.flatMap(\.parameters)),
                                      ParameterGroup(name: "dec", parameters: net.decoder.flatMap(\.units).flatMap(\.parameters)),
                                      ParameterGroup(name: "seg", parameters: (net.head + [net.output]).flatMap(\.parameters))],
                             learningRate: learningRate)
        return try runSteps(iterations, optimiser: optimiser, progress: progress) {
            restorationLoss(net, builder.batch(using: &stream))
        }
    }
}

/// Cross-entropy of the rotation classes: the logits `[N, 4]` as `[N, 4, 1, 1]` maps with one-hot labels
/// and equal class weights, i.e. the mean of −log softmax(z)_label over the batch.
public func rotationLoss(_ net: RotationNet, _ batch: PretextBatch) -> Tensor {
    guard case .rotation(let classes) = batch.target else { preconditionFailure("rotationLoss: not a rotation batch") }
    let k = RotationHead.angles
    var oneHot = [Float](repeating: 0, count: batch.count * k)
    for (i, c) in classes.enumerated() { oneHot[i * k + c] = 1 }
    return weightedCrossEntropy(logits: reshape(net(batch.tensor), to: [batch.count, k, 1, 1]),
                                labels: Tensor(shape: [batch.count, k, 1, 1], data: oneHot),
                                classWeights: [Float](repeating: 1, count: k))
}

/// Weighted squared error between the U-Net's one-channel output and the uncorrupted slices.
public func restorationLoss(_ net: UNet, _ batch: PretextBatch) -> Tensor {
    guard case .restoration(let target, let weights) = batch.target else { preconditionFailure("restorationLoss: not a restoration batch") }
    return meanSquaredError(net(batch.tensor, mode: .training), target: target, weights: weights)
}
