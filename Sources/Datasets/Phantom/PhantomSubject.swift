import Determinism
import Foundation

/// One sampled subject: heart, torso, acquisition and signal model, all drawn from the volume's own
/// Philox streams (purposes "anatomy", "thorax", "acquisition", "signal", "record").
struct PhantomSubject {
    var group: PathologyGroup
    var heart: HeartModel
    var thorax: ThoraxModel
    var acquisition: Acquisition
    var signal: SignalModel
    var targets: (lvEDV: Double, rvEDV: Double, maxWall: Double, lvMass: Double)
    var rotationDegrees: Double
    var flipped: Bool
    var snr: Double
    var bloodRatio: Double

    init(patient: Int, seed: UInt64, parameters p: PhantomParameters) {
        group = PathologyGroup.forPatient(patient)
        let v = p.shapeVariability
        var d = PhantomDraw(seed: seed, patient: patient, purpose: "anatomy")
        // Targets stay 4 % inside ACDC's ranges: calibration matches them to 2 %, so the rendered volumes
        // land inside the ranges too.
        let lvEDV = d.from(group.lvEDV, variability: v, margin: 0.04)
        let rvEDV = d.from(group.rvEDV, variability: v, margin: 0.04)
        let maxWall = d.from(group.maxWall, variability: v)
        heart = PhantomSubject.sampleHeart(group: group, lvEDV: lvEDV, rvEDV: rvEDV, maxWall: maxWall, variability: v, draw: &d)
        let lvMass = d.from(group.lvMass, variability: v, margin: 0.04)
        targets = (lvEDV, rvEDV, maxWall, lvMass)

        // The closed-form sizes miss what the slice stack records: the chest wall clips an RV pressed
        // against it, the aortic root covers labelled RV above the base, papillary muscles and the LVOT
        // gap change the LV, the stack may start below the RV's top (a 56 mL RV target once rendered as
        // 36 mL). So the labelled volumes are measured as the stack records them and the sizes corrected
        // until LV, myocardium and RV match their targets. The stack's z-layout depends on the LV's length
        // only, which calibration keeps, so one provisional acquisition serves every step; the torso makes
        // room for the heart, so it is redrawn with each step from its own stream.
        func torso(_ h: HeartModel) -> ThoraxModel {
            var t = PhantomDraw(seed: seed, patient: patient, purpose: "thorax")
            return PhantomSubject.sampleThorax(heart: h, variability: v, draw: &t)
        }
        var a0 = PhantomDraw(seed: seed, patient: patient, purpose: "acquisition")
        let stack = PhantomSubject.sampleAcquisition(heart: heart, thorax: torso(heart), parameters: p, draw: &a0).acquisition
        let target = LabelVolumes(rv: rvEDV, myo: lvMass / 1.05, lv: lvEDV)
        heart = PhantomSubject.calibrate(heart, to: target) { h in PhantomSubject.labelledVolumes(h, thorax: torso(h), stack: stack) }
        func place(_ h: HeartModel) -> (ThoraxModel, (acquisition: Acquisition, rotationDegrees: Double, flipped: Bool)) {
            let t = torso(h)
            var a = PhantomDraw(seed: seed, patient: patient, purpose: "acquisition")
            return (t, PhantomSubject.sampleAcquisition(heart: h, thorax: t, parameters: p, draw: &a))
        }
        // The grid above averages the slice profile where the renderer takes a plurality of sub-samples:
        // one last step from the labels exactly as rendered removes that difference.
        var (t, placed) = place(heart)
        let rendered = SubSampler.labelVolumes(heart: heart, thorax: t, acquisition: placed.acquisition,
                                              inPlane: p.inPlaneSupersampling, throughPlane: p.throughPlaneSupersampling)
        if let stepped = PhantomSubject.calibrationStep(heart, to: target, measured: rendered) {
            heart = stepped
            (t, placed) = place(heart)
        }
        thorax = t
        (acquisition, rotationDegrees, flipped) = placed

        var s = PhantomDraw(seed: seed, patient: patient, purpose: "signal")
        bloodRatio = s.uniform(p.bloodMyocardiumRatio)
        var signals = [Double](repeating: 0, count: Tissue.count)
        for tissue in Tissue.allCases {
            var value = tissue.nominalSignal * (tissue == .myocardium ? 1 : s.uniform(0.8, 1.2))   // field strength, flip angle
            if tissue == .blood { value = bloodRatio }
            if tissue.isConfounder { value *= p.confounderBrightness }
            signals[tissue.rawValue] = value * SignalModel.myocardiumSignal
        }
        snr = p.snrMean.map { min(p.snr.upperBound, max(p.snr.lowerBound, s.normal($0, p.snrSD))) } ?? s.logUniform(p.snr)
        let anteriorAngle = Double.pi / 2 + s.jitter(0.4)
        let bias = (anteriorX: cos(anteriorAngle), anteriorY: sin(anteriorAngle), strength: p.biasStrength * s.uniform(0.3, 0.6),
                    lateral: s.jitter(0.3), curvature: s.uniform(0, 0.5))
        let gain = s.logUniform(p.gain)
        // Artefacts (drawn after everything else, so the draws above keep their values).
        let bandDirection = s.uniform(0, 2 * Double.pi), bandCycles = s.uniform(0.5, 2.5) / 300   // 0.5–2.5 band pairs per 300 mm
        let banding = (phase0: s.uniform(0, 1), gx: bandCycles * cos(bandDirection), gy: bandCycles * sin(bandDirection),
                       lung: s.uniform(0.2, 0.6), depth: min(0.95, p.offResonanceBanding * s.uniform(p.bandingDepth)))
        let banded = s.chance(p.bandingShare)
        let ghost = (alongI: s.chance(0.5), amplitude: s.uniform(0, p.ghosting))
        signal = SignalModel(signal: signals, textureStrength: p.textureStrength, bias: bias,
                             heartCentre: thorax.heartCentre, noiseSD: SignalModel.myocardiumSignal / snr,
                             gain: gain, blurSigma: p.blurSigmaPixels,
                             inflow: p.inflowBrightening, gibbs: p.gibbsRinging, ghost: ghost,
                             banding: banded ? banding : (banding.phase0, banding.gx, banding.gy, banding.lung, 0))
    }

