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
    var out = [Float](); out.reserveCapacity(n * total * plane)
    for i in 0..<n {
        for (p, cp) in zip(parts, channels) {
            out.append(contentsOf: p.data[(i * cp * plane)..<((i + 1) * cp * plane)])
        }
    }
    return Tensor(shape: [n, total, h, w], data: out, parents: parts) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.resampling, profileT1) }
        let g = result.grad!
        var offset = 0
        for (p, cp) in zip(parts, channels) {
            if p.requiresGrad {
                var d = [Float](); d.reserveCapacity(p.count)
                for i in 0..<n {
                    let start = (i * total + offset) * plane
                    d.append(contentsOf: g[start..<(start + cp * plane)])
                }
                p.accumulateGrad(d)
            }
            offset += cp
        }
    }
}
