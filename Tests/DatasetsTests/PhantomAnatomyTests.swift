@testable import Datasets
import Foundation
import Testing

/// Anatomy invariants against ACDC (phantom-facts.md §1–3), one volume per pathology group.
@Suite("Phantom anatomy")
struct PhantomAnatomyTests {
    static let cases: [PhantomCase] = (1...5).map { try! PhantomGenerator.generate(patient: $0, seed: 5, parameters: PhantomTestSupport.realistic) }

    @Test func labelsAreACDCsAndAllPresent() {
        for c in Self.cases {
            #expect(Set(c.label.voxels) == [0, 1, 2, 3], "patient \(c.info.patient)")
        }
    }

    @Test func gridAndStackWithinACDCRanges() {
        for c in Self.cases {
            #expect((8...14).contains(c.image.shape[2]), "slices \(c.image.shape)")
            #expect((5...10).contains(c.image.spacing[2]), "slice spacing \(c.image.spacing)")
            // Myocardium reaches slice 0 or 1 (the stack starts 0–1 slice above the base)…
            #expect(PhantomTestSupport.count(c.label, 2, slice: 0) + PhantomTestSupport.count(c.label, 2, slice: 1) > 0)
            // …and the last slice holds no LV cavity larger than a small apical one.
            let n = c.image.shape[2]
            #expect(PhantomTestSupport.count(c.label, 3, slice: n - 1) < PhantomTestSupport.count(c.label, 3, slice: n / 2))
        }
    }

    @Test func lvAndRVVolumesMatchTargetsAndACDCRanges() {
        for c in Self.cases {
            let voxelML = c.image.spacing.reduce(1, *) / 1000
            let lv = Double(PhantomTestSupport.count(c.label, 3)) * voxelML
            let rv = Double(PhantomTestSupport.count(c.label, 1)) * voxelML
            let myo = Double(PhantomTestSupport.count(c.label, 2)) * voxelML
            let g = c.info.group
            #expect(lv > g.lvEDV.min * 0.8 && lv < g.lvEDV.max * 1.2, "\(g) LV \(lv) mL")
            #expect(abs(lv / c.info.targetLVEDVML - 1) < 0.25, "\(g) LV \(lv) vs target \(c.info.targetLVEDVML)")
            #expect(abs(rv / c.info.targetRVEDVML - 1) < 0.3, "\(g) RV \(rv) vs target \(c.info.targetRVEDVML)")
            // LV mass 1.05 g/mL: ACDC group means 74–169 g, extremes ~45–260.
            #expect(myo * 1.05 > 40 && myo * 1.05 < 300, "\(g) mass \(myo * 1.05) g")
        }
    }

    @Test func wallThicknessNearTheGroupsMaximum() {
        // Mean wall on a mid slice = myocardial area / mean circumference, from the label areas.
        for c in Self.cases {
            let z = PhantomAnatomyTests.midSlice(c.label)
            let px = c.image.spacing[0] * c.image.spacing[1]
            let lvArea = Double(PhantomTestSupport.count(c.label, 3, slice: z)) * px
            let myoArea = Double(PhantomTestSupport.count(c.label, 2, slice: z)) * px
            let rEndo = (lvArea / Double.pi).squareRoot(), rEpi = ((lvArea + myoArea) / Double.pi).squareRoot()
            let wall = rEpi - rEndo
            #expect(wall > 3.5 && wall < 19, "\(c.info.group) mid wall \(wall) mm")
            if c.info.group == .hcm { #expect(wall > 7, "HCM mid wall \(wall) mm") }
        }
    }

    @Test func lvCavityIsEnclosedByMyocardium() {
        // ≥ 90 % of the LV cavity's outer 4-neighbours are myocardium (the rest: the open basal "C" at
        // the LVOT and partial volume at the apex).
        for c in Self.cases {
            let (nx, ny) = (c.label.shape[0], c.label.shape[1])
            var myo = 0, other = 0
            for z in 0..<c.label.shape[2] {
                for y in 1..<(ny - 1) {
                    for x in 1..<(nx - 1) where c.label[x, y, z] == 3 {
                        for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
                            let l = c.label[x + dx, y + dy, z]
                            if l == 2 { myo += 1 } else if l != 3 { other += 1 }
                        }
                    }
                }
            }
            #expect(Double(myo) / Double(myo + other) > 0.9, "patient \(c.info.patient): \(myo) myo vs \(other) other")
        }
    }

    @Test func rvTouchesTheSeptumAndShrinksTowardTheApex() {
        for c in Self.cases {
            let (nx, ny) = (c.label.shape[0], c.label.shape[1])
            let z = PhantomAnatomyTests.midSlice(c.label)
            var contacts = 0
            for y in 1..<(ny - 1) {
                for x in 1..<(nx - 1) where c.label[x, y, z] == 1 {
                    if [(1, 0), (-1, 0), (0, 1), (0, -1)].contains(where: { c.label[x + $0.0, y + $0.1, z] == 2 }) { contacts += 1 }
                }
            }
            #expect(contacts > 5, "patient \(c.info.patient): RV touches myocardium at \(contacts) voxels")
            let rvAreas = (0..<c.label.shape[2]).map { PhantomTestSupport.count(c.label, 1, slice: $0) }
            let first = rvAreas.firstIndex { $0 > 0 }!, last = rvAreas.lastIndex { $0 > 0 }!
            #expect(rvAreas[first...].max()! > 2 * rvAreas[last], "RV areas \(rvAreas)")
        }
    }

    @Test func lvShrinksFromBaseToApex() {
        for c in Self.cases {
            let areas = (0..<c.label.shape[2]).map { PhantomTestSupport.count(c.label, 3, slice: $0) }
            let last = areas.lastIndex { $0 > 0 }!
            #expect(areas.max()! > 3 * areas[last], "LV areas \(areas)")
        }
    }

    static func midSlice(_ label: Volume) -> Int {
        let withLV = (0..<label.shape[2]).filter { PhantomTestSupport.count(label, 3, slice: $0) > 0 }
        return withLV[withLV.count / 2]
    }
}

@Suite("Phantom RV calibration")
struct PhantomRVCalibrationTests {
    /// The closed-form scale (polar integral) gives the target volume when the labelled RV is counted
    /// point by point with `HeartModel.sample` (a different computation of the same volume).
    @Test func calibratedScaleGivesTheTargetVolumeOnAGrid() {
        for (patient, target) in [(1, 240.0), (4, 150.0), (5, 95.0)] {
            var d = PhantomDraw(seed: 3, patient: patient, purpose: "anatomy")
            let group = PathologyGroup.forPatient(patient)
            var heart = PhantomSubject.sampleHeart(group: group, lvEDV: group.lvEDV.mean, rvEDV: target, maxWall: group.maxWall.mean,
                                                   variability: 1, draw: &d)
            heart.rvScale = PhantomSubject.calibrateRV(heart, target: target)
            let counted = PhantomSubject.rvVolume(heart)
            #expect(abs(counted / target - 1) < 0.08, "\(group): target \(target) mL, counted \(counted) mL, scale \(heart.rvScale)")
        }
    }
}
