import Determinism
import Foundation

/// Whether batch norm normalises with this batch's statistics or with the moving averages. Chosen per
/// call: the local stage runs a frozen encoder in training mode (spec §4.1).
public enum BatchNormMode: Sendable {
    case training
    case inference
}

/// Which variance feeds the moving average in training mode. Normalisation always uses the biased
/// batch variance; TF's fused batch norm updates its moving variance with the Bessel-corrected one.
public enum MovingVarianceEstimate: Sendable {
    case unbiased
    case biased
}

/// Moving averages of one batch-norm layer, updated in training mode as
/// `moving = decay · moving + (1 − decay) · batch` (TF's update, no bias correction).
public final class BatchNormStatistics {
    /// `[C]`; starts at 0.
    public let movingMean: Tensor
    /// `[C]`; starts at 1, as in TF 1.x (`moving_variance_initializer=ones` in both
    /// `tf.layers.batch_normalization` and `tf.contrib.layers.batch_norm`). Spec §2.1 says the shadows
    /// start at 0 but marks it unconfirmed; at 0, inference before training multiplies activations by
    /// 1/√ε ≈ 31.6 per layer and overflows float32 through the 23 BN layers of the U-Net.
    public let movingVariance: Tensor
    public var decay: Float
    public var epsilon: Float
    public var varianceEstimate: MovingVarianceEstimate

    public init(channels: Int, decay: Float = 0.99, epsilon: Float = 1e-3,
                varianceEstimate: MovingVarianceEstimate = .unbiased, name: String? = nil) {
        movingMean = Tensor.zeros([channels], name: name.map { "\($0)/moving_mean" })
        movingVariance = Tensor(shape: [channels], data: [Float](repeating: 1, count: channels),
                                name: name.map { "\($0)/moving_variance" })
        self.decay = decay
        self.epsilon = epsilon
        self.varianceEstimate = varianceEstimate
    }
}

