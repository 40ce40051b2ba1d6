// Internal: the clients of Imaging should not see RealModule's `Double.pow` beside Foundation's.
internal import Numerics
import Foundation

/// N4's intensity sharpening step (Tustison et al. 2010, §2.2; ITK `N4BiasFieldCorrectionImageFilter::SharpenImage`):
/// the histogram of the log image is taken as the true log-intensity histogram blurred by a Gaussian (the
/// residual bias); a Wiener filter deconvolves it, and each voxel moves to the expected true value E[u | v]
/// given its observed value v.
public struct HistogramSharpening: Sendable, Equatable {
    public var bins: Int = 200
    /// FWHM of the Gaussian blur, in log-intensity units.
    public var fullWidthAtHalfMaximum: Double = 0.15
    public var wienerNoise: Double = 0.01

    public init(bins: Int = 200, fullWidthAtHalfMaximum: Double = 0.15, wienerNoise: Double = 0.01) {
        precondition(bins >= 2, "HistogramSharpening: at least 2 bins")
        self.bins = bins
        self.fullWidthAtHalfMaximum = fullWidthAtHalfMaximum
        self.wienerNoise = wienerNoise
    }

    /// Sharpened values for the voxels with `included[i]`; others get 0 (as ITK leaves them).
    public func sharpen(_ values: [Double], included: [Bool]) -> [Double] {
        var low = Double.infinity, high = -Double.infinity
        for i in values.indices where included[i] { low = min(low, values[i]); high = max(high, values[i]) }
        guard low < high else {
            // A flat image is already sharp; ITK would divide by a zero slope here.
            return zip(values, included).map { $1 ? $0 : 0 }
        }
        let slope = (high - low) / Double(bins - 1)

        // Histogram with linear (triangular Parzen) splitting between the two nearest bins.
        var histogram = [Double](repeating: 0, count: bins)
        for i in values.indices where included[i] {
            let c = (values[i] - low) / slope
            let b = Int(c.rounded(.down))
            let offset = c - Double(b)
            if offset == 0 { histogram[b] += 1 } else if b < bins - 1 { histogram[b] += 1 - offset; histogram[b + 1] += offset }
        }

        // Zero-pad to a power of two at least twice the bins, histogram centred, as ITK does.
        let padded = 1 << (Int(ceil(log2(Double(bins)))) + 1)
        let offset = (padded - bins) / 2
        var v = [Complex<Double>](repeating: .zero, count: padded)
        for n in 0..<bins { v[n + offset] = Complex(histogram[n], 0) }
        let vf = FFT.forward(v)

        // Gaussian in bin units, sampled symmetrically (wrap-around), then its spectrum.
        let scaledFWHM = fullWidthAtHalfMaximum / slope
        let expFactor = 4 * log(2.0) / (scaledFWHM * scaledFWHM)
        let scaleFactor = 2 * (log(2.0) / Double.pi).squareRoot() / scaledFWHM
        var f = [Complex<Double>](repeating: .zero, count: padded)
        f[0] = Complex(scaleFactor, 0)
        for n in 1...(padded / 2) {
            let g = Complex(scaleFactor * exp(-Double(n * n) * expFactor), 0)
            f[n] = g
            f[padded - n] = g
        }
        f[padded / 2] = Complex(scaleFactor * exp(-0.25 * Double(padded * padded) * expFactor), 0)
        let ff = FFT.forward(f)

        // Wiener deconvolution; ITK keeps only the real part of the filter.
        var uf = [Complex<Double>](repeating: .zero, count: padded)
        for n in 0..<padded {
            let c = ff[n].conjugate
            let g = quotientAsITK(c, c * ff[n] + Complex(wienerNoise, 0))
            uf[n] = vf[n].multiplied(by: g.real)
        }
        let u = FFT.inverse(uf).map { Complex(max($0.real, 0), 0) }

        // E[u | v]: (Σ u·h) / (Σ h), both blurred by the same Gaussian.
        var numerator = [Complex<Double>](repeating: .zero, count: padded)
        for n in 0..<padded { numerator[n] = Complex((low + Double(n - offset) * slope) * u[n].real, 0) }
        let blurredNumerator = FFT.inverse(zip(FFT.forward(numerator), ff).map { $0 * $1 })
        let blurredDenominator = FFT.inverse(zip(FFT.forward(u), ff).map { $0 * $1 })
        var expected = [Double](repeating: 0, count: bins)
        for n in 0..<bins {
            let d = blurredDenominator[n + offset].real
            expected[n] = d != 0 ? blurredNumerator[n + offset].real / d : 0
        }

        var out = [Double](repeating: 0, count: values.count)
        for i in values.indices where included[i] {
            let c = (values[i] - low) / slope
            let b = Int(c.rounded(.down))
            out[i] = b < bins - 1 ? expected[b] + (expected[b + 1] - expected[b]) * (c - Double(b)) : expected[bins - 1]
        }
        return out
    }
}

/// ITK's Wiener filter divides `std::complex<double>`s, which libstdc++ does as (a·c + b·d) / (c² + d²)
/// (scaled by a power of two, which changes no bits short of overflow); `ComplexModule`'s `/` multiplies
/// by conj(w) / |w|², one rounding more, so the filter keeps the ITK quotient.
func quotientAsITK(_ z: Complex<Double>, _ w: Complex<Double>) -> Complex<Double> {
    let d = w.real * w.real + w.imaginary * w.imaginary
    return Complex((z.real * w.real + z.imaginary * w.imaginary) / d, (z.imaginary * w.real - z.real * w.imaginary) / d)
}

/// Radix-2 FFT for power-of-two lengths. `forward` is Σ x_k e^{−2πi jk/N}; `inverse` includes the 1/N.
/// (vnl's backward transform leaves out 1/N; N4 only uses ratios and a clamp at 0, so the scale cancels.)
enum FFT {
    static func forward(_ x: [Complex<Double>]) -> [Complex<Double>] { transform(x, sign: -1) }

    static func inverse(_ x: [Complex<Double>]) -> [Complex<Double>] {
        let n = Double(x.count)
        return transform(x, sign: 1).map { $0.multiplied(by: 1 / n) }
    }

    static func transform(_ x: [Complex<Double>], sign: Double) -> [Complex<Double>] {
        let n = x.count
        precondition(n > 0 && n & (n - 1) == 0, "FFT: length \(n) is not a power of two")
        var a = x
        // Bit-reversal permutation.
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { a.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = sign * 2 * Double.pi / Double(length)
            for start in stride(from: 0, to: n, by: length) {
                for k in 0..<(length / 2) {
                    let w = Complex(cos(angle * Double(k)), sin(angle * Double(k)))
                    let even = a[start + k], odd = a[start + k + length / 2] * w
                    a[start + k] = even + odd
                    a[start + k + length / 2] = even - odd
                }
            }
            length <<= 1
        }
        return a
    }
}