    /// The pixel grid, slice stack and array orientation. The stack runs from 0–1 slice above the base
    /// to at or beyond the apical cap; its z-layout depends on the LV only, never on the RV's scale.
    static func sampleAcquisition(heart: HeartModel, thorax: ThoraxModel, parameters p: PhantomParameters,
                                  draw a: inout PhantomDraw) -> (acquisition: Acquisition, rotationDegrees: Double, flipped: Bool) {
        let v = p.shapeVariability
        let pixel = a.uniform(p.inPlaneSpacingMM)
        func matrix() -> Int { min(p.matrixSize.upperBound, max(p.matrixSize.lowerBound, Int((a.uniform(p.fieldOfViewMM) / pixel).rounded()))) }
        let nx = matrix(), ny = matrix()
        let coverage = heart.epicardialLength + a.uniform(0, 12)
        var count = a.int(p.sliceCount)
        let spacing = min(p.sliceSpacingMM.upperBound, max(p.sliceSpacingMM.lowerBound, coverage / Double(count)))
        count = min(p.sliceCount.upperBound, max(p.sliceCount.lowerBound, Int((coverage / spacing).rounded(.up))))
        let thickness = spacing <= 8.5 ? spacing : (a.chance(0.5) ? 5 : 8)   // 5 mm slices with a gap, or 8 mm
        let above = a.uniform(-0.2, 0.8) * spacing
        var rotation = a.uniform(-p.orientationSpreadDegrees, p.orientationSpreadDegrees)
        if a.chance(p.quarterTurnShare) { rotation += a.chance(0.5) ? 90 : -90 }
        let flipped = a.chance(p.flipProbability)
        let g = rotation * Double.pi / 180, f = flipped ? -1.0 : 1.0
        let axes = (xx: cos(g) * f, xy: sin(g) * f, yx: -sin(g), yy: cos(g))
        // The FOV is centred near the heart, offset by up to ±15 % of the FOV while keeping it inside.
        let reach = heart.cavityRadius + heart.wall + 30
        func offset(_ fov: Double) -> Double {
            let limit = max(0, fov / 2 - reach)
            return min(limit, max(-limit, a.uniform(-0.15, 0.15) * fov * v))
        }
        let oi = offset(Double(nx) * pixel), oj = offset(Double(ny) * pixel)
        let centre = (x: thorax.heartCentre.x - (axes.xx * oi + axes.yx * oj), y: thorax.heartCentre.y - (axes.xy * oi + axes.yy * oj))
        let shifts = (0..<count).map { _ in (x: a.normal(0, p.sliceShiftMM), y: a.normal(0, p.sliceShiftMM)) }
        return (Acquisition(columnsX: nx, rowsY: ny, pixel: pixel, sliceSpacing: spacing, sliceThickness: thickness,
                            firstSliceZ: -above, sliceCount: count, centre: centre, axes: axes, shifts: shifts), rotation, flipped)
    }

