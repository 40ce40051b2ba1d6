@testable import Datasets
import Foundation
import Testing

/// The phantom against ACDC's measured ranges (phantom-facts.md §1–4), on the rendered labels of the
/// dataset the experiments use (40 volumes, seed 1, default parameters), not on the generator's targets.
@Suite("Phantom calibration against ACDC")
struct PhantomCalibrationTests {
    /// ACDC's ED ranges over its 100 training volumes (phantom-facts.md §2): LVEDV 49–374 mL and RVEDV
    /// 47–295 mL (the extremes over the five groups); LV mass up to HCM's measured 259 g, and down to
    /// ARV's mean − 2 SD, 26 g (no group states a measured minimum below HCM's 71 g) [D].
    static let lvRange = 49.0...374.0, rvRange = 47.0...295.0, myoRange = (26.0 / 1.05)...(259.0 / 1.05)

    /// The experiments' phantom: `ExperimentData.ensurePhantom` generates 40 volumes with seed 1.
    static let datasetVolumes: [(patient: Int, label: Volume)] = {
        (1...40).map { ($0, try! PhantomGenerator.labelVolume(patient: $0, seed: 1, parameters: PhantomParameters())) }
    }()

    @Test func everyRenderedVolumeOfTheDatasetLiesWithinACDCsRanges() {
        for (patient, label) in Self.datasetVolumes {
            let v = LabelVolumes(label)
            let group = PathologyGroup.forPatient(patient)
            #expect(Self.lvRange.contains(v.lv), "patient \(patient) (\(group)): LV \(v.lv) mL outside \(Self.lvRange)")
            #expect(Self.rvRange.contains(v.rv), "patient \(patient) (\(group)): RV \(v.rv) mL outside \(Self.rvRange)")
            #expect(Self.myoRange.contains(v.myo), "patient \(patient) (\(group)): Myo \(v.myo) mL outside \(Self.myoRange)")
        }
    }

    /// The groups stay apart as in ACDC (§2): DCM's LV is the largest, ARV's RV the largest relative to
    /// its LV, HCM's myocardium the heaviest relative to its cavity.
    @Test func groupMeansKeepACDCsOrdering() {
        func mean(_ group: PathologyGroup, _ f: (LabelVolumes) -> Double) -> Double {
            let values = Self.datasetVolumes.filter { PathologyGroup.forPatient($0.patient) == group }.map { f(LabelVolumes($0.label)) }
            return values.reduce(0, +) / Double(values.count)
        }
        for g in PathologyGroup.allCases where g != .dcm { #expect(mean(.dcm, \.lv) > mean(g, \.lv), "\(g)") }
        for g in PathologyGroup.allCases where g != .arv { #expect(mean(.arv) { $0.lv / $0.rv } < mean(g) { $0.lv / $0.rv }, "\(g)") }
        for g in PathologyGroup.allCases where g != .hcm { #expect(mean(.hcm) { $0.myo / $0.lv } > mean(g) { $0.myo / $0.lv }, "\(g)") }
    }

    /// Rendered volumes follow the targets they were calibrated to (LV and myocardium to 2 % before the
    /// last exact step; the RV, coupled to both, more loosely).
    @Test func renderedVolumesMatchTheirTargets() throws {
        for patient in [3, 8, 28] {
            let c = try PhantomGenerator.generate(patient: patient, seed: 1, parameters: PhantomTestSupport.realistic)
            let v = LabelVolumes(c.label)
            #expect(abs(v.lv / c.info.targetLVEDVML - 1) < 0.04, "patient \(patient): LV \(v.lv) vs \(c.info.targetLVEDVML)")
            #expect(abs(v.myo / (c.info.targetLVMassG / 1.05) - 1) < 0.05, "patient \(patient): Myo \(v.myo) vs \(c.info.targetLVMassG / 1.05)")
            #expect(abs(v.rv / c.info.targetRVEDVML - 1) < 0.08, "patient \(patient): RV \(v.rv) vs \(c.info.targetRVEDVML)")
            #expect(c.info.rendered == v)
        }
    }

    /// The label-only pass is the renderer's own labelling (so the dataset test above tests what is written).
    @Test func labelOnlyPassEqualsTheRenderedLabels() throws {
        for (k, c) in PhantomTestSupport.smallCases.enumerated() {
            let labels = try PhantomGenerator.labelVolume(patient: k + 1, seed: 2, parameters: PhantomTestSupport.small)
            #expect(labels.voxels == c.label.voxels, "patient \(k + 1)")
            #expect(labels.shape == c.label.shape && labels.spacing == c.label.spacing)
        }
        let full = try PhantomGenerator.generate(patient: 2, seed: 1, parameters: PhantomTestSupport.realistic)
        let labels = try PhantomGenerator.labelVolume(patient: 2, seed: 1, parameters: PhantomTestSupport.realistic)
        #expect(labels.voxels == full.label.voxels)
    }

    /// Orientation (§3): the standard view ± the spread, a quarter turn in about a quarter of volumes,
    /// no mirroring; SNR (§4) normal(29, 7) within 15–43; bands in about half the volumes, moderate.
    @Test func orientationSNRAndBandingFollowTheDefaults() throws {
        // One sub-sample per pixel: the draws tested here do not depend on it, and the calibration's exact
        // pass gets cheap.
        var p = PhantomParameters()
        p.inPlaneSupersampling = 1
        p.throughPlaneSupersampling = 1
        var quarter = 0, banded = 0
        var snrs: [Double] = []
        for patient in 1...40 {
            let s = PhantomSubject(patient: patient, seed: 1, parameters: p)
            #expect(!s.flipped)
            let turned = abs(s.rotationDegrees) > p.orientationSpreadDegrees
            if turned { quarter += 1 }
            let residual = turned ? abs(abs(s.rotationDegrees) - 90) : abs(s.rotationDegrees)
            #expect(residual <= p.orientationSpreadDegrees, "patient \(patient): rotation \(s.rotationDegrees)")
            #expect((15...43).contains(s.snr))
            snrs.append(s.snr)
            if s.signal.banding.depth > 0 {
                banded += 1
                #expect(s.signal.banding.depth <= 0.45)
            }
        }
        #expect((4...18).contains(quarter), "\(quarter) of 40 quarter-turned")
        #expect((10...30).contains(banded), "\(banded) of 40 banded")
        let mean = snrs.reduce(0, +) / 40
        #expect(abs(mean - 29) < 4, "mean SNR \(mean)")
        // The first phantom's extremes stay reachable as knobs.
        var extreme = p
        extreme.orientationSpreadDegrees = 180
        extreme.flipProbability = 0.5
        extreme.bandingShare = 1
        extreme.bandingDepth = 0.4...0.85
        extreme.snr = 8...40
        extreme.snrMean = nil
        let subjects = (1...20).map { PhantomSubject(patient: $0, seed: 1, parameters: extreme) }
        #expect((4...16).contains(subjects.filter(\.flipped).count))
        #expect(subjects.allSatisfy { $0.signal.banding.depth >= 0.4 })
        #expect(subjects.contains { abs($0.rotationDegrees) > 120 })
    }
}
