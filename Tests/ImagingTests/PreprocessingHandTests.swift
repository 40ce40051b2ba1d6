import Imaging
import Testing

/// Small cases computed by hand (method-spec §1.1 steps 3–5, §11).
@Suite("Preprocessing by hand")
struct PreprocessingHandTests {
    @Test("percentiles of 1…100 are 1.99 and 99.01 (NumPy 'linear'), and normalisation does not clip")
    func percentilesOfOneToHundred() throws {
        // Virtual index 100·0.01 + 0.99 − 1 = 0.99 → 1 + 0.99·(2 − 1); 98.01 → 99 + 0.01·(100 − 99).
        let values = (1...100).map(Float.init)
        #expect(Percentile.numpyLinear(values.shuffledDeterministically(), percents: [1, 99]) == [1.99, 99.01])
        #expect(Percentile.numpyLinear(values, percents: [0, 50, 100]) == [1, 50.5, 100])
        let volume = Volume(shape: [10, 5, 2], voxels: values, spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        let n = try PercentileNormalisation(fitting: volume, source: "v.nii.gz")
        #expect(n.low == 1.99 && n.high == 99.01)
        let out = n.apply(to: volume).voxels
        #expect(out[0] == (Float(1) - 1.99) / (Float(99.01) - 1.99))
        #expect(out[0] < 0 && out[99] > 1)  // no clipping
        #expect(abs(out[50] - (51 - 1.99) / 97.02) < 1e-6)
    }

    @Test("a constant volume is an error that names the file and says why")
    func constantVolume() {
        let volume = Volume(shape: [3, 3, 2], voxels: [Float](repeating: 7, count: 18), spacing: [1, 1, 1],
                            affine: .scaling([1, 1, 1]))
        #expect(throws: PreprocessingError.constantIntensity(source: "patient001.nii.gz", value: 7)) {
            try PercentileNormalisation(fitting: volume, source: "patient001.nii.gz")
        }
        let message = PreprocessingError.constantIntensity(source: "patient001.nii.gz", value: 7).description
        #expect(message.hasPrefix("patient001.nii.gz: ") && message.contains("percentiles are equal"))
        var withNaN = volume
        withNaN.voxels[4] = .nan
        #expect(throws: PreprocessingError.nonFiniteIntensity(source: "x")) {
            try PercentileNormalisation(fitting: withNaN, source: "x")
        }
    }

    @Test("rescaled sizes round half to even and never drop below 1")
    func rescaledLengths() {
        #expect(Resample.rescaledLength(5, scale: 0.5) == 2)   // 2.5 → 2
        #expect(Resample.rescaledLength(7, scale: 0.5) == 4)   // 3.5 → 4
        #expect(Resample.rescaledLength(3, scale: 0.1) == 1)   // 0.3 → 0 → 1
        #expect(Resample.rescaledLength(216, scale: 1.5625 / 1.36719) == 247)
    }

    @Test("bilinear 2×2 → 4×4 by hand: zero outside, then lifted to the slice minimum")
    func bilinearTwoByTwo() {
        // Samples at x = −0.25, 0.25, 0.75, 1.25 on both axes; outside counts as 0. Before the clip row 0 is
        // 0.75·[0.75, 1.25, 1.75, 1.5]; the input lies in [1, 4] and 0 is not reached, so values < 1 become 1.
        let image = Image2D(rows: 2, columns: 2, pixels: [1, 2, 3, 4])
        let up = image.rescaled(rowScale: 2, columnScale: 2, interpolation: .linear)
        #expect(up.rows == 4 && up.columns == 4)
        #expect(up.pixels == [1, 1, 1.3125, 1.125,
                              1.125, 1.75, 2.25, 1.875,
                              1.875, 2.75, 3.25, 2.625,
                              1.6875, 2.4375, 2.8125, 2.25])
        // With a 0 inside the input's range nothing is lifted: the corner keeps its zero-mixed value.
        let withZero = Image2D(rows: 2, columns: 2, pixels: [0, 2, 3, 4]).rescaled(rowScale: 2, columnScale: 2,
                                                                                  interpolation: .linear)
        #expect(Array(withZero.pixels[0..<8]) == [0, 0.375, 1.125, 1.125, 0.5625, 1.1875, 2.0625, 1.875])
    }

    @Test("nearest 2×2 → 4×4 and scale 0.5 ties take the later input")
    func nearest() {
        let image = Image2D(rows: 2, columns: 2, pixels: [1, 2, 3, 4])
        #expect(image.rescaled(rowScale: 2, columnScale: 2, interpolation: .nearest).pixels
                == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        // 4×4 at scale 0.5: x = 2o + 0.5, a tie, so output o takes input 2o + 1.
        let ramp = Image2D(rows: 4, columns: 4, pixels: (0..<16).map(Float.init))
        #expect(ramp.rescaled(rowScale: 0.5, columnScale: 0.5, interpolation: .nearest).pixels == [5, 7, 13, 15])
    }

    @Test("centre crop and zero pad offsets for odd and even differences")
    func cropOrPadOffsets() {
        #expect(CropOrPad.axisPlacement(from: 7, to: 4) == (source: 1, target: 0, count: 4))
        #expect(CropOrPad.axisPlacement(from: 6, to: 4) == (source: 1, target: 0, count: 4))
        #expect(CropOrPad.axisPlacement(from: 9, to: 4) == (source: 2, target: 0, count: 4))
        #expect(CropOrPad.axisPlacement(from: 5, to: 8) == (source: 0, target: 1, count: 5))
        #expect(CropOrPad.axisPlacement(from: 3, to: 8) == (source: 0, target: 2, count: 3))
        #expect(CropOrPad.axisPlacement(from: 4, to: 4) == (source: 0, target: 0, count: 4))
        // 5 rows → 3 (crop from row 1), 2 columns → 4 (pad at column 1).
        let image = Image2D(rows: 5, columns: 2, pixels: (0..<10).map(Float.init))
        let out = image.centreCroppedOrPadded(toRows: 3, columns: 4)
        #expect(out.pixels == [0, 2, 3, 0,
                               0, 4, 5, 0,
                               0, 6, 7, 0])
    }

    @Test("the ACDC, prostate and MMWHS constants of method-spec §1.2")
    func datasetConstants() {
        #expect(SlicePreprocessor.acdc == SlicePreprocessor(targetSpacing: [1.36719, 1.36719], size: 192))
        #expect(SlicePreprocessor.prostate == SlicePreprocessor(targetSpacing: [0.625, 0.625], size: 192))
        #expect(SlicePreprocessor.mmwhs == SlicePreprocessor(targetSpacing: [1.5, 1.5], size: 160))
        #expect(SlicePreprocessor.acdc.canonicalDescription != SlicePreprocessor.mmwhs.canonicalDescription)
    }
}

extension Array {
    /// A fixed permutation (reversed odd positions after the even ones) so sorting is exercised.
    func shuffledDeterministically() -> [Element] {
        let even = stride(from: 0, to: count, by: 2).map { self[$0] }
        let odd = stride(from: 1, to: count, by: 2).map { self[$0] }
        return odd.reversed() + even
    }
}
