/// A uniform cubic B-spline control-point lattice over a 3D voxel grid, as ITK's
/// BSplineScatteredDataPointSetToImageFilter / BSplineControlPointImageFilter use it in N4.
///
/// Per axis with n voxels and S spans there are S + 3 control points; voxel i sits at the parametric
/// position p = i · S / (n − 1) (p = 0 when n = 1) and is influenced by controls ⌊p⌋ … ⌊p⌋ + 3 with the
/// cubic weights ((1 − t)³, 3t³ − 6t² + 4, −3t³ + 3t² + 3t + 1, t³)/6, t = p − ⌊p⌋. The last voxel
/// (p = S) is evaluated as the limit t → 1 of the last span; ITK moves it inside by 1e-3 spans, which
/// changes its weights by under 0.2%.
///
/// Because the voxels form a grid, fitting and evaluation are separable: three 1D passes instead of
/// 64 weights per voxel. The arithmetic is that of the point-wise algorithm; only the summation order differs.
public struct BSplineLattice: Sendable, Equatable {
    /// Spans per axis `[x, y, z]`; the lattice has `spans[a] + 3` control points along axis a.
    public var spans: [Int]
    /// Control-point values `[S_x + 3, S_y + 3, S_z + 3]`, x fastest.
    public var coefficients: [Double]

    public init(spans: [Int], coefficients: [Double]) {
        precondition(spans.count == 3 && spans.allSatisfy { $0 >= 1 }, "BSplineLattice: spans \(spans)")
        precondition(coefficients.count == spans.map { $0 + 3 }.reduce(1, *),
                     "BSplineLattice: \(coefficients.count) coefficients for spans \(spans)")
        self.spans = spans
        self.coefficients = coefficients
    }

    public static func zero(spans: [Int]) -> BSplineLattice {
        BSplineLattice(spans: spans, coefficients: [Double](repeating: 0, count: spans.map { $0 + 3 }.reduce(1, *)))
    }

    public var controlShape: [Int] { spans.map { $0 + 3 } }

    /// The 4 weights of voxel i on one axis and the first control they apply to.
    struct AxisWeights {
        var first: [Int]
        /// 4 per voxel.
        var weights: [Double]

        init(voxels n: Int, spans: Int) {
            first = []; weights = []
            first.reserveCapacity(n); weights.reserveCapacity(4 * n)
            for i in 0..<n {
                let p = n > 1 ? Double(i) * Double(spans) / Double(n - 1) : 0
                var span = Int(p.rounded(.down))
                if span >= spans { span = spans - 1 }
                let t = p - Double(span)
                let u = 1 - t
                first.append(span)
                weights += [u * u * u / 6, (3 * t * t * t - 6 * t * t + 4) / 6,
                            (-3 * t * t * t + 3 * t * t + 3 * t + 1) / 6, t * t * t / 6]
            }
        }

        func powered(_ k: Int) -> AxisWeights {
            var out = self
            for i in out.weights.indices { out.weights[i] = k == 2 ? weights[i] * weights[i] : weights[i] * weights[i] * weights[i] }
            return out
        }
    }

    /// Evaluates the spline at every voxel of a grid `[X, Y, Z]` (x fastest).
    public func evaluate(onGrid shape: [Int]) -> [Double] {
        var data = coefficients
        var current = controlShape
        for axis in 0..<3 {
            let w = AxisWeights(voxels: shape[axis], spans: spans[axis])
            (data, current) = Self.gather(data, shape: current, axis: axis, length: shape[axis], plan: w)
        }
        return data
    }

    /// The same function on a mesh with twice the spans per axis (exact cubic B-spline subdivision):
    /// new control 2m is (P_m + P_{m+1})/2 and 2m + 1 is (P_m + 6P_{m+1} + P_{m+2})/8.
    public func refined() -> BSplineLattice {
        var data = coefficients
        var current = controlShape
        for axis in 0..<3 {
            let newCount = 2 * spans[axis] + 3
            var plan = AxisWeights(voxels: 0, spans: 1)
            for j in 0..<newCount {
                let m = j / 2
                plan.first.append(m)
                plan.weights += j % 2 == 0 ? [0.5, 0.5, 0, 0] : [0.125, 0.75, 0.125, 0]
            }
            (data, current) = Self.gather(data, shape: current, axis: axis, length: newCount, plan: plan)
        }
        return BSplineLattice(spans: spans.map { 2 * $0 }, coefficients: data)
    }

