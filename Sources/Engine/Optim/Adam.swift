import Determinism
import Foundation

/// Parameters optimised (or held fixed) together, e.g. `enc_*` + `reg_*` in the global stage, or a
/// frozen encoder in the local stage.
public struct ParameterGroup {
    public var name: String
    public var parameters: [Tensor]
    public var frozen: Bool

    public init(name: String, parameters: [Tensor], frozen: Bool = false) {
        self.name = name
        self.parameters = parameters
        self.frozen = frozen
    }
}

/// Adam as TensorFlow 1.x implements it (`tf.train.AdamOptimizer`):
/// `m ← β1 m + (1−β1) g`, `v ← β2 v + (1−β2) g²`,
/// `θ ← θ − lr·√(1−β2^t)/(1−β1^t) · m / (√v + ε)`, with ε added to √v un-corrected ("ε-hat").
/// One step counter t for all parameters, as TF keeps one pair of β-power accumulators per optimizer.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var groups: [ParameterGroup]
    public private(set) var step = 0
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]
    private let slots: [(group: Int, index: Int)]

    public init(groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.groups = groups
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        var slots: [(Int, Int)] = []
        for (gi, g) in groups.enumerated() where !g.frozen {
            for pi in g.parameters.indices { slots.append((gi, pi)) }
        }
        self.slots = slots
        firstMoments = slots.map { [Float](repeating: 0, count: groups[$0.0].parameters[$0.1].count) }
        secondMoments = firstMoments
    }

    /// Moment estimates of the trainable parameters, in group order (for checkpoints).
    public var moments: [(parameter: Tensor, m: [Float], v: [Float])] {
        slots.indices.map { (groups[slots[$0].group].parameters[slots[$0].index], firstMoments[$0], secondMoments[$0]) }
    }

    /// One update of every trainable parameter that has a gradient; then all gradients are cleared.
    public func update() {
        let t0 = Profile.begin()
        defer { Profile.end(.optimizer, t0) }
        step += 1
        let t = Double(step)
        let lrT = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for (s, slot) in slots.enumerated() {
            let p = groups[slot.group].parameters[slot.index]
            guard let g = p.grad else { continue }
            let n = p.count
            g.withUnsafeBufferPointer { gb in
                p.data.withUnsafeMutableBufferPointer { pb in
                    firstMoments[s].withUnsafeMutableBufferPointer { mb in
                        secondMoments[s].withUnsafeMutableBufferPointer { vb in
                            let gp = gb.baseAddress!, pp = pb.baseAddress!, mp = mb.baseAddress!, vp = vb.baseAddress!
                            let block = 1 << 16
                            Parallel.forEach((n + block - 1) / block) { bi in
                                for i in (bi * block)..<min(n, (bi + 1) * block) {
                                    let gi = gp[i]
                                    mp[i] = b1 * mp[i] + (1 - b1) * gi
                                    vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                                    pp[i] -= lrT * mp[i] / (vp[i].squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
        for g in groups { for p in g.parameters { p.zeroGrad() } }
    }
}
