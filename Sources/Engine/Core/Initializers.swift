import Determinism

/// Weight initialisers drawing from a caller-supplied stream (derive one per variable, e.g.
/// `RandomStream(seed:, purpose: "init/enc_c1_a/W")`), so adding a layer never changes another's weights.
public enum Initializer {
    /// N(0, σ²) with σ = √(2 / fan_in): the original's conv initialiser (it calls it "xavier"; spec §2.1).
    public static func heNormal(_ shape: [Int], fanIn: Int, stream: inout RandomStream) -> [Float] {
        let sigma = (2.0 / Double(fanIn)).squareRoot()
        return (0..<shape.reduce(1, *)).map { _ in Float(stream.normal() * sigma) }
    }

    /// U(−l, l) with l = √(6 / (fan_in + fan_out)): TF's default for dense kernels (g1, g2's window map).
    public static func glorotUniform(_ shape: [Int], fanIn: Int, fanOut: Int, stream: inout RandomStream) -> [Float] {
        let limit = (6.0 / Double(fanIn + fanOut)).squareRoot()
        return (0..<shape.reduce(1, *)).map { _ in Float((2 * stream.uniformDouble() - 1) * limit) }
    }
}
