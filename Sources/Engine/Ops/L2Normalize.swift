/// Rows of `[N, D]` scaled to unit length: `x / √max(Σx², 1e-12)` (TF's `l2_normalize`), so that dot
/// products of outputs are cosine similarities.
public func l2Normalize(_ x: Tensor, epsilon: Float = 1e-12) -> Tensor {
    precondition(x.shape.count == 2, "l2Normalize: input must be [N, D], got \(x.shape)")
    let n = x.shape[0], d = x.shape[1]
    var norms = [Float](repeating: 0, count: n)
    var clamped = [Bool](repeating: false, count: n)
    var out = x.data
    x.data.withUnsafeBufferPointer { xb in
        for i in 0..<n {
            let ss = Float(Kernels.dot(xb.baseAddress! + i * d, xb.baseAddress! + i * d, d))
            clamped[i] = ss < epsilon
            norms[i] = max(ss, epsilon).squareRoot()
            for j in 0..<d { out[i * d + j] /= norms[i] }
        }
    }
    return Tensor(shape: x.shape, data: out, parents: [x]) { result in
        // dx = (g − y (g·y)) / ‖x‖ ; in the clamped region the norm is a constant, so dx = g / √ε.
        let g = result.grad!, y = result.data
        var dx = [Float](repeating: 0, count: x.count)
        g.withUnsafeBufferPointer { gb in
            y.withUnsafeBufferPointer { yb in
                for i in 0..<n {
                    let o = i * d
                    let gy = clamped[i] ? 0 : Float(Kernels.dot(gb.baseAddress! + o, yb.baseAddress! + o, d))
                    for j in 0..<d { dx[o + j] = (g[o + j] - y[o + j] * gy) / norms[i] }
                }
            }
        }
        x.accumulateGrad(dx)
    }
}
