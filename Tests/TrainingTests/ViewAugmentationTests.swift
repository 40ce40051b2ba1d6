import Determinism
import Foundation
import Engine
import Testing
import Training

@Suite("View augmentation")
struct ViewAugmentationTests {
    @Test("bilinear resize equals scikit-image resize(order=1) on the fixture cases")
    func resizeFixture() {
        for c in ResizeFixture.cases {
            let out = bilinearResize(c.input, rows: c.rows, columns: c.columns, outRows: c.outRows, outColumns: c.outColumns)
            let worst = zip(out, c.expected).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6, "\(c.rows)×\(c.columns) → \(c.outRows)×\(c.outColumns): worst \(worst)")
        }
    }

    @Test("2×2 → 4×4 by hand: mirrored edges give [0.75, 0.75, 1.25, 1.25] on the first row")
    func resizeByHand() {
        let out = bilinearResize([0, 1, 2, 3], rows: 2, columns: 2, outRows: 4, outColumns: 4)
        #expect(out == [0.75, 0.75, 1.25, 1.25, 0.75, 0.75, 1.25, 1.25, 1.75, 1.75, 2.25, 2.25, 1.75, 1.75, 2.25, 2.25])
    }

    @Test("intensity: x + δ, contrast about the brightened mean, clip to [0, 1.5]")
    func intensity() {
        let aug = ViewAugmentation()
        // [0.2, 0.4] + 0.1 → mean 0.4; deviations ∓0.1 × 2 → [0.2, 0.6].
        let out = aug.intensity([0.2, 0.4], delta: 0.1, factor: 2)
        #expect(abs(out[0] - 0.2) < 1e-6 && abs(out[1] - 0.6) < 1e-6)
        // [0.1, 1.5] − mean 0.8 = ∓0.7, × 1.3 → [−0.11, 1.71] → clipped.
        #expect(aug.intensity([0, 1.4], delta: 0.1, factor: 1.3) == [0, 1.5])
    }

    /// Recovers (δ, c) from a view of the two-pixel image [0.2, 0.4] (no clipping for these ranges).
    func draws(_ views: [[Float]]) -> [[Float]] {
        views.map { v in [((v[0] + v[1]) / 2 - 0.3), (v[1] - v[0]) / 0.2] }
    }

    @Test("intensity draws: per image by default, one per call under faithful-2020 (Q3)")
    func sharedDraws() throws {
        let images = [[Float]](repeating: [0.2, 0.4], count: 6)
        for fidelity in ContrastiveFidelity.allCases {
            var s = RandomStream(seed: 1, purpose: "test/draws")
            let d = draws(try ViewAugmentation(fidelity: fidelity).views(of: images, height: 1, width: 2, crop: false, using: &s))
            for x in d {
                #expect(abs(x[0]) <= 0.3 + 1e-5 && x[1] >= 0.7 - 1e-4 && x[1] <= 1.3 + 1e-4)
            }
            let distinct = Set(d.map { "\($0[0].rounded(toPlaces: 4)),\($0[1].rounded(toPlaces: 4))" }).count
            #expect(distinct == (fidelity == .intended ? 6 : 1), "\(fidelity): \(distinct) distinct draws")
        }
    }

    @Test("crop offsets: 10...69 faithful; clamped to size − box (10...60 on 160² slices) intended (Q13)")
    func offsets() throws {
        #expect(try ViewAugmentation(fidelity: .faithful2020).offsetRange(size: 160) == 10...69)
        #expect(try ViewAugmentation(fidelity: .intended).offsetRange(size: 160) == 10...60)
        #expect(try ViewAugmentation(fidelity: .intended).offsetRange(size: 192) == 10...69)
        #expect(throws: ContrastiveError("view augmentation", "a 100-pixel crop box with offsets from 10 does not fit 64-pixel slices")) {
            try ViewAugmentation().offsetRange(size: 64)
        }
    }

    @Test("faithful crop at row 69 of a 160² slice keeps rows 69…159 (91 rows) stretched to 160")
    func truncatedCrop() {
        // Row ramp: pixel (r, c) = r. A 91-row box resized to 160 rows spans 69…159 (up to the mirrored
        // half-pixel at each end); a 100-row box would reach 168.
        let n = 160
        let image = (0..<(n * n)).map { Float($0 / n) }
        let out = ViewAugmentation(fidelity: .faithful2020).crop(image, height: n, width: n, top: 69, left: 20)
        let expected = bilinearResize((0..<(91 * 100)).map { Float(69 + $0 / 100) }, rows: 91, columns: 100, outRows: n, outColumns: n)
        #expect(out == expected)
        #expect(out[0] >= 69 && out[(n - 1) * n] <= 159 && out[(n - 1) * n] > 158)
    }
}

extension Float {
    func rounded(toPlaces p: Int) -> Float {
        let m = Float(Foundation.pow(10.0, Double(p)))  // not Float.pow, which RealModule adds
        return (self * m).rounded() / m
    }
}