    /// One level of Lee, Wolberg & Shin's B-spline approximation (ITK's fitting step) of `values` on the
    /// grid `shape`, with per-voxel `weights` (0 excludes a voxel). Each voxel proposes
    /// φ_c = w_c · v / Σ_k w_k² for its 64 controls; a control takes the w_c²-weighted mean of its proposals,
    /// 0 where no voxel reaches it.
    public static func fit(values: [Double], weights: [Double], shape: [Int], spans: [Int]) -> BSplineLattice {
        let plans = (0..<3).map { AxisWeights(voxels: shape[$0], spans: spans[$0]) }
        // Σ_k w_k² over the 64 neighbours is the product of the per-axis sums of squares.
        let sumSquares = plans.map { p in (0..<(p.first.count)).map { i in (0..<4).reduce(0.0) { $0 + p.weights[4 * i + $1] * p.weights[4 * i + $1] } } }
        var scaled = [Double](repeating: 0, count: values.count)
        let (nx, ny) = (shape[0], shape[1])
        for z in 0..<shape[2] { for y in 0..<ny { for x in 0..<nx {
            let i = x + nx * (y + ny * z)
            if weights[i] != 0 {
                scaled[i] = weights[i] * values[i] / (sumSquares[0][x] * sumSquares[1][y] * sumSquares[2][z])
            }
        } } }
        var delta = scaled, omega = weights
        var deltaShape = shape, omegaShape = shape
        for axis in 0..<3 {
            (delta, deltaShape) = scatter(delta, shape: deltaShape, axis: axis, length: spans[axis] + 3, plan: plans[axis].powered(3))
            (omega, omegaShape) = scatter(omega, shape: omegaShape, axis: axis, length: spans[axis] + 3, plan: plans[axis].powered(2))
        }
        var phi = [Double](repeating: 0, count: delta.count)
        for k in phi.indices where omega[k] != 0 {
            let v = delta[k] / omega[k]
            phi[k] = v.isFinite ? v : 0
        }
        return BSplineLattice(spans: spans, coefficients: phi)
    }

    /// out[…, i, …] = Σ_j w_i,j · in[…, first_i + j, …] along `axis`.
    static func gather(_ input: [Double], shape: [Int], axis: Int, length: Int, plan: AxisWeights) -> ([Double], [Int]) {
        var outShape = shape
        outShape[axis] = length
        let inner = shape[..<axis].reduce(1, *), outer = shape[(axis + 1)...].reduce(1, *)
        let inLength = shape[axis]
        var out = [Double](repeating: 0, count: inner * length * outer)
        input.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            plan.weights.withUnsafeBufferPointer { w in
                for o in 0..<outer {
                    for i in 0..<length {
                        let f = plan.first[i]
                        let dstBase = inner * (i + length * o)
                        for j in 0..<4 where f + j < inLength {
                            let weight = w[4 * i + j]
                            if weight == 0 { continue }
                            let srcBase = inner * (f + j + inLength * o)
                            for q in 0..<inner { dst[dstBase + q] += weight * src[srcBase + q] }
                        }
                    }
                }
            }
        } }
        return (out, outShape)
    }

    /// out[…, first_i + j, …] += w_i,j · in[…, i, …] along `axis` (the transpose of `gather`).
    static func scatter(_ input: [Double], shape: [Int], axis: Int, length: Int, plan: AxisWeights) -> ([Double], [Int]) {
        var outShape = shape
        outShape[axis] = length
        let inner = shape[..<axis].reduce(1, *), outer = shape[(axis + 1)...].reduce(1, *)
        let inLength = shape[axis]
        var out = [Double](repeating: 0, count: inner * length * outer)
        input.withUnsafeBufferPointer { src in out.withUnsafeMutableBufferPointer { dst in
            plan.weights.withUnsafeBufferPointer { w in
                for o in 0..<outer {
                    for i in 0..<inLength {
                        let f = plan.first[i]
                        let srcBase = inner * (i + inLength * o)
                        for j in 0..<4 {
                            let weight = w[4 * i + j]
                            let dstBase = inner * (f + j + length * o)
                            for q in 0..<inner { dst[dstBase + q] += weight * src[srcBase + q] }
                        }
                    }
                }
            }
        } }
        return (out, outShape)
    }
}