    /// The heart whose labelled volumes (`measure`, mL) are within 2 % of `target`: damped fixed-point
    /// steps on the LV cavity radius (area ∝ radius²), the wall (myocardium ∝ wall) and the RV depth
    /// (between linear and quadratic), all three at once because each moves the others. At most 8 steps.
    static func calibrate(_ heart: HeartModel, to target: LabelVolumes, measure: (HeartModel) -> LabelVolumes) -> HeartModel {
        var h = heart
        for _ in 0..<8 {
            guard let next = calibrationStep(h, to: target, measured: measure(h)) else { break }
            h = next
        }
        return h
    }

    /// One step of `calibrate`; nil when every volume is within 2 % (or one is empty: nothing to scale).
    static func calibrationStep(_ heart: HeartModel, to target: LabelVolumes, measured m: LabelVolumes) -> HeartModel? {
        guard m.rv > 0, m.myo > 0, m.lv > 0 else { return nil }
        let ratios = (rv: target.rv / m.rv, myo: target.myo / m.myo, lv: target.lv / m.lv)
        guard [ratios.rv, ratios.myo, ratios.lv].contains(where: { abs($0 - 1) > 0.02 }) else { return nil }
        var h = heart
        h.cavityRadius *= pow(ratios.lv, 0.5)
        h.scaleWall(by: min(1.5, max(0.67, pow(ratios.myo, 0.8))))
        h.rvScale = min(3, max(0.1, h.rvScale * pow(ratios.rv, 0.75)))
        return h
    }

