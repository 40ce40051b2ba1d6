import Determinism

/// Nearest-neighbour ×2 upsampling (pixel replication, TF `resize_images` method 1) on `[N, C, H, W]`
/// → `[N, C, 2H, 2W]`. The gradient of an input pixel is the sum over its 2×2 copies.
public func upsampleNearest2x(_ x: Tensor) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.resampling, profileT0) }
    precondition(x.shape.count == 4, "upsampleNearest2x: input must be [N, C, H, W], got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let out = uninitializedFloats(n * c * 4 * h * w) { y in
        x.data.withUnsafeBufferPointer { xb in
            let xp = xb.baseAddress!
            Parallel.forEach(n * c) { p in
                let src = xp + p * h * w, dst = y + p * 4 * h * w
                for r in 0..<h {
                    let row = dst + 2 * r * 2 * w
                    for q in 0..<w {
                        let v = src[r * w + q]
                        row[2 * q] = v
                        row[2 * q + 1] = v
                    }
                    (row + 2 * w).update(from: row, count: 2 * w)
                }
            }
        }
    }
    return Tensor(shape: [n, c, 2 * h, 2 * w], data: out, parents: [x]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.resampling, profileT1) }
        let dx = uninitializedFloats(x.count) { dx in
            result.grad!.withUnsafeBufferPointer { gb in
                let gp = gb.baseAddress!
                Parallel.forEach(n * c) { p in
                    let src = gp + p * 4 * h * w, dst = dx + p * h * w
                    for r in 0..<h {
                        let a = src + 2 * r * 2 * w, b = a + 2 * w
                        for q in 0..<w {
                            dst[r * w + q] = (a[2 * q] + a[2 * q + 1]) + (b[2 * q] + b[2 * q + 1])
                        }
                    }
                }
            }
        }
        x.accumulateGrad(dx)
    }
}
