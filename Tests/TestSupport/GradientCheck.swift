import Determinism
import Engine
import Testing

/// Central-difference gradient check.
///
/// The scalar under test is `Σ_i r_i · f(x)_i` with fixed random weights r (so every output element
/// matters), accumulated in double. For each checked element of each input, the numeric derivative
/// `(L(x + h) − L(x − h)) / 2h` is compared with the analytic one; the check passes when
/// `|analytic − numeric| ≤ tolerance · max(1, max_j |numeric_j|)` over all checked elements, i.e. a
/// relative error of `tolerance` at the scale of the gradient. With float32 forward passes and h = 1e-2
/// the rounding error of a difference is about 1e-5 relative and the truncation error O(h²), so
/// 1e-2 (on the gradient's scale) separates a correct gradient from a wrong one by orders of magnitude.
public struct GradientCheck {
    public var h: Float = 1e-2
    public var tolerance: Double = 1e-2
    /// Check at most this many elements per input (spread evenly) to keep big checks fast.
    public var maxElements = 64

    public init(h: Float = 1e-2, tolerance: Double = 1e-2, maxElements: Int = 64) {
        self.h = h
        self.tolerance = tolerance
        self.maxElements = maxElements
    }

    /// Returns the worst relative error (also asserted).
    @discardableResult
    public func run(_ inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor) -> Double {
        let probe = f()
        var weights = RandomStream(seed: 99, purpose: "gradcheck/weights")
        let r = (0..<probe.count).map { _ in weights.uniform(-1, 1) }
        func loss() -> Double {
            let y = f()
            var s = 0.0
            for i in 0..<y.count { s += Double(r[i]) * Double(y.data[i]) }
            return s
        }
        // Analytic gradients.
        for x in inputs { x.zeroGrad() }
        let y = f()
        let rt = Tensor(shape: y.shape, data: r)
        let scalar = weightedSum(y, rt)
        scalar.backward()
        var worst = 0.0
        for (xi, x) in inputs.enumerated() {
            let analytic = x.grad ?? [Float](repeating: 0, count: x.count)
            let stride = max(1, x.count / maxElements)
            var numeric: [(Int, Double)] = []
            for i in Swift.stride(from: 0, to: x.count, by: stride) {
                let saved = x.data[i]
                x.data[i] = saved + h
                let up = loss()
                x.data[i] = saved - h
                let down = loss()
                x.data[i] = saved
                numeric.append((i, (up - down) / (2 * Double(h))))
            }
            let scale = max(1, numeric.map { abs($0.1) }.max() ?? 0)
            for (i, n) in numeric {
                let err = abs(Double(analytic[i]) - n) / scale
                worst = max(worst, err)
                #expect(err <= tolerance, "input \(xi) element \(i): analytic \(analytic[i]) vs numeric \(n)",
                        sourceLocation: sourceLocation)
            }
        }
        for x in inputs { x.zeroGrad() }
        return worst
    }
}

/// Σ y·r as an op built from public pieces: dense of the flattened output with r as a column.
public func weightedSum(_ y: Tensor, _ r: Tensor) -> Tensor {
    let flatY = reshape(y, to: [1, y.count])
    let col = Tensor(shape: [r.count, 1], data: r.data)
    return reshape(dense(flatY, weight: col), to: [])
}

public func randomTensor(_ shape: [Int], seed: UInt64, purpose: String, scale: Float = 1, requiresGrad: Bool = true) -> Tensor {
    var s = RandomStream(seed: seed, purpose: purpose)
    return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in s.uniform(-scale, scale) },
                  requiresGrad: requiresGrad)
}
