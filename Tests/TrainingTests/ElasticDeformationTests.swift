import Determinism
import Engine
import Testing
@testable import Training

@Suite("Elastic deformation")
struct ElasticDeformationTests {
    @Test("bicubic upsampling matches skimage resize(order=3, mode='reflect') for 7², 16² and 13×20")
    func upsamplingAgainstSkimage() {
        let grid = parseFixture(AugmentationFixtures.grid)
        for (i, size) in AugmentationFixtures.gridSizes.enumerated() {
            let ours = BicubicUpsampling.resize(grid, rows: 3, columns: 3, toRows: size.0, columns: size.1)
            let ref = parseFixture(AugmentationFixtures.upsampledGrids[i])
            let worst = zip(ours, ref).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-6, "\(size): max difference \(worst)")
        }
    }

    @Test("a constant grid upsamples to the constant; a linear one is reproduced at the sample centres")
    func upsamplingByHand() {
        let c = BicubicUpsampling.resize([Double](repeating: 2.5, count: 9), rows: 3, columns: 3, toRows: 6, columns: 9)
        #expect(c.allSatisfy { abs($0 - 2.5) < 1e-12 })
        // Columns 0, 1, 2 → 0, 1, 2. Upsampling ×3: output column 3p + 1 sits exactly on input column p.
        let ramp: [Double] = [0, 1, 2, 0, 1, 2, 0, 1, 2]
        let r = BicubicUpsampling.resize(ramp, rows: 3, columns: 3, toRows: 3, columns: 9)
        for p in 0..<3 { #expect(abs(r[3 * p + 1] - Double(p)) < 1e-12) }
        // Clipped to the grid's range; 'mirror' makes the curve symmetric about the edge samples, so output
        // column 0 (x = −1/3) equals column 2 (x = +1/3), and column 8 equals column 6: not a linear ramp.
        #expect(r.allSatisfy { $0 >= 0 && $0 <= 2 })
        #expect(abs(r[0] - r[2]) < 1e-12 && abs(r[8] - r[6]) < 1e-12 && r[0] > 0)
    }

    @Test("a constant displacement is a shift: output (r, c) reads input (r − dr, c − dc), edges replicated")
    func constantShift() {
        let n = 5
        let img = (0..<(n * n)).map { Float($0) }
        let dr = [Float](repeating: 1, count: n * n), dc = [Float](repeating: -2, count: n * n)
        let out = DenseWarp.warp(img, channels: 1, rows: n, columns: n, rowDisplacement: dr, columnDisplacement: dc)
        for r in 0..<n { for c in 0..<n {
            let sr = min(max(r - 1, 0), n - 1), sc = min(max(c + 2, 0), n - 1)
            #expect(out[r * n + c] == img[sr * n + sc], "(\(r), \(c))")
        } }
        // Half-pixel shift: the mean of neighbours.
        let half = DenseWarp.warp(img, channels: 1, rows: n, columns: n,
                                  rowDisplacement: [Float](repeating: 0, count: n * n),
                                  columnDisplacement: [Float](repeating: 0.5, count: n * n))
        #expect(half[2 * n + 2] == (img[2 * n + 1] + img[2 * n + 2]) / 2)
    }

    @Test("warped one-hot labels stay a probability distribution per pixel")
    func labelsStayDistributions() {
        var rng = RandomStream(seed: 21, purpose: "test/elastic")
        let n = 16, classes = 4, count = 6
        let idx = (0..<(count * n * n)).map { _ in Float(rng.int(in: 0...(classes - 1))) }
        let batch = SliceBatch(count: count, height: n, width: n, classes: classes,
                               images: (0..<(count * n * n)).map { _ in rng.uniform() },
                               labels: SliceBatch.oneHot(idx, count: count, height: n, width: n, classes: classes))
        let elastic = ElasticDeformation(sigma: 5)
        var draw = elastic.draw(count: count, using: &rng)
        draw.firstDeformed = 1
        let out = elastic.apply(draw, to: batch)
        let labels = out.labels!, plane = n * n
        var soft = 0
        for b in 0..<count { for p in 0..<plane {
            var s: Float = 0
            for k in 0..<classes {
                let v = labels[(b * classes + k) * plane + p]
                #expect(v >= -1e-6 && v <= 1 + 1e-6)
                s += v
                if v > 0.01 && v < 0.99 { soft += 1 }
            }
            #expect(abs(s - 1) < 1e-5)
        } }
        #expect(soft > 0)
        // Image 0 (index < k) is untouched; the others changed.
        #expect(out.images[0..<plane] == batch.images[0..<plane])
        #expect(out.images[plane..<(2 * plane)] != batch.images[plane..<(2 * plane)])
    }

    @Test("k is uniform in 1...18 for a batch of 20; grids have standard deviation σ")
    func drawDistribution() {
        var rng = RandomStream(seed: 13, purpose: "test/k")
        let elastic = ElasticDeformation(sigma: 5)
        var counts = [Int: Int](), s = 0.0, s2 = 0.0, m = 0
        let draws = 3_600
        for _ in 0..<draws {
            let d = elastic.draw(count: 20, using: &rng)
            counts[d.firstDeformed, default: 0] += 1
            for g in d.rowGrids + d.columnGrids { for v in g { s += v; s2 += v * v; m += 1 } }
        }
        #expect(Set(counts.keys) == Set(1...18))
        for k in 1...18 { #expect(abs(Double(counts[k]!) / Double(draws) - 1.0 / 18) < 0.02) }
        let mean = s / Double(m), sd = (s2 / Double(m) - mean * mean).squareRoot()
        #expect(abs(mean) < 0.05 && abs(sd - 5) < 0.05)
    }
}