    /// Labelled volumes (mL) as a slice stack records them, ACDC's way (voxel count × voxel volume): per
    /// slice, each label's area averaged over `levels` planes across the slice thickness (as the
    /// renderer's through-plane sub-samples), times the slice spacing. Areas are counted on a `step`-mm
    /// grid of `ThoraxModel.sample`, which lets the torso's structures override the heart as rendering does.
    static func labelledVolumes(_ heart: HeartModel, thorax: ThoraxModel, stack: Acquisition, levels: Int = 3, step: Double = 2) -> LabelVolumes {
        let reach = heart.labelReach
        var perSlice = [[Int]](repeating: [0, 0, 0, 0], count: stack.sliceCount)
        perSlice.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let buffer = out
            Parallel.forEach(stack.sliceCount) { k in
                var hits = [0, 0, 0, 0]
                for m in 0..<levels {
                    let level = heart.level(stack.sliceZ(k) + stack.sliceThickness * ((Double(m) + 0.5) / Double(levels) - 0.5))
                    var x = thorax.heartCentre.x - reach
                    while x < thorax.heartCentre.x + reach {
                        var y = thorax.heartCentre.y - reach
                        while y < thorax.heartCentre.y + reach {
                            hits[Int(thorax.sample(x: x, y: y, heart: heart, level: level).1)] += 1
                            y += step
                        }
                        x += step
                    }
                }
                buffer[k] = hits
            }
        }
        return LabelVolumes(counts: (0..<4).map { l in perSlice.reduce(0) { $0 + $1[l] } },
                            countML: step * step * stack.sliceSpacing / Double(levels) / 1000)
    }

    static func sampleHeart(group: PathologyGroup, lvEDV: Double, rvEDV: Double, maxWall: Double,
                            variability v: Double, draw d: inout PhantomDraw) -> HeartModel {
        let length = 85 * pow(lvEDV / 130, 1.0 / 3) * (1 + d.jitter(0.08 * v))
        let p = d.uniform(2.2, 3.0)
        let wobble = (2...4).map { k in (c: d.normal(0, 0.035 * v / Double(k - 1)), s: d.normal(0, 0.035 * v / Double(k - 1))) }
        let energy = 1 + wobble.reduce(0) { $0 + ($1.c * $1.c + $1.s * $1.s) / 2 }
        let radius = (lvEDV * 1000 / (Double.pi * energy * length * p / (p + 1))).squareRoot()

        // Wall: base terms give the group's within-slice SD; HCM adds a septal bulge, MINF a thin sector.
        var bulge = (amplitude: 0.0, cosCentre: -1.0, sinCentre: 0.0, concentration: 3.0)
        var sd = group.wallSD * d.uniform(0.7, 1.0) * v
        if group == .hcm {
            let centre = Double.pi - d.uniform(-0.5, 0.9)
            bulge = (d.uniform(4, 8) * max(0.25, v), cos(centre), sin(centre), d.uniform(2, 5))
            sd = 1.0 * v
        }
        let wallTerms = (1...3).map { _ in (c: d.normal(0, sd / 3.0.squareRoot()), s: d.normal(0, sd / 3.0.squareRoot())) }
        let bulgeMean = (0..<360).reduce(0.0) { acc, i in
            let th = Double(i) * Double.pi / 180
            return acc + exp(bulge.concentration * (cos(th) * bulge.cosCentre + sin(th) * bulge.sinCentre - 1))
        } / 360 * bulge.amplitude
        let wall = max(group == .hcm ? 6 : 4.5, maxWall / 1.05 - bulgeMean)
        var thin: (cosCentre: Double, sinCentre: Double, cosHalfWidth: Double, zStart: Double, thickness: Double)?
        if group == .minf {
            let territory = [2.0, -Double.pi / 2, 0.1][d.int(0...2)] + d.jitter(0.3)   // LAD, RCA, LCx
            thin = (cos(territory), sin(territory), cos(d.uniform(30, 60) * Double.pi / 180),
                    length * d.uniform(0.2, 0.5), d.uniform(3.5, 5.5))
        }
        let lvot = 2.2 + d.jitter(0.3)
        let papillary = [d.uniform(0.3, 1.0), d.uniform(-1.9, -1.0)].map { angle in
            (cosA: cos(angle), sinA: sin(angle), radial: d.uniform(0.6, 0.72), radius: radius * d.uniform(0.16, 0.24),
             z0: length * d.uniform(0.15, 0.3), z1: length * d.uniform(0.7, 0.85))
        }
        let rvSkew = d.jitter(0.35)
        let rvTrabeculae = (0..<d.int(2...4)).map { _ in
            (along: d.uniform(0.55, 0.85), across: d.uniform(-0.5, 0.5), radius: d.uniform(1.5, 3))
        }
        let groove = d.uniform(0.9, 1.2)
        let aortaAngle = d.uniform(1.9, 2.6), paAngle = d.uniform(1.3, 1.8)
        var heart = HeartModel(
            cavityLength: length, profileExponent: p, cavityRadius: radius,
            axisRatio: 1 + d.uniform(0, 0.15) * min(1, v), axisAngle: d.uniform(0, Double.pi),
            wobble: wobble, wall: wall, wallTerms: wallTerms, bulge: bulge, thinSector: thin,
            apicalWall: wall * d.uniform(0.6, 0.9),
            lvotGap: (cos(lvot), sin(lvot), cos(d.uniform(25, 45) * Double.pi / 180), d.uniform(0, 8)),
            papillary: papillary,
            trabeculae: (depth: d.uniform(1, 2.5) * v, count: Double(d.int(14...26)), phase: d.uniform(0, 2 * Double.pi)),
            tilt: (d.jitter(0.08 * v), d.jitter(0.08 * v)),
            rvScale: 1, rvHalfSpan0: d.uniform(62, 85) * Double.pi / 180, rvSkew: (cos(rvSkew), sin(rvSkew)), rvLength: length * d.uniform(0.72, 0.88),
            rvLabelStart: d.uniform(-4, 3), rvWall: d.uniform(2, 4), rvTrabeculae: rvTrabeculae,
            epicardialFat: d.uniform(2, 7), grooveAngles: [(cos(Double.pi - groove), sin(Double.pi - groove)),
                                                             (cos(Double.pi + groove), sin(Double.pi + groove))],
            vessels: [
                .init(cosA: cos(aortaAngle), sinA: sin(aortaAngle), distance: radius * d.uniform(0.7, 0.9),
                      radius: min(20, max(10, d.normal(14.5, 2.3))), zEnd: d.uniform(-3, 0)),
                .init(cosA: cos(paAngle), sinA: sin(paAngle), distance: (radius + wall) * d.uniform(1.2, 1.5),
                      radius: min(15, max(8, d.normal(11.2, 1.3))), zEnd: d.uniform(-6, -2)),
            ])
        heart.rvScale = calibrateRV(heart, target: rvEDV)
        return heart
    }

    /// The RV scale whose labelled cavity volume matches `target` mL. The crescent at each level lies
    /// between the LV epicardium r_i(θ) and r_i(θ) + s·d(z)·g(Δ), so its area is
    /// ∫ (s·r_i·d·g + s²·d²g²/2) dθ: the volume is s·B1 + s²·B2 and s solves that quadratic, with the
    /// polar integral taken numerically (0.5° × 1 mm). Cheap enough to need no grid search; it ignores
    /// the few millimetres where the aortic root overlaps the labelled RV above the base.
    static func calibrateRV(_ heart: HeartModel, target: Double) -> Double {
        var h = heart
        h.rvScale = 1
        let (b1, b2) = rvVolumeTerms(h)
        guard b2 > 0 else { return 1 }
        let s = (-b1 + (b1 * b1 + 4 * b2 * target).squareRoot()) / (2 * b2)
        return min(3, max(0.1, s))
    }

    /// (B1, B2) in mL with the RV volume at scale s = s·B1 + s²·B2 (`heart.rvScale` must be 1).
    static func rvVolumeTerms(_ heart: HeartModel) -> (Double, Double) {
        let dz = 1.0, steps = 720
        let dTheta = 2 * Double.pi / Double(steps)
        var b1 = 0.0, b2 = 0.0
        var z = max(heart.rvLabelStart, HeartModel.atriumTop) + dz / 2
        while z < heart.rvLength {
            let lv = heart.level(z)
            if lv.rvDepth > 0 && lv.rvLabelled {
                for k in 0..<steps {
                    let theta = (Double(k) + 0.5) * dTheta
                    let c = cos(theta), s = sin(theta)
                    let cosDelta = -(c * heart.rvSkew.c + s * heart.rvSkew.s)
                    let delta = acos(min(1, max(-1, cosDelta)))
                    guard delta < lv.rvHalfSpan else { continue }
                    let g = pow(cos(Double.pi / 2 * delta / lv.rvHalfSpan), 0.6)
                    var inner = lv.epiMean
                    if z >= 0 && z < heart.epicardialLength {
                        let hm = HeartModel.harmonics(c, s)
                        inner = (heart.cavityRadius * heart.shape(c, s, hm) + heart.wallThickness(c, s, hm, z: z) * lv.wallFactor) * lv.epi
                    }
                    let d = lv.rvDepth * g
                    b1 += inner * d * dTheta * dz
                    b2 += d * d / 2 * dTheta * dz
                }
            }
            z += dz
        }
        return (b1 / 1000, b2 / 1000)
    }

    /// Labelled RV volume (mL) counted on a 2 mm × 3 mm grid of `sample`: the slow, independent check
    /// of `rvVolumeTerms` used by the tests.
    static func rvVolume(_ heart: HeartModel) -> Double {
        let step = 2.0, dz = 3.0
        let reach = (heart.cavityRadius + heart.wall) * (1.3 + heart.rvScale) + heart.rvWall
        var voxels = 0
        var z = max(heart.rvLabelStart, HeartModel.atriumTop) + dz / 2
        while z < heart.rvLength {
            let level = heart.level(z)
            var u = -reach
            while u < reach * 0.5 {
                var vv = -reach
                while vv < reach {
                    if case .inside(_, let label) = heart.sample(u: u + heart.tilt.u * z, v: vv + heart.tilt.v * z, level: level), label == 1 {
                        voxels += 1
                    }
                    vv += step
                }
                u += step
            }
            z += dz
        }
        return Double(voxels) * step * step * dz / 1000
    }

    static func sampleThorax(heart: HeartModel, variability v: Double, draw d: inout PhantomDraw) -> ThoraxModel {
        let oblique = d.uniform(1.0, 1.08)   // the oblique short-axis plane cuts a longer outline
        var halfWidth = d.uniform(118, 160) * oblique
        var halfDepth = halfWidth * d.uniform(0.6, 0.8) * oblique
        let fatAnterior = d.logUniform(4...35)
        let fatPosterior = fatAnterior * d.uniform(0.3, 0.7)
        let muscle = d.uniform(8, 15)
        let backMuscle = d.uniform(8, 25)
        let spineRadius = d.uniform(15, 20)
        let spineGap = 40 + d.uniform(0, 15)
        // The whole heart (LV, RV crescent, fat) must fit between the spine and the anterior chest wall:
        // a body too small for its heart is enlarged, as a real chest would be.
        let heartExtent = (heart.cavityRadius + heart.wall) * (1 + heart.rvScale * 0.8) + heart.rvWall + 6
        let needed = fatPosterior + spineGap + spineRadius + 2 * heartExtent + 26 + fatAnterior + muscle
        if needed > 2 * halfDepth {
            let grow = needed / (2 * halfDepth)
            halfDepth *= grow
            halfWidth *= grow
        }
        let spineY = -halfDepth + fatPosterior + spineGap
        let lo = spineY + spineRadius + heartExtent + 22
        let reach = (heart.cavityRadius + heart.wall) * (1 + heart.rvScale * 0.45) + heart.rvWall
        let hi = halfDepth - fatAnterior - muscle - reach - 3
        // The heart lies against the anterior chest wall (the RV behind the sternum).
        let heartY = lo + max(0, hi - lo) * d.uniform(0.6, 1.0)
        let lateralRoom = max(0, halfWidth - fatAnterior - muscle - heartExtent - 5)
        let heartX = min(lateralRoom, halfWidth * d.uniform(0.05, 0.2) * min(1, v + 0.2))
        let rvDirection = Double.pi - d.uniform(0.2, 0.7)
        let alpha = rvDirection - Double.pi
        var thorax = ThoraxModel(
            halfWidth: halfWidth, halfDepth: halfDepth,
            outlineWobble: (2...5).map { k in (c: d.normal(0, 0.035 / Double(k - 1)), s: d.normal(0, 0.035 / Double(k - 1))) },
            fatAnterior: fatAnterior, fatPosterior: fatPosterior,
            fatWobble: (1...4).map { k in (c: d.normal(0, 0.2 / Double(k)), s: d.normal(0, 0.2 / Double(k))) },
            muscle: muscle, backMuscle: backMuscle,
            ribs: [], arms: [],
            spine: (spineY, spineRadius),
            aorta: (d.uniform(20, 32), spineY + d.uniform(12, 22), min(14, max(8, d.normal(10.3, 1.5)))),
            heartCentre: (heartX, heartY),
            heartRotation: (cos(alpha), sin(alpha)),
            heartReach: reach,
            pericardialFat: d.uniform(2, 15),
            mediastinalMargin: d.uniform(3, 14),
            marginWobble: (0..<2).map { _ in (c: d.normal(0, 0.35), s: d.normal(0, 0.35)) },
            mediastinalFat: min(0.9, max(0.1, 0.2 + fatAnterior / 40 + d.jitter(0.15))),
            fatPattern: (d.normal(0, 0.12), d.normal(0, 0.12), d.uniform(0, 2 * Double.pi),
                         d.normal(0, 0.2), d.normal(0, 0.2), d.uniform(0, 2 * Double.pi)),
            vesselSeed: UInt64(d.int(0...Int(Int32.max))), vesselCell: d.uniform(8, 11),
            liver: (-halfWidth * d.uniform(0.25, 0.45), -halfDepth * d.uniform(0.1, 0.35), halfWidth * d.uniform(0.45, 0.65),
                    halfDepth * d.uniform(0.5, 0.7), heart.cavityLength * d.uniform(0.2, 0.7)),
            stomach: (halfWidth * d.uniform(0.3, 0.5), -halfDepth * d.uniform(0.0, 0.3), d.uniform(25, 45), d.uniform(20, 40),
                      heart.cavityLength * d.uniform(0.5, 0.9), d.uniform(-0.3, 0.5)))

        // Ribs: irregular spacing and size, cut obliquely by the short-axis plane, so each is an
        // ellipse along the chest wall (1.3–3.5× longer than thick); none over the spine. The sternum
        // is a flat bar in front.
        func wallPoint(_ angle: Double, inset: Double) -> (x: Double, y: Double, tc: Double, ts: Double) {
            let c = cos(angle), s = sin(angle)
            let rr = thorax.outline(c, s) - thorax.fatThickness(c, s) - inset
            return (rr * c, rr * s, -s, c)
        }
        let sternum = wallPoint(Double.pi / 2 + d.jitter(0.05), inset: muscle * d.uniform(0.3, 0.6))
        var ribs = [ThoraxModel.Rib(x: sternum.x, y: sternum.y, tc: sternum.tc, ts: sternum.ts,
                                    halfLength: d.uniform(8, 14), halfThickness: d.uniform(4, 6))]
        var angle = d.uniform(10, 30)
        while angle < 350 {
            if !(angle > 240 && angle < 300) && abs(angle - 90) > 14 {
                let thickness = d.uniform(3, 6.5)
                let p = wallPoint(angle * Double.pi / 180, inset: thorax.muscleThickness(sin(angle * Double.pi / 180)) * d.uniform(0.3, 0.9))
                let tilt = d.jitter(0.35)    // the rib's long axis is not exactly along the wall
                ribs.append(.init(x: p.x, y: p.y, tc: p.tc * cos(tilt) - p.ts * sin(tilt), ts: p.ts * cos(tilt) + p.tc * sin(tilt),
                                  halfLength: thickness * d.uniform(1.3, 3.5), halfThickness: thickness))
            }
            angle += d.uniform(14, 38)
        }
        thorax.ribs = ribs

        // Arms at the sides in about half the volumes (many ACDC scans show them at the FOV's edge).
        if d.chance(0.5) {
            thorax.arms = [-1.0, 1.0].map { side in
                let radius = d.uniform(38, 55) * (1 + fatAnterior / 80)
                let x = side * (halfWidth + d.uniform(-4, 20) + radius)
                let y = halfDepth * d.uniform(-0.35, 0.15)
                let boneAngle = d.uniform(0, 2 * Double.pi), boneOffset = radius * d.uniform(0, 0.3)
                return ThoraxModel.Arm(x: x, y: y, radius: radius, fat: d.uniform(4, 12) * (1 + fatAnterior / 30),
                                       bone: (x + boneOffset * cos(boneAngle), y + boneOffset * sin(boneAngle), d.uniform(10, 14)))
            }
        }
        return thorax
    }
}
