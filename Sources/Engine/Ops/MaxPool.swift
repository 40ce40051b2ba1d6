import Determinism

/// 2×2 max-pooling with stride 2 on `[N, C, H, W]` → `[N, C, H/2, W/2]`. H and W must be even (all the
/// paper's encoder levels are). Ties go to the first maximum in row-major window order, which also
/// receives the whole gradient.
public func maxPool2x2(_ x: Tensor) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.resampling, profileT0) }
    precondition(x.shape.count == 4, "maxPool2x2: input must be [N, C, H, W], got \(x.shape)")
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    precondition(h % 2 == 0 && w % 2 == 0, "maxPool2x2: height and width must be even, got \(h)×\(w)")
    let oh = h / 2, ow = w / 2
    var argmax = [Int32](repeating: 0, count: n * c * oh * ow)
    let out = uninitializedFloats(n * c * oh * ow) { y in
        x.data.withUnsafeBufferPointer { xb in
            argmax.withUnsafeMutableBufferPointer { ab in
                let xp = xb.baseAddress!, ap = ab.baseAddress!
                Parallel.forEach(n * c) { p in
                    let src = xp + p * h * w
                    for r in 0..<oh {
                        for q in 0..<ow {
                            let i0 = 2 * r * w + 2 * q
                            var best = i0
                            if src[i0 + 1] > src[best] { best = i0 + 1 }
                            if src[i0 + w] > src[best] { best = i0 + w }
                            if src[i0 + w + 1] > src[best] { best = i0 + w + 1 }
                            let o = p * oh * ow + r * ow + q
                            y[o] = src[best]
                            ap[o] = Int32(best)
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [n, c, oh, ow], data: out, parents: [x]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.resampling, profileT1) }
        // Each plane's windows are disjoint, so planes are independent tasks.
        let dx = uninitializedFloats(x.count) { dx in
            result.grad!.withUnsafeBufferPointer { gb in
                argmax.withUnsafeBufferPointer { ab in
                    let gp = gb.baseAddress!, ap = ab.baseAddress!
                    Parallel.forEach(n * c) { p in
                        let base = p * h * w, obase = p * oh * ow
                        (dx + base).update(repeating: 0, count: h * w)
                        for o in 0..<(oh * ow) { dx[base + Int(ap[obase + o])] += gp[obase + o] }
                    }
                }
            }
        }
        x.accumulateGrad(dx)
    }
}
