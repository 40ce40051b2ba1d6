import Numerics
import Foundation
@testable import Imaging
import Testing

/// N4 bias-field correction (method-spec §1.1 step 1, §11) and its pieces.
@Suite("N4 bias correction")
struct N4Tests {
    /// A 48×48×8 phantom: four piecewise-constant tissues (no zero background) times a known smooth
    /// multiplicative field exp(b), b a low-order polynomial spanning about ±30%, plus ±1% deterministic noise.
    struct Phantom {
        var volume: Volume
        var tissue: [Int]
        var trueLogField: [Double]
    }

    static func phantom(shape: [Int] = [48, 48, 8]) -> Phantom {
        let (nx, ny, nz) = (shape[0], shape[1], shape[2])
        var voxels = [Float](repeating: 0, count: nx * ny * nz)
        var tissue = [Int](repeating: 0, count: voxels.count)
        var logField = [Double](repeating: 0, count: voxels.count)
        let intensities: [Double] = [60, 140, 230, 380]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let i = x + nx * (y + ny * z)
            let u = Double(x) / Double(nx - 1) * 2 - 1, v = Double(y) / Double(ny - 1) * 2 - 1
            let w = Double(z) / Double(max(nz - 1, 1)) * 2 - 1
            let r = (u * u + v * v).squareRoot()
            let t = r < 0.3 ? 3 : r < 0.6 ? 2 : r < 0.85 ? 1 : 0
            let blob = ((u - 0.55) * (u - 0.55) + (v + 0.5) * (v + 0.5)) < 0.04
            tissue[i] = blob ? 3 : t
            let b = 0.18 * u - 0.12 * v + 0.1 * u * v + 0.08 * w - 0.1 * u * u
            logField[i] = b
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = (Double(state >> 11) / Double(1 << 53) - 0.5) * 0.02
            voxels[i] = Float(intensities[tissue[i]] * exp(b) * (1 + noise))
        } } }
        return Phantom(volume: Volume(shape: shape, voxels: voxels, spacing: [1.5, 1.5, 8], affine: .scaling([1.5, 1.5, 8])),
                       tissue: tissue, trueLogField: logField)
    }

    /// Mean over tissues of the within-tissue coefficient of variation.
    static func withinTissueCV(_ values: [Float], tissue: [Int]) -> Double {
        (0..<4).map { t -> Double in
            let v = zip(values, tissue).filter { $0.1 == t }.map { Double($0.0) }
            let mean = v.reduce(0, +) / Double(v.count)
            let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
            return variance.squareRoot() / mean
        }.reduce(0, +) / 4
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
        return sab / (saa * sbb).squareRoot()
    }

    @Test("N4 with the original's settings removes a ±30% field: within-tissue CV at least halved, log-field correlation ≥ 0.9")
    func recoversKnownField() throws {
        let p = Self.phantom()
        let result = try N4BiasCorrection()(p.volume, source: "phantom")
        let before = Self.withinTissueCV(p.volume.voxels, tissue: p.tissue)
        let after = Self.withinTissueCV(result.corrected.voxels, tissue: p.tissue)
        let r = Self.correlation(result.logBiasField, p.trueLogField)
        print("N4 phantom: within-tissue CV \(before) → \(after), log-field correlation \(r), iterations \(result.iterations)")
        #expect(before > 0.08)
        #expect(after <= 0.5 * before)
        #expect(r >= 0.9)
        #expect(result.iterations.count == 4 && result.iterations.allSatisfy { $0 >= 1 && $0 <= 50 })
        // corrected · exp(field) is the input.
        for i in stride(from: 0, to: p.volume.voxels.count, by: 97) {
            #expect(abs(Double(result.corrected.voxels[i]) * exp(result.logBiasField[i]) - Double(p.volume.voxels[i]))
                    <= 1e-4 * Double(p.volume.voxels[i]))
        }
    }

    @Test("a zero background: the ITK default (no mask) fits it unlogged; a positive-voxel mask recovers the field")
    func zeroBackground() throws {
        var p = Self.phantom()
        // Zero the outermost tissue: a background of exact zeros, as in a skull-stripped or padded scan.
        for i in p.volume.voxels.indices where p.tissue[i] == 0 { p.volume.voxels[i] = 0 }
        let foreground = p.tissue.map { $0 != 0 }
        let masked = try N4BiasCorrection(mask: .positive)(p.volume, source: "phantom")
        #expect(masked.included == foreground)
        let fg = { (a: [Double]) in zip(a, foreground).filter { $0.1 }.map { $0.0 } }
        let rMasked = Self.correlation(fg(masked.logBiasField), fg(p.trueLogField))
        let unmasked = try N4BiasCorrection()(p.volume, source: "phantom")
        let rUnmasked = Self.correlation(fg(unmasked.logBiasField), fg(p.trueLogField))
        print("N4 zero background: correlation in the foreground, mask > 0: \(rMasked), no mask (ITK default): \(rUnmasked)")
        #expect(rMasked >= 0.9)
        #expect(unmasked.included.allSatisfy { $0 })
    }

    @Test("Otsu's threshold separates two intensity populations")
    func otsu() {
        let values: [Float] = [Float](repeating: 10, count: 50) + [Float](repeating: 100, count: 30) + [12, 95]
        let t = N4BiasCorrection.otsuThreshold(values, bins: 200)
        #expect(t > 12 && t < 95)
    }

    @Test("B-spline lattice: partition of unity, refinement keeps the function, fitting reproduces a smooth field")
    func bsplineLattice() {
        let shape = [13, 9, 5]
        // Every basis sums to 1, so a constant lattice evaluates to that constant.
        let constant = BSplineLattice(spans: [1, 2, 1], coefficients: [Double](repeating: 2.5, count: 4 * 5 * 4))
        #expect(constant.evaluate(onGrid: shape).allSatisfy { abs($0 - 2.5) < 1e-12 })
        // Refinement is exact subdivision.
        var coefficients = [Double](repeating: 0, count: 4 * 5 * 4)
        for k in coefficients.indices { coefficients[k] = sin(Double(k) * 0.7) + Double(k % 3) }
        let lattice = BSplineLattice(spans: [1, 2, 1], coefficients: coefficients)
        let refined = lattice.refined()
        #expect(refined.spans == [2, 4, 2] && refined.coefficients.count == 5 * 7 * 5)
        let a = lattice.evaluate(onGrid: shape), b = refined.evaluate(onGrid: shape)
        #expect(zip(a, b).map { abs($0 - $1) }.max()! < 1e-12)
        // The separable fit equals the point-wise algorithm (64 weights per voxel, ITK's loop).
        var ramp = [Double](repeating: 0, count: a.count)
        var weights = [Double](repeating: 1, count: a.count)
        for z in 0..<5 { for y in 0..<9 { for x in 0..<13 {
            let i = x + 13 * (y + 9 * z)
            ramp[i] = 0.3 * Double(x) / 12 - 0.2 * Double(y) / 8 + 0.1 * Double(z) / 4 + 0.05 * sin(Double(i))
            if (x + 2 * y + z) % 7 == 0 { weights[i] = 0 }  // a mask with holes
        } } }
        let spans = [2, 2, 1]
        let fitted = BSplineLattice.fit(values: ramp, weights: weights, shape: shape, spans: spans)
        let reference = Self.pointwiseFit(values: ramp, weights: weights, shape: shape, spans: spans)
        #expect(zip(fitted.coefficients, reference).map { abs($0 - $1) }.max()! < 1e-12)
        // One level is a smoothing approximation (N4's iterations fit what is left): a sanity bound only.
        let back = fitted.evaluate(onGrid: shape)
        #expect(Self.correlation(ramp, back) > 0.9)
    }

    /// Lee–Wolberg–Shin single-level approximation written point by point, as ITK loops.
    static func pointwiseFit(values: [Double], weights: [Double], shape: [Int], spans: [Int]) -> [Double] {
        func basis(_ i: Int, _ n: Int, _ s: Int) -> (Int, [Double]) {
            let p = Double(i) * Double(s) / Double(n - 1)
            let k = min(Int(p), s - 1), t = p - Double(k)
            return (k, [pow(1 - t, 3) / 6, (3 * pow(t, 3) - 6 * t * t + 4) / 6, (-3 * pow(t, 3) + 3 * t * t + 3 * t + 1) / 6, pow(t, 3) / 6])
        }
        let c = spans.map { $0 + 3 }
        var delta = [Double](repeating: 0, count: c[0] * c[1] * c[2]), omega = delta
        for z in 0..<shape[2] { for y in 0..<shape[1] { for x in 0..<shape[0] {
            let i = x + shape[0] * (y + shape[1] * z)
            let (kx, bx) = basis(x, shape[0], spans[0]), (ky, by) = basis(y, shape[1], spans[1]), (kz, bz) = basis(z, shape[2], spans[2])
            var w2 = 0.0
            for a in 0..<4 { for b in 0..<4 { for d in 0..<4 { w2 += pow(bx[a] * by[b] * bz[d], 2) } } }
            for a in 0..<4 { for b in 0..<4 { for d in 0..<4 {
                let t = bx[a] * by[b] * bz[d], k = (kx + a) + c[0] * ((ky + b) + c[1] * (kz + d))
                omega[k] += weights[i] * t * t
                delta[k] += values[i] * t * t * t * weights[i] / w2
            } } }
        } } }
        return zip(delta, omega).map { $1 != 0 ? $0 / $1 : 0 }
    }

    @Test("FFT: inverse(forward(x)) = x, and a unit impulse has a flat spectrum")
    func fft() {
        let x = (0..<16).map { Complex(sin(Double($0)), cos(Double($0) * 0.3)) }
        let back = FFT.inverse(FFT.forward(x))
        #expect(zip(x, back).allSatisfy { abs($0.real - $1.real) < 1e-12 && abs($0.imaginary - $1.imaginary) < 1e-12 })
        var impulse = [Complex<Double>](repeating: .zero, count: 8)
        impulse[0] = Complex(1, 0)
        #expect(FFT.forward(impulse).allSatisfy { abs($0.real - 1) < 1e-15 && abs($0.imaginary) < 1e-15 })
        // One cosine period lands in bins 1 and N − 1.
        let c = (0..<8).map { Complex(cos(2 * Double.pi * Double($0) / 8), 0) }
        let spectrum = FFT.forward(c)
        #expect(abs(spectrum[1].real - 4) < 1e-12 && abs(spectrum[7].real - 4) < 1e-12 && abs(spectrum[2].real) < 1e-12)
    }

    @Test("the Wiener filter's quotient rounds once per part, as libstdc++ divides ITK's complex numbers")
    func quotient() {
        // (1 + 2i) / (3 + 4i) = (11 + 2i) / 25: integer numerators and denominator, so one correct rounding each.
        #expect(quotientAsITK(Complex(1, 2), Complex(3, 4)) == Complex(11.0 / 25, 2.0 / 25))
        #expect(quotientAsITK(Complex(-7, 0.5), Complex(0, 2)) == Complex(0.25, 3.5))
    }
}
