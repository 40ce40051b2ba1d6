import Determinism
import Foundation

/// What is known about one generated volume besides its voxels (stored in phantom.json).
public struct PhantomCaseInfo: Codable, Sendable, Equatable {
    public var patient: Int
    public var group: PathologyGroup
    /// 1-based frame indices as in ACDC's Info.cfg.
    public var edFrame: Int, esFrame: Int, frameCount: Int
    public var heightCM: Double, weightKG: Double
    public var shape: [Int]
    public var spacingMM: [Double]
    public var sliceThicknessMM: Double
    /// Heart z (mm from the base plane, toward the apex) of slice 0's centre.
    public var firstSliceZMM: Double
    public var targetLVEDVML: Double, targetRVEDVML: Double, targetMaxWallMM: Double, targetLVMassG: Double
    public var cavityLengthMM: Double
    public var snr: Double, noiseSD: Double, gain: Double, bloodMyocardiumRatio: Double
    public var rotationDegrees: Double, flipped: Bool
    /// Depth of the off-resonance bands (0: this volume has none).
    public var bandingDepth: Double
    /// The labelled volumes as rendered (voxel count × voxel volume, ACDC's way), mL.
    public var rendered: LabelVolumes
}

/// RV cavity, LV myocardium and LV cavity volumes of a label map, mL (voxel count × voxel volume).
public struct LabelVolumes: Codable, Sendable, Equatable {
    public var rv: Double, myo: Double, lv: Double

    public init(rv: Double, myo: Double, lv: Double) {
        self.rv = rv
        self.myo = myo
        self.lv = lv
    }

    /// From voxel (or sample) counts by label 0…3 and the volume one count stands for, mL.
    init(counts: [Int], countML: Double) {
        self.init(rv: Double(counts[1]) * countML, myo: Double(counts[2]) * countML, lv: Double(counts[3]) * countML)
    }

    public init(_ label: Volume) {
        var counts = [Int](repeating: 0, count: 4)
        for v in label.voxels { let l = Int(v); if l >= 1 && l <= 3 { counts[l] += 1 } }
        self.init(counts: counts, countML: label.spacing.prefix(3).reduce(1, *) / 1000)
    }
}

/// A generated volume: the image (int16-valued float32, like ACDC's stored intensities), the label
/// map (0 bg, 1 RV, 2 Myo, 3 LV), and for tests the dominant tissue of each voxel and its share.
public struct PhantomCase: Sendable {
    public var info: PhantomCaseInfo
    public var image: Volume
    public var label: Volume
    /// `Tissue.rawValue` of the tissue with the largest share of each voxel, x-fastest like `image`.
    public var dominantTissue: [UInt8]
    /// That tissue's share of the voxel's sub-samples (1 = pure).
    public var tissuePurity: [Float]
}

/// The synthetic ACDC-like end-diastolic short-axis bSSFP phantom. Volume `patient` depends only on
/// (`seed`, `patient`, `parameters`): never on how many volumes are made, the thread count or the clock.
public enum PhantomGenerator {
    /// Changes whenever the same seed would give different voxels.
    public static let version = "phantom-3"

    public static func generate(patient: Int, seed: UInt64, parameters: PhantomParameters) throws -> PhantomCase {
        let (subject, renderer) = try prepare(patient: patient, seed: seed, parameters: parameters)
        let a = subject.acquisition
        // Slices are independent (own texture and noise streams), so the worker count changes speed, not bits.
        var slices = [RenderedSlice?](repeating: nil, count: a.sliceCount)
        slices.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let buffer = out
            Parallel.forEach(a.sliceCount) { k in buffer[k] = renderer.render(slice: k, seed: seed, patient: patient) }
        }
        let n = a.columnsX * a.rowsY
        var image = [Float](repeating: 0, count: n * a.sliceCount)
        var label = [Float](repeating: 0, count: n * a.sliceCount)
        var dominant = [UInt8](repeating: 0, count: n * a.sliceCount)
        var purity = [Float](repeating: 0, count: n * a.sliceCount)
        for (k, slice) in slices.enumerated() {
            let s = slice!
            for i in 0..<n {
                image[k * n + i] = s.intensity[i]
                label[k * n + i] = Float(s.labels[i])
                dominant[k * n + i] = s.dominantTissue[i]
                purity[k * n + i] = s.purity[i]
            }
        }
        let spacing = [a.pixel, a.pixel, a.sliceSpacing]
        let affine = PhantomGenerator.affine(subject)
        let shape = [a.columnsX, a.rowsY, a.sliceCount]
        let labelVolume = Volume(shape: shape, voxels: label, spacing: spacing, affine: affine)