/// Batch normalisation over N, H, W of `[N, C, H, W]` (or over N of `[N, C]`), optionally followed by
/// ReLU in the same pass. Fusing the ReLU lets its backward read the mask from the output, so the
/// pre-activation map is never stored: the conv unit keeps two maps instead of three.
///
/// Training mode: `y = γ (x − μ_B) / √(σ²_B + ε) + β` with the biased batch variance σ²_B, and (when
/// `updateStatistics`) the moving averages advance. Inference mode uses the moving averages.
public func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, statistics: BatchNormStatistics,
                      mode: BatchNormMode, updateStatistics: Bool = true, relu: Bool = false) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.batchNormForward, profileT0) }
    precondition(x.shape.count == 4 || x.shape.count == 2, "batchNorm: input must be [N, C, H, W] or [N, C], got \(x.shape)")
    let n = x.shape[0], c = x.shape[1]
    let plane = x.shape.count == 4 ? x.shape[2] * x.shape[3] : 1
    precondition(gamma.shape == [c] && beta.shape == [c], "batchNorm: γ/β must be [\(c)]")
    let count = n * plane
    let eps = statistics.epsilon

    // Per channel: shift μ and scale 1/√(σ² + ε).
    var mean = [Float](repeating: 0, count: c)
    var invStd = [Float](repeating: 0, count: c)
    switch mode {
    case .training:
        precondition(count > 1, "batchNorm: training mode needs more than one value per channel, got \(x.shape)")
        var variance = [Double](repeating: 0, count: c)
        x.data.withUnsafeBufferPointer { xb in
            mean.withUnsafeMutableBufferPointer { mb in
                variance.withUnsafeMutableBufferPointer { vb in
                    let xp = xb.baseAddress!, mp = mb.baseAddress!, vp = vb.baseAddress!
                    Parallel.forEach(c) { ch in
                        var s = 0.0
                        for i in 0..<n { s += Kernels.sum(xp + (i * c + ch) * plane, plane) }
                        let mu = Float(s / Double(count))
                        var q = 0.0
                        for i in 0..<n { q += Kernels.sumSquaredDeviation(xp + (i * c + ch) * plane, plane, from: mu) }
                        mp[ch] = mu
                        vp[ch] = q / Double(count)
                    }
                }
            }
        }
        for ch in 0..<c { invStd[ch] = Float(1 / (variance[ch] + Double(eps)).squareRoot()) }
        if updateStatistics {
            let d = statistics.decay
            let correction = statistics.varianceEstimate == .unbiased ? Double(count) / Double(count - 1) : 1
            for ch in 0..<c {
                statistics.movingMean.data[ch] = statistics.movingMean.data[ch] * d + mean[ch] * (1 - d)
                statistics.movingVariance.data[ch] =
                    statistics.movingVariance.data[ch] * d + Float(variance[ch] * correction) * (1 - d)
            }
        }
    case .inference:
        for ch in 0..<c {
            mean[ch] = statistics.movingMean.data[ch]
            invStd[ch] = 1 / (statistics.movingVariance.data[ch] + eps).squareRoot()
        }
    }

    let out = uninitializedFloats(x.count) { y in
        x.data.withUnsafeBufferPointer { xb in
            let xp = xb.baseAddress!
            Parallel.forEach(n * c) { task in
                let ch = task % c
                let scale = invStd[ch] * gamma.data[ch]
                let shift = beta.data[ch] - mean[ch] * scale
                let src = xp + task * plane, dst = y + task * plane
                if relu {
                    for i in 0..<plane { dst[i] = max(src[i] * scale + shift, 0) }
                } else {
                    for i in 0..<plane { dst[i] = src[i] * scale + shift }
                }
            }
        }
    }

    return Tensor(shape: x.shape, data: out, parents: [x, gamma, beta]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.batchNormBackward, profileT1) }
        var dGamma = [Float](repeating: 0, count: c)
        var dBeta = [Float](repeating: 0, count: c)
        var dxStore: [Float] = x.requiresGrad ? uninitializedFloats(x.count) { _ in } : []
        result.grad!.withUnsafeBufferPointer { gb in
            x.data.withUnsafeBufferPointer { xb in
                result.data.withUnsafeBufferPointer { yb in
                    dxStore.withUnsafeMutableBufferPointer { dxb in
                        dGamma.withUnsafeMutableBufferPointer { dgb in
                            dBeta.withUnsafeMutableBufferPointer { dbb in
                                let gp = gb.baseAddress!, xp = xb.baseAddress!, yp = yb.baseAddress!
                                let dxp = dxb.baseAddress, dgp = dgb.baseAddress!, dbp = dbb.baseAddress!
                                let gammas = gamma.data
                                Parallel.forEach(c) { ch in
                                    let mu = mean[ch], inv = invStd[ch]
                                    var sdy = 0.0, sdyx = 0.0
                                    for i in 0..<n {
                                        let o = (i * c + ch) * plane
                                        let (a, b) = Kernels.maskedGradientSums(
                                            gp + o, relu ? yp + o : nil, xp + o, plane, center: mu)
                                        sdy += a
                                        sdyx += b
                                    }
                                    // Σ dy·x̂ = inv · Σ dy·(x − μ)
                                    let sumDyXhat = sdyx * Double(inv)
                                    dgp[ch] = Float(sumDyXhat)
                                    dbp[ch] = Float(sdy)
                                    guard let dxp else { return }
                                    // Inference statistics are constants: only the first term survives.
                                    let training = mode == .training
                                    let meanDy = training ? Float(sdy / Double(count)) : 0
                                    let meanDyXhat = training ? Float(sumDyXhat / Double(count)) : 0
                                    let scale = gammas[ch] * inv
                                    for i in 0..<n {
                                        let o = (i * c + ch) * plane
                                        Kernels.batchNormInputGradient(
                                            gp + o, relu ? yp + o : nil, xp + o, dxp + o, plane,
                                            scale: scale, meanDy: meanDy, meanDyXhat: meanDyXhat, mean: mu, invStd: inv)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if x.requiresGrad { x.accumulateGrad(dxStore) }
        gamma.accumulateGrad(dGamma)
        beta.accumulateGrad(dBeta)
    }
}

extension Kernels {
    /// (Σ g, Σ g·(x − center)) where g = dy, masked to 0 where the fused ReLU output y is not positive.
    static func maskedGradientSums(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>?,
                                   _ x: UnsafePointer<Float>, _ n: Int, center: Float) -> (Double, Double) {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        let cv = SIMD16<Float>(repeating: center)
        let rd = UnsafeRawPointer(dy), rx = UnsafeRawPointer(x)
        var i = 0
        if let y {
            let ry = UnsafeRawPointer(y)
            while i + 16 <= n {
                var g = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                let yv = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                g.replace(with: 0, where: yv .<= 0)
                s0 += g
                s1 += g * (rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - cv)
                i += 16
            }
        } else {
            while i + 16 <= n {
                let g = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                s0 += g
                s1 += g * (rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - cv)
                i += 16
            }
        }
        var a = 0.0, b = 0.0
        for l in 0..<16 { a += Double(s0[l]); b += Double(s1[l]) }
        while i < n {
            let g: Float = (y == nil || y![i] > 0) ? dy[i] : 0
            a += Double(g)
            b += Double(g * (x[i] - center))
            i += 1
        }
        return (a, b)
    }

    /// dx = scale · (g − meanDy − x̂ · meanDyXhat), x̂ = (x − mean)·invStd, g the ReLU-masked dy.
    static func batchNormInputGradient(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>?,
                                       _ x: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, _ n: Int,
                                       scale: Float, meanDy: Float, meanDyXhat: Float, mean: Float, invStd: Float) {
        // dx = scale·g − (scale·meanDy) − (x − mean)·(scale·invStd·meanDyXhat)
        let a = SIMD16<Float>(repeating: scale), c0 = SIMD16<Float>(repeating: scale * meanDy)
        let c1 = SIMD16<Float>(repeating: scale * invStd * meanDyXhat), mu = SIMD16<Float>(repeating: mean)
        let rd = UnsafeRawPointer(dy), rx = UnsafeRawPointer(x), rout = UnsafeMutableRawPointer(dx)
        var i = 0
        while i + 16 <= n {
            var g = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            if let y {
                let yv = UnsafeRawPointer(y).loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                g.replace(with: 0, where: yv .<= 0)
            }
            let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            rout.storeBytes(of: a * g - c0 - (xv - mu) * c1, toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n {
            let g: Float = (y == nil || y![i] > 0) ? dy[i] : 0
            dx[i] = scale * g - scale * meanDy - (x[i] - mean) * (scale * invStd * meanDyXhat)
            i += 1
        }
    }
}
