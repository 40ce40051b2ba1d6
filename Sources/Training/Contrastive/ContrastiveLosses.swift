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