        var r = PhantomDraw(seed: seed, patient: patient, purpose: "record")
        let frames = min(35, max(12, Int(r.normal(25.7, 6.6).rounded())))
        let period = parameters.nonFirstEDShare > 0 ? max(1, Int((1 / parameters.nonFirstEDShare).rounded())) : 0
        let ed = period > 0 && patient % period == period / 2 ? min(frames - 8, r.int(2...5)) : 1
        let es = ed + Int((Double(frames) * r.uniform(0.3, 0.4)).rounded())
        let info = PhantomCaseInfo(
            patient: patient, group: subject.group, edFrame: ed, esFrame: es, frameCount: frames,
            heightCM: (min(200, max(140, r.normal(170.8, 9.7))) * 10).rounded() / 10,
            weightKG: (min(140, max(40, r.normal(76.3, 18.6))) * 10).rounded() / 10,
            shape: shape, spacingMM: spacing, sliceThicknessMM: a.sliceThickness, firstSliceZMM: a.firstSliceZ,
            targetLVEDVML: subject.targets.lvEDV, targetRVEDVML: subject.targets.rvEDV, targetMaxWallMM: subject.targets.maxWall,
            targetLVMassG: subject.targets.lvMass,
            cavityLengthMM: subject.heart.cavityLength, snr: subject.snr, noiseSD: subject.signal.noiseSD * subject.signal.gain,
            gain: subject.signal.gain, bloodMyocardiumRatio: subject.bloodRatio,
            rotationDegrees: subject.rotationDegrees, flipped: subject.flipped, bandingDepth: subject.signal.banding.depth,
            rendered: LabelVolumes(labelVolume))
        return PhantomCase(info: info,
                           image: Volume(shape: shape, voxels: image, spacing: spacing, affine: affine),
                           label: labelVolume, dominantTissue: dominant, tissuePurity: purity)
    }

    /// The sampled subject of volume `patient` and the renderer of its slices.
    static func prepare(patient: Int, seed: UInt64, parameters: PhantomParameters) throws -> (PhantomSubject, SliceRenderer) {
        try parameters.validate()
        precondition(patient >= 1 && patient <= 999, "patient index must be 1…999, got \(patient)")
        let subject = PhantomSubject(patient: patient, seed: seed, parameters: parameters)
        return (subject, SliceRenderer(heart: subject.heart, thorax: subject.thorax, acquisition: subject.acquisition, signal: subject.signal,
                                       inPlane: parameters.inPlaneSupersampling, throughPlane: parameters.throughPlaneSupersampling))
    }

    /// The label map of volume `patient` alone, identical to `generate(…).label` (a test checks it) at a
    /// fraction of the cost: no signal, and only pixels within reach of the heart are sampled.
    public static func labelVolume(patient: Int, seed: UInt64, parameters: PhantomParameters) throws -> Volume {
        let (subject, renderer) = try prepare(patient: patient, seed: seed, parameters: parameters)
        let a = subject.acquisition
        var slices = [[UInt8]](repeating: [], count: a.sliceCount)
        slices.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let buffer = out
            Parallel.forEach(a.sliceCount) { k in buffer[k] = renderer.labels(slice: k) }
        }
        let spacing = [a.pixel, a.pixel, a.sliceSpacing]
        return Volume(shape: [a.columnsX, a.rowsY, a.sliceCount], voxels: slices.flatMap { $0.map(Float.init) },
                      spacing: spacing, affine: affine(subject))
    }

    /// Voxel → world (RAS mm). The short-axis plane is oblique: its normal (toward the apex) points to
    /// the patient's left, anterior and inferior, as in a real cardiac scan; in-plane, patient x (left)
    /// and y (anterior) are projected onto that plane. Slice 0 is the base.
    static func affine(_ s: PhantomSubject) -> Affine {
        func normalise(_ v: [Double]) -> [Double] { let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot(); return v.map { $0 / n } }
        func cross(_ a: [Double], _ b: [Double]) -> [Double] { [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]] }
        let apex = normalise([-0.6, 0.45, -0.65])             // RAS: left = −x, anterior = +y, inferior = −z
        let anteriorRaw = [0.0, 1.0, 0.0]
        let dot = apex[1]
        let anterior = normalise([anteriorRaw[0] - dot * apex[0], anteriorRaw[1] - dot * apex[1], anteriorRaw[2] - dot * apex[2]])
        let left = cross(anterior, apex)                      // completes a right-handed in-plane pair
        let a = s.acquisition
        // world = O + px·left + py·anterior + z·apex, with (px, py) = centre + axes·q.
        func world(_ px: Double, _ py: Double, _ z: Double) -> [Double] { (0..<3).map { px * left[$0] + py * anterior[$0] + z * apex[$0] } }
        let colI = world(a.axes.xx * a.pixel, a.axes.xy * a.pixel, 0)
        let colJ = world(a.axes.yx * a.pixel, a.axes.yy * a.pixel, 0)
        let colK = world(0, 0, a.sliceSpacing)
        let q0i = (0.5 - Double(a.columnsX) / 2) * a.pixel, q0j = (0.5 - Double(a.rowsY) / 2) * a.pixel
        let p0 = a.patient(q0i, q0j)
        let origin = world(p0.x, p0.y, a.firstSliceZ)
        return Affine([colI[0], colJ[0], colK[0], origin[0],
                       colI[1], colJ[1], colK[1], origin[1],
                       colI[2], colJ[2], colK[2], origin[2],
                       0, 0, 0, 1])
    }
}
