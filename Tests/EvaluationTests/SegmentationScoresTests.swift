@testable import Evaluation
import Foundation
import Imaging
import Testing

@Suite("Dice and surface distances")
struct SegmentationScoresTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let name: String, shape: [Int], spacing: [Double], reference: [Int], result: [Int]
            let dice: Double, hd: Double, hd95: Double, assd: Double
        }
        let cases: [Case]
    }

    static func fixture() throws -> Fixture {
        let url = Bundle.module.url(forResource: "medpy_surface", withExtension: "json", subdirectory: "Fixtures")!
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test("Dice, HD95 and ASSD equal MedPy 0.5's on five cases", arguments: 0..<5)
    func matchesMedPy(index: Int) throws {
        let c = try Self.fixture().cases[index]
        let n = c.shape.reduce(1, *)
        var ref = [Bool](repeating: false, count: n), res = ref
        for i in c.reference { ref[i] = true }
        for i in c.result { res[i] = true }
        let s = SegmentationScores.binary(prediction: res, reference: ref, shape: c.shape, spacing: c.spacing)
        #expect(abs(s.dice - c.dice) < 1e-12, "\(c.name): dice \(s.dice) vs \(c.dice)")
        #expect(abs(s.hd95 - c.hd95) < 1e-9, "\(c.name): hd95 \(s.hd95) vs \(c.hd95)")
        #expect(abs(s.assd - c.assd) < 1e-9, "\(c.name): assd \(s.assd) vs \(c.assd)")
        let all = SurfaceDistance.directed(from: res, to: ref, shape: c.shape, spacing: c.spacing)
            + SurfaceDistance.directed(from: ref, to: res, shape: c.shape, spacing: c.spacing)
        #expect(abs(all.max()! - c.hd) < 1e-9, "\(c.name): hd")
    }

    @Test("the distance transform equals brute force on an anisotropic grid")
    func distanceTransformBruteForce() {
        let shape = [7, 5, 4], spacing = [0.7, 1.3, 2.9]
        let n = shape.reduce(1, *)
        let feature = (0..<n).map { ($0 * 7919) % 11 == 0 }
        let d = DistanceTransform.squaredDistances(to: feature, shape: shape, spacing: spacing)
        func coords(_ i: Int) -> [Double] {
            [Double(i % 7) * spacing[0], Double((i / 7) % 5) * spacing[1], Double(i / 35) * spacing[2]]
        }
        for p in 0..<n {
            var best = Double.infinity
            for q in 0..<n where feature[q] {
                let (a, b) = (coords(p), coords(q))
                best = min(best, zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +))
            }
            #expect(abs(d[p] - best) < 1e-9, "voxel \(p)")
        }
    }

    @Test("empty masks: both empty is NaN, one empty scores Dice 0 and the image diagonal")
    func emptyPolicy() {
        let shape = [4, 3, 2], spacing = [1.5, 2.0, 6.0]
        let none = [Bool](repeating: false, count: 24)
        var one = none; one[5] = true
        let both = SegmentationScores.binary(prediction: none, reference: none, shape: shape, spacing: spacing)
        #expect(both.dice.isNaN && both.hd95.isNaN && both.assd.isNaN && both.bothEmpty)
        let diagonal = (36.0 + 36.0 + 144.0).squareRoot()   // (4·1.5)² + (3·2)² + (2·6)²
        for (p, r) in [(one, none), (none, one)] {
            let s = SegmentationScores.binary(prediction: p, reference: r, shape: shape, spacing: spacing)
            #expect(s.dice == 0 && s.hd95 == diagonal && s.assd == diagonal)
        }
    }

    @Test("identical masks score Dice 1 and distance 0; a hand-computed two-voxel shift")
    func handComputed() {
        // A 1×1×1-voxel-thick bar along x on a 6×1×1 grid; shifting a 2-voxel mask by 2 voxels of 1.5 mm.
        let shape = [6, 1, 1], spacing = [1.5, 1.0, 1.0]
        let a = [true, true, false, false, false, false], b = [false, false, true, true, false, false]
        let same = SegmentationScores.binary(prediction: a, reference: a, shape: shape, spacing: spacing)
        #expect(same.dice == 1 && same.hd95 == 0 && same.assd == 0)
        let s = SegmentationScores.binary(prediction: b, reference: a, shape: shape, spacing: spacing)
        // Every voxel is surface (1-voxel thick). Distances b→a: 1.5, 3.0; a→b: 3.0, 1.5; pooled mean 2.25.
        #expect(s.dice == 0)
        #expect(abs(s.assd - 2.25) < 1e-12)
        #expect(abs(s.hd95 - SurfaceDistance.percentile([1.5, 3, 3, 1.5], 95)) < 1e-12)
        #expect(SurfaceDistance.percentile([1, 2, 3, 4, 5], 95) == 4.8)   // NumPy: 1 + 0.95·4 → 4.8
    }

    @Test("per-class scores follow the explicit class list; an absent class is NaN, not skipped")
    func perClass() {
        let ref = Volume(shape: [4, 1, 1], voxels: [0, 1, 1, 3], spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        let pred = Volume(shape: [4, 1, 1], voxels: [0, 1, 3, 3], spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        let s = SegmentationScores.perClass(prediction: pred, reference: ref, classes: [1, 2, 3])
        #expect(abs(s[0].dice - 2.0 / 3) < 1e-12 && s[1].dice.isNaN && abs(s[2].dice - 2.0 / 3) < 1e-12)
    }
}
