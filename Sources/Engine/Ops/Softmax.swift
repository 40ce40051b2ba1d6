import Determinism
import Foundation

/// Softmax over the channel axis: per pixel of `[N, C, H, W]`, or per row of `[N, C]`.
/// Computed as exp(x − max) / Σ exp(x − max) so large logits cannot overflow.
public func softmax(_ x: Tensor) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.activation, profileT0) }
    precondition(x.shape.count == 4 || x.shape.count == 2, "softmax: input must be [N, C, H, W] or [N, C], got \(x.shape)")
    let n = x.shape[0], c = x.shape[1]
    let plane = x.shape.count == 4 ? x.shape[2] * x.shape[3] : 1
    let out = uninitializedFloats(x.count) { y in
        x.data.withUnsafeBufferPointer { xb in
            let xp = xb.baseAddress!
            Parallel.forEach(n) { i in
                let base = i * c * plane
                for p in 0..<plane {
                    var m = -Float.infinity
                    for k in 0..<c { m = max(m, xp[base + k * plane + p]) }
                    var s: Float = 0
                    for k in 0..<c {
                        let e = expf(xp[base + k * plane + p] - m)
                        y[base + k * plane + p] = e
                        s += e
                    }
                    let inv = 1 / s
                    for k in 0..<c { y[base + k * plane + p] *= inv }
                }
            }
        }
    }
    return Tensor(shape: x.shape, data: out, parents: [x]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.activation, profileT1) }
        // dx_k = y_k (g_k − Σ_j g_j y_j)
        let dx = uninitializedFloats(x.count) { dx in
            result.grad!.withUnsafeBufferPointer { gb in
                result.data.withUnsafeBufferPointer { yb in
                    let g = gb.baseAddress!, y = yb.baseAddress!
                    Parallel.forEach(n) { i in
                        let base = i * c * plane
                        for p in 0..<plane {
                            var s: Float = 0
                            for k in 0..<c { s += g[base + k * plane + p] * y[base + k * plane + p] }
                            for k in 0..<c {
                                let o = base + k * plane + p
                                dx[o] = y[o] * (g[o] - s)
                            }
                        }
                    }
                }
            }
        }
        x.accumulateGrad(dx)
    }
}
