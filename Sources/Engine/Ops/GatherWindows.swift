/// A window's top-left corner on a feature map.
public struct WindowPosition: Hashable, Sendable {
    public let row: Int
    public let col: Int
    public init(row: Int, col: Int) { self.row = row; self.col = col }
}

/// Flattens `size × size` windows of `[N, C, H, W]` at the given top-left positions into rows of
/// `[N·P, size·size·C]` (row n·P + p), each vector in (row, col, channel) order: TF's flatten of an NHWC
/// window, so the local loss's 9C → 128 map keeps the original's weight layout. The gradient scatters
/// back, adding where windows overlap.
public func gatherWindows(_ x: Tensor, at positions: [WindowPosition], size: Int) -> Tensor {
    precondition(x.shape.count == 4, "gatherWindows: input must be [N, C, H, W], got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    for p in positions {
        precondition(p.row >= 0 && p.col >= 0 && p.row + size <= h && p.col + size <= w,
                     "gatherWindows: \(size)×\(size) window at (\(p.row), \(p.col)) leaves the \(h)×\(w) map")
    }
    let d = size * size * c
    let np = positions.count
    /// Source offset of element (sample, position, vector index).
    func source(_ i: Int, _ p: WindowPosition, _ e: Int) -> Int {
        let ch = e % c, dx = (e / c) % size, dy = e / (c * size)
        return ((i * c + ch) * h + p.row + dy) * w + p.col + dx
    }
    var out = [Float](repeating: 0, count: n * np * d)
    for i in 0..<n {
        for (pi, p) in positions.enumerated() {
            let o = (i * np + pi) * d
            for e in 0..<d { out[o + e] = x.data[source(i, p, e)] }
        }
    }
    return Tensor(shape: [n * np, d], data: out, parents: [x]) { result in
        let g = result.grad!
        var dx = [Float](repeating: 0, count: x.count)
        for i in 0..<n {
            for (pi, p) in positions.enumerated() {
                let o = (i * np + pi) * d
                for e in 0..<d { dx[source(i, p, e)] += g[o + e] }
            }
        }
        x.accumulateGrad(dx)
    }
}
