/// Exact Euclidean distance transform on an anisotropic 3D grid (Felzenszwalb & Huttenlocher's
/// separable lower-envelope algorithm, one pass per axis with that axis's spacing).
enum DistanceTransform {
    /// Squared distance in mm² from every voxel to the nearest voxel with `feature[i] == true`
    /// (∞ everywhere when there is none). Grid `[X, Y, Z]`, x fastest.
    static func squaredDistances(to feature: [Bool], shape: [Int], spacing: [Double]) -> [Double] {
        var d = feature.map { $0 ? 0.0 : .infinity }
        let (nx, ny, nz) = (shape[0], shape[1], shape[2])
        let strides = [1, nx, nx * ny]
        for axis in 0..<3 {
            let n = shape[axis], stride = strides[axis], s = spacing[axis]
            var line = [Double](repeating: 0, count: n), out = [Double](repeating: 0, count: n)
            var v = [Int](repeating: 0, count: n), z = [Double](repeating: 0, count: n + 1)
            // Every line along `axis`: start offsets are all voxels whose coordinate on `axis` is 0.
            for start in 0..<(nx * ny * nz) where (start / stride) % n == 0 {
                for i in 0..<n { line[i] = d[start + i * stride] }
                lowerEnvelope(line, spacing: s, out: &out, v: &v, z: &z)
                for i in 0..<n { d[start + i * stride] = out[i] }
            }
        }
        return d
    }

    /// out[p] = min_q line[q] + (s·(p − q))², in O(n).
    private static func lowerEnvelope(_ f: [Double], spacing s: Double, out: inout [Double], v: inout [Int],
                                      z: inout [Double]) {
        let n = f.count
        var k = -1
        for q in 0..<n where f[q].isFinite {
            let xq = Double(q) * s
            while k >= 0 {
                let xv = Double(v[k]) * s
                // Where the parabola from q overtakes the one from v[k].
                let cross = ((f[q] + xq * xq) - (f[v[k]] + xv * xv)) / (2 * (xq - xv))
                if cross <= z[k] { k -= 1 } else {
                    k += 1; v[k] = q; z[k] = cross; z[k + 1] = .infinity
                    break
                }
            }
            if k < 0 { k = 0; v[0] = q; z[0] = -.infinity; z[1] = .infinity }
        }
        guard k >= 0 else {
            for p in 0..<n { out[p] = .infinity }
            return
        }
        var j = 0
        for p in 0..<n {
            let xp = Double(p) * s
            while z[j + 1] < xp { j += 1 }
            let dx = xp - Double(v[j]) * s
            out[p] = dx * dx + f[v[j]]
        }
    }
}
