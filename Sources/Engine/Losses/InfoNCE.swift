import Foundation

/// One InfoNCE term ℓ(a, p; N) of spec §3.1: anchor row, positive row and the negative rows of an
/// embedding matrix. The global losses (G^R, G^D-, G^D) and local losses (L^R, L^D) differ only in
/// which terms they list.
public struct ContrastiveTerm: Equatable, Sendable {
    public let anchor: Int
    public let positive: Int
    public let negatives: [Int]

    public init(anchor: Int, positive: Int, negatives: [Int]) {
        self.anchor = anchor
        self.positive = positive
        self.negatives = negatives
    }
}

/// `(Σ_terms ℓ(a, p; N)) / normaliser` with
/// `ℓ = −log( e^{s(a,p)} / (e^{s(a,p)} + Σ_{n∈N} e^{s(a,n)}) )` and `s(u, v) = z_u · z_v / τ`.
///
/// - embeddings: `[M, D]`, rows already L2-normalised (compose with `l2Normalize`), so `s` is the cosine
///   similarity over τ.
/// - normaliser: the constant the original divides by (2B for G^R, 3B for G^D-, 4B for G^D, ...).
public func infoNCE(embeddings z: Tensor, terms: [ContrastiveTerm], temperature: Float,
                    normaliser: Float) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.loss, profileT0) }
    precondition(z.shape.count == 2, "infoNCE: embeddings must be [M, D], got \(z.shape)")
    precondition(temperature > 0 && normaliser > 0, "infoNCE: temperature and normaliser must be positive")
    let m = z.shape[0], d = z.shape[1]
    for t in terms {
        precondition((0..<m).contains(t.anchor) && (0..<m).contains(t.positive) && t.negatives.allSatisfy { (0..<m).contains($0) },
                     "infoNCE: term \(t) indexes outside \(m) embeddings")
    }
    // S = Z Zᵀ / τ  [M × M]
    var s = [Float](repeating: 0, count: m * m)
    z.data.withUnsafeBufferPointer { zb in
        s.withUnsafeMutableBufferPointer { sb in
            MatrixProduct.gemm(transB: true, m: m, n: m, k: d, alpha: 1 / temperature, a: zb.baseAddress!, lda: d,
                       b: zb.baseAddress!, ldb: d, c: sb.baseAddress!, ldc: m)
        }
    }
    // Per term: stable log-sum-exp over {positive} ∪ negatives; dℓ/ds = softmax weight − [positive].
    var total = 0.0
    var dS = [Float](repeating: 0, count: m * m)
    for t in terms {
        let row = t.anchor * m
        let sp = s[row + t.positive]
        var mx = sp
        for j in t.negatives { mx = max(mx, s[row + j]) }
        var den = Double(expf(sp - mx))
        for j in t.negatives { den += Double(expf(s[row + j] - mx)) }
        total += Double(mx) + log(den) - Double(sp)
        dS[row + t.positive] += Float(Double(expf(sp - mx)) / den) - 1
        for j in t.negatives { dS[row + j] += Float(Double(expf(s[row + j] - mx)) / den) }
    }
    let loss = Float(total / Double(normaliser))
    return Tensor(shape: [], data: [loss], parents: [z]) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.loss, profileT1) }
        // s_ij depends on z_i and z_j: dZ = (dS + dSᵀ) Z / (τ · normaliser) · g
        let g = result.grad![0]
        var sym = [Float](repeating: 0, count: m * m)
        for i in 0..<m { for j in 0..<m { sym[i * m + j] = dS[i * m + j] + dS[j * m + i] } }
        let dz = uninitializedFloats(m * d) { dz in
            z.data.withUnsafeBufferPointer { zb in
                sym.withUnsafeBufferPointer { sb in
                    MatrixProduct.gemm(m: m, n: d, k: m, alpha: g / (temperature * normaliser), a: sb.baseAddress!, lda: m,
                               b: zb.baseAddress!, ldb: d, c: dz, ldc: d)
                }
            }
        }
        z.accumulateGrad(dz)
    }
}
