import Engine
import Networks

/// τ = `temp_fac` = 0.1 (spec §3.1, §4.1).
public let contrastiveTemperature: Float = 0.1

/// Stage-1 loss: g1 outputs `[count, D]` of `batch.images` → L2-normalised rows → InfoNCE over the
/// batch's terms divided by its normaliser. Returns a scalar with gradients to the embeddings.
public func globalContrastiveLoss(embeddings z: Tensor, batch: ContrastiveBatch,
                                  temperature: Float = contrastiveTemperature) -> Tensor {
    precondition(z.shape.count == 2 && z.shape[0] == batch.count,
                 "globalContrastiveLoss: embeddings \(z.shape) for a batch of \(batch.count) images")
    return infoNCE(embeddings: l2Normalize(z), terms: batch.terms, temperature: temperature, normaliser: batch.normaliser)
}

/// Stage-1 step's forward pass and loss on `GlobalContrastiveNet` (batch norm in training mode).
public func globalContrastiveLoss(network: GlobalContrastiveNet, batch: ContrastiveBatch,
                                  temperature: Float = contrastiveTemperature) -> Tensor {
    globalContrastiveLoss(embeddings: network(batch.tensor, mode: .training), batch: batch, temperature: temperature)
}

/// Stage-2 loss: the g2 feature map `[count, C, F, F]` of `batch.images` → the regions at
/// `regions.uniquePositions` (3×3 windows through g2's window map, or single pixels' C-vectors) →
/// L2-normalised rows `[count·U, D]` → InfoNCE over the batch's terms divided by its normaliser.
public func localContrastiveLoss(features: Tensor, head: LocalHead, regions: LocalRegions, batch: ContrastiveBatch,
                                 temperature: Float = contrastiveTemperature) -> Tensor {
    precondition(features.shape.count == 4 && features.shape[0] == batch.count
                 && features.shape[2] == regions.featureSize && features.shape[3] == regions.featureSize,
                 "localContrastiveLoss: features \(features.shape) for \(batch.count) images and \(regions.featureSize)² regions")
    precondition(head.windowSize == regions.windowSize,
                 "localContrastiveLoss: a head for \(head.windowSize)×\(head.windowSize) regions given the table of \(regions.windowSize)×\(regions.windowSize) ones")
    let z = l2Normalize(head.embed(features, at: regions.uniquePositions))
    return infoNCE(embeddings: z, terms: batch.terms, temperature: temperature, normaliser: batch.normaliser)
}

/// Stage-2 step's forward pass (frozen encoder, batch norm in training mode) and loss.
public func localContrastiveLoss(network: LocalContrastiveNet, regions: LocalRegions, batch: ContrastiveBatch,
                                 temperature: Float = contrastiveTemperature) -> Tensor {
    localContrastiveLoss(features: network.features(batch.tensor, mode: .training, encoderFrozen: true),
                         head: network.head, regions: regions, batch: batch, temperature: temperature)
}
