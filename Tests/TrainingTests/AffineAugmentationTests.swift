import Determinism
import Engine
import Imaging
import Testing
@testable import Training

/// Space-separated numbers of a generated fixture.
func parseFixture(_ s: String) -> [Double] { s.split(separator: " ").map { Double($0)! } }

@Suite("Affine augmentation")
struct AffineAugmentationTests {
    @Test("left-right flip reverses the columns (np.fliplr)")
    func flip() {
        let p: [Float] = [1, 2, 3, 4, 5, 6]   // 2 rows × 3 columns
        #expect(AffineAugmentation.flipLeftRight(p, rows: 2, columns: 3) == [3, 2, 1, 6, 5, 4])
        let (img, lab) = AffineAugmentation.apply(.flip(applied: true), image: p, label: p, rows: 2, columns: 3)
        #expect(img == [3, 2, 1, 6, 5, 4] && lab == [3, 2, 1, 6, 5, 4])
        #expect(AffineAugmentation.apply(.flip(applied: false), image: p, label: nil, rows: 2, columns: 3).image == p)
    }

    @Test("90° moves pixels exactly; 45° of a 3×3 image by hand")
    func rightAngles() {
        let p: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        // input (r', c') = (c, 2 − r) for +90° with SciPy's sign: output row 0 reads input column 2.
        #expect(PlaneRotation.rotate(p, rows: 3, columns: 3, degrees: 90, interpolation: .linear) == [3, 6, 9, 2, 5, 8, 1, 4, 7])
        #expect(PlaneRotation.rotate(p, rows: 3, columns: 3, degrees: 180, interpolation: .nearest) == [9, 8, 7, 6, 5, 4, 3, 2, 1])
        // 45°: the centre stays; the corners sample at distance √2 from the centre along an axis, outside the
        // image, so they are 0; output (0, 1), offset (−1, 0) from the centre, samples
        // centre + M·(−1, 0) = (1 − h, 1 + h) with h = √½: bilinear in the cell rows 0..1, columns 1..2.
        let r = PlaneRotation.rotate(p, rows: 3, columns: 3, degrees: 45, interpolation: .linear)
        let h = 0.5.squareRoot()
        let ty = 1 - h, tx = h
        let (v00, v01, v10, v11) = (2.0, 3.0, 5.0, 6.0)
        let expected = (1 - ty) * ((1 - tx) * v00 + tx * v01) + ty * ((1 - tx) * v10 + tx * v11)
        #expect(abs(Double(r[1]) - expected) < 1e-6)
        #expect(r[4] == 5)
        #expect(r[0] == 0 && r[2] == 0 && r[6] == 0 && r[8] == 0)
    }

    @Test("rotation matches scipy.ndimage.rotate (order 1 image, order 0 label) on a 9×12 slice")
    func rotationAgainstScipy() {
        let (rows, cols) = AugmentationFixtures.rotationShape
        let image = parseFixture(AugmentationFixtures.rotationImage).map { Float($0) }
        let label = parseFixture(AugmentationFixtures.rotationLabel).map { Float($0) }
        for (i, angle) in AugmentationFixtures.rotationAngles.enumerated() {
            let ours = PlaneRotation.rotate(image, rows: rows, columns: cols, degrees: angle, interpolation: .linear)
            let ref = parseFixture(AugmentationFixtures.rotatedImages[i])
            let worst = zip(ours, ref).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-6, "image rotated by \(angle)°: max difference \(worst)")
            let oursL = PlaneRotation.rotate(label, rows: rows, columns: cols, degrees: angle, interpolation: .nearest)
            let refL = parseFixture(AugmentationFixtures.rotatedLabels[i]).map { Float($0) }
            #expect(oursL == refL, "label rotated by \(angle)°")
        }
    }

    @Test("nearest rotation only moves label values: no new classes appear")
    func labelValuesKept() {
        var rng = RandomStream(seed: 4, purpose: "labels")
        let label = (0..<(16 * 16)).map { _ in Float(rng.int(in: 0...3)) }
        for angle in [-14.2, 3.3, 45, 135] {
            let r = PlaneRotation.rotate(label, rows: 16, columns: 16, degrees: angle, interpolation: .nearest)
            #expect(Set(r).isSubset(of: [0, 1, 2, 3]))
        }
    }

    @Test("scaling matches skimage rescale + centre crop/pad (0.95, 0.97, 1.03, 1.05)")
    func scalingAgainstSkimage() {
        let image = parseFixture(AugmentationFixtures.scaleImage).map { Float($0) }
        let label = parseFixture(AugmentationFixtures.scaleLabel).map { Float($0) }
        for (i, s) in AugmentationFixtures.scales.enumerated() {
            let (img, lab) = AffineAugmentation.apply(.scaling(factor: s), image: image, label: label, rows: 16, columns: 16)
            let ref = parseFixture(AugmentationFixtures.scaledImages[i])
            let worst = zip(img, ref).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-6, "scale \(s): max difference \(worst)")
            #expect(lab == parseFixture(AugmentationFixtures.scaledLabels[i]).map { Float($0) }, "label at scale \(s)")
        }
    }

    @Test("scaling by hand: 1.05 on 20 px gives 21 px, cropped from index 0; 0.95 gives 19, padded at 0")
    func scalingByHand() {
        // A constant image: the rescale keeps the value inside (clipped to the input range), and the crop
        // or pad decides where zeros appear.
        let ones = [Float](repeating: 1, count: 20 * 20)
        let up = AffineAugmentation.apply(.scaling(factor: 1.05), image: ones, label: nil, rows: 20, columns: 20).image
        #expect(up.allSatisfy { $0 == 1 })
        let down = AffineAugmentation.apply(.scaling(factor: 0.95), image: ones, label: nil, rows: 20, columns: 20).image
        // 19 rows placed at offset (20 − 19) / 2 = 0: the last row and column are zero padding.
        #expect(down[19 * 20 + 5] == 0 && down[5 * 20 + 19] == 0 && down[18 * 20 + 18] == 1 && down[0] == 1)
    }

    @Test("options are uniform over 5, parameters in range, scale has 2 decimals, blank images untouched")
    func drawDistribution() {
        var rng = RandomStream(seed: 8, purpose: "test/affine")
        var counts = [Int](repeating: 0, count: 5), flips = 0, flipDraws = 0
        var ks = Set<Int>()
        let draws = 20_000
        for _ in 0..<draws {
            switch AffineAugmentation.draw(imageMax: 1, using: &rng) {
            case .rotation(let d): counts[0] += 1; #expect(d >= -15 && d < 15)
            case .scaling(let s):
                counts[1] += 1
                #expect(s >= 0.95 && s <= 1.05)
                #expect(abs(s * 100 - (s * 100).rounded()) < 1e-9)
            case .flip(let a): counts[2] += 1; flipDraws += 1; if a { flips += 1 }
            case .rotation45(let k): counts[3] += 1; ks.insert(k)
            case .none: counts[4] += 1
            case .skippedBlank: Issue.record("a non-blank image was skipped")
            }
        }
        for c in counts { #expect(abs(Double(c) / Double(draws) - 0.2) < 0.015) }
        #expect(abs(Double(flips) / Double(flipDraws) - 0.5) < 0.04)
        #expect(ks == Set(0...7))
        #expect(AffineAugmentation.draw(imageMax: 0.001, using: &rng) == .skippedBlank)
    }
}
