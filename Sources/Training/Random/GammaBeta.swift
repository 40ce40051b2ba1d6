import Determinism
import Engine
import Foundation

/// Gamma and Beta variates from a `RandomStream`, in double precision.
///
/// Gamma(shape k, scale 1) by Marsaglia & Tsang (2000), "A simple method for generating gamma variables":
/// d = k − 1/3, c = 1/√(9d); repeat x ~ N(0,1), v = (1 + c x)³ until v > 0 and
/// log u < x²/2 + d − d v + d log v; return d v. For k < 1 the same paper's boost:
/// Gamma(k) = Gamma(k + 1) · u^(1/k). The boost is kept in log space because mixup's α = 0.1 gives
/// u^10, which can be far below the smallest double for small u.
public enum GammaBeta {
    /// log of a Gamma(shape, 1) variate; shape > 0.
    public static func logGamma(shape: Double, using rng: inout RandomStream) -> Double {
        precondition(shape > 0, "Gamma shape must be > 0, got \(shape)")
        if shape < 1 {
            let g = logGamma(shape: shape + 1, using: &rng)
            let u = 1.0 - rng.uniformDouble()   // (0, 1]
            return g + Foundation.log(u) / shape
        }
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9.0 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = rng.normal()
                v = 1.0 + c * x
            } while v <= 0
            v = v * v * v
            let u = 1.0 - rng.uniformDouble()
            if Foundation.log(u) < 0.5 * x * x + d - d * v + d * Foundation.log(v) {
                return Foundation.log(d * v)
            }
        }
    }

    /// A Gamma(shape, 1) variate.
    public static func gamma(shape: Double, using rng: inout RandomStream) -> Double {
        Foundation.exp(logGamma(shape: shape, using: &rng))
    }

    /// A Beta(a, b) variate as X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b), computed as 1 / (1 + e^(log Y − log X))
    /// so that it stays finite when both gammas underflow.
    public static func beta(_ a: Double, _ b: Double, using rng: inout RandomStream) -> Double {
        let lx = logGamma(shape: a, using: &rng)
        let ly = logGamma(shape: b, using: &rng)
        return 1.0 / (1.0 + Foundation.exp(ly - lx))
    }
}
