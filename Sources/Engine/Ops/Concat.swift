import Determinism

/// Channel concatenation of `[N, C_i, H, W]` tensors → `[N, Σ C_i, H, W]`, in argument order (the
/// decoder concatenates [upsampled-conv features, encoder skip]).
public func concatChannels(_ parts: [Tensor]) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.resampling, profileT0) }
    precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.count == 4 }, "concatChannels: needs [N, C, H, W] inputs")
    let (n, h, w) = (parts[0].shape[0], parts[0].shape[2], parts[0].shape[3])
    precondition(parts.allSatisfy { $0.shape[0] == n && $0.shape[2] == h && $0.shape[3] == w },
                 "concatChannels: shapes differ outside the channel axis: \(parts.map(\.shape))")
    let channels = parts.map { $0.shape[1] }
    let total = channels.reduce(0, +)
    let plane = h * w
    var offsets: [Int] = []
    var acc = 0
    for cp in channels { offsets.append(acc); acc += cp }
    // Copies per (sample, part), spread over the workers: at the decoder's shapes one thread alone
    // would leave the other idle for a whole memory-bound pass.
    let out = uninitializedFloats(n * total * plane) { y in
        Parallel.forEach(n * parts.count) { t in
            let i = t / parts.count, k = t % parts.count, cp = channels[k]
            parts[k].data.withUnsafeBufferPointer { src in
                (y + (i * total + offsets[k]) * plane).update(from: src.baseAddress! + i * cp * plane, count: cp * plane)
            }
        }
    }
    return Tensor(shape: [n, total, h, w], data: out, parents: parts) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.resampling, profileT1) }
        let g = result.grad!
        var offset = 0
        for (p, cp) in zip(parts, channels) {
            if p.requiresGrad {
                let off = offset
                let d = uninitializedFloats(p.count) { d in
                    g.withUnsafeBufferPointer { gb in
                        let gp = gb.baseAddress!
                        Parallel.forEach(n) { i in
                            (d + i * cp * plane).update(from: gp + (i * total + off) * plane, count: cp * plane)
                        }
                    }
                }
                p.accumulateGrad(d)
            }
            offset += cp
        }
    }
}
