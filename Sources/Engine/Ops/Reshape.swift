/// Same values, new shape (row-major order is unchanged, so `[N, C, H, W]` → `[N, C·H·W]` flattens
/// each sample in C, H, W order).
public func reshape(_ x: Tensor, to shape: [Int]) -> Tensor {
    precondition(shape.reduce(1, *) == x.count, "reshape: \(x.shape) cannot become \(shape)")
    return Tensor(shape: shape, data: x.data, parents: [x]) { result in
        x.accumulateGrad(result.grad!)
    }
}

/// `[N, ...]` → `[N, rest]`.
public func flatten(_ x: Tensor) -> Tensor {
    reshape(x, to: [x.shape[0], x.count / max(1, x.shape[0])])
}
