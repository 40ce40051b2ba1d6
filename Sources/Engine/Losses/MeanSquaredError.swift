/// Weighted mean squared error, the restoration loss of the inpainting and context-restoration pretext
/// tasks: `Σ_i w_i (p_i − t_i)² / Σ_i w_i`, summed in double precision in index order.
///
/// - prediction: any shape; target and weights: one value per element (weights ≥ 0, not all 0).
public func meanSquaredError(_ p: Tensor, target t: [Float], weights w: [Float]) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.loss, profileT0) }
    precondition(t.count == p.count && w.count == p.count, "meanSquaredError: \(p.count) predictions, \(t.count) targets, \(w.count) weights")
    var total = 0.0, weightSum = 0.0
    for i in 0..<p.count {
        let d = Double(p.data[i]) - Double(t[i])
        total += Double(w[i]) * d * d
        weightSum += Double(w[i])
    }
    precondition(weightSum > 0, "meanSquaredError: every weight is zero")
    return Tensor(shape: [], data: [Float(total / weightSum)], parents: [p]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.loss, profileT1) }
        let g = Double(result.grad![0]) * 2 / weightSum
        p.accumulateGrad((0..<p.count).map { Float(g * Double(w[$0]) * (Double(p.data[$0]) - Double(t[$0]))) })
    }
}
