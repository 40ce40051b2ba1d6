/// max(x, 0), elementwise. The gradient at exactly 0 is 0 (as in TF and PyTorch).
public func relu(_ x: Tensor) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.activation, profileT0) }
    let out = x.data.map { max($0, 0) }
    return Tensor(shape: x.shape, data: out, parents: [x]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.activation, profileT1) }
        let g = result.grad!
        x.accumulateGrad(zip(g, result.data).map { $1 > 0 ? $0 : 0 })
    }
}
