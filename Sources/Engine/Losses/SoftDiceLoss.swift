/// Soft Dice loss of the original (`dsc_loss` 2 with background, 1 without; spec §5.2).
///
/// For each 2D image b and class k: `D_bk = 2 Σ p·y / (Σ p + Σ y + 1e-10)`; the loss is
/// `1 − mean_{b,k} D_bk` over the classes used. A class absent from an image and predicted nowhere
/// gives D = 0 and no gradient, exactly as in the original (it still counts in the mean).
///
/// - probabilities: softmax output `[N, K, H, W]`.
/// - labels: one-hot or soft labels `[N, K, H, W]` (soft after elastic deformation).
public func softDiceLoss(probabilities p: Tensor, labels y: Tensor, includeBackground: Bool = true,
                         smoothing: Float = 1e-10) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.loss, profileT0) }
    precondition(p.shape.count == 4 && p.shape == y.shape, "softDiceLoss: probabilities \(p.shape) and labels \(y.shape) must be equal [N, K, H, W]")
    let n = p.shape[0], k = p.shape[1], plane = p.shape[2] * p.shape[3]
    let first = includeBackground ? 0 : 1
    precondition(k > first, "softDiceLoss: no classes left to score")
    let terms = n * (k - first)
    // Per (b, k): intersection I, Σp, Σy in double.
    var inter = [Double](repeating: 0, count: n * k)
    var sumP = [Double](repeating: 0, count: n * k)
    var sumY = [Double](repeating: 0, count: n * k)
    p.data.withUnsafeBufferPointer { pb in
        y.data.withUnsafeBufferPointer { yb in
            for t in 0..<(n * k) {
                let o = t * plane
                inter[t] = Kernels.dot(pb.baseAddress! + o, yb.baseAddress! + o, plane)
                sumP[t] = Kernels.sum(pb.baseAddress! + o, plane)
                sumY[t] = Kernels.sum(yb.baseAddress! + o, plane)
            }
        }
    }
    var meanDice = 0.0
    for b in 0..<n {
        for c in first..<k {
            let t = b * k + c
            meanDice += 2 * inter[t] / (sumP[t] + sumY[t] + Double(smoothing))
        }
    }
    meanDice /= Double(terms)
    return Tensor(shape: [], data: [Float(1 - meanDice)], parents: [p]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.loss, profileT1) }
        // dL/dp = −(1/T) · (2y/den − 2I/den²)
        let g = Double(result.grad![0])
        var dp = [Float](repeating: 0, count: p.count)
        for b in 0..<n {
            for c in first..<k {
                let t = b * k + c
                let den = sumP[t] + sumY[t] + Double(smoothing)
                let a = Float(-g * 2 / (den * Double(terms)))
                let s = Float(g * 2 * inter[t] / (den * den * Double(terms)))
                let o = t * plane
                for i in 0..<plane { dp[o + i] = a * y.data[o + i] + s }
            }
        }
        p.accumulateGrad(dp)
    }
}
