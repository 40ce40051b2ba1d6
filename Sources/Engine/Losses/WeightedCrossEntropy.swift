import Foundation

/// Class-weighted cross-entropy of the original (`dsc_loss` 0; spec §5.2): per pixel
/// `CE = −Σ_k y_k log softmax(z)_k`, multiplied by the weight of the true class `Σ_k y_k w_k`, then
/// averaged over all pixels of the batch.
///
/// - logits: `[N, K, H, W]`; labels: one-hot or soft `[N, K, H, W]`; classWeights: K values.
public func weightedCrossEntropy(logits z: Tensor, labels y: Tensor, classWeights w: [Float]) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.loss, profileT0) }
    precondition(z.shape.count == 4 && z.shape == y.shape, "weightedCrossEntropy: logits \(z.shape) and labels \(y.shape) must be equal [N, K, H, W]")
    let n = z.shape[0], k = z.shape[1], plane = z.shape[2] * z.shape[3]
    precondition(w.count == k, "weightedCrossEntropy: \(w.count) class weights for \(k) classes")
    let pixels = n * plane
    var probs = [Float](repeating: 0, count: z.count)
    var total = 0.0
    for b in 0..<n {
        var rowSum = 0.0
        for p in 0..<plane {
            var m = -Float.infinity
            for c in 0..<k { m = max(m, z.data[(b * k + c) * plane + p]) }
            var s: Float = 0
            for c in 0..<k { s += expf(z.data[(b * k + c) * plane + p] - m) }
            let lse = m + logf(s)
            var ce: Float = 0, weight: Float = 0
            for c in 0..<k {
                let o = (b * k + c) * plane + p
                probs[o] = expf(z.data[o] - lse)
                ce -= y.data[o] * (z.data[o] - lse)
                weight += y.data[o] * w[c]
            }
            rowSum += Double(weight * ce)
        }
        total += rowSum
    }
    return Tensor(shape: [], data: [Float(total / Double(pixels))], parents: [z]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.loss, profileT1) }
        // d/dz_j of w·CE = w · (p_j Σ_k y_k − y_j) / pixels
        let g = result.grad![0] / Float(pixels)
        var dz = [Float](repeating: 0, count: z.count)
        for b in 0..<n {
            for p in 0..<plane {
                var ysum: Float = 0, weight: Float = 0
                for c in 0..<k {
                    let o = (b * k + c) * plane + p
                    ysum += y.data[o]
                    weight += y.data[o] * w[c]
                }
                for c in 0..<k {
                    let o = (b * k + c) * plane + p
                    dz[o] = g * weight * (probs[o] * ysum - y.data[o])
                }
            }
        }
        z.accumulateGrad(dz)
    }
}
