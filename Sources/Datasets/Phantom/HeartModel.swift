import Foundation

/// The heart in its own frame: millimetres (u, v) in the short-axis plane around the LV long axis,
/// z along that axis from the mitral (base) plane, positive toward the apex. The septum and RV lie
/// toward −u (θ = π); +v is roughly anterior. Angles are evaluated through cos/sin of the position
/// (no atan2 on the hot path).
///
/// Anatomy (phantom-facts.md §2–3): an LV cavity whose radius follows (1 − (z/L)^p)^½ from base to
/// apex; a myocardial ring with angular thickness variation (HCM septal bulge, MINF thin sector),
/// thinning toward the apex and closed by an apical cap; two papillary muscles and endocardial
/// trabeculae (myocardium-grey but labelled LV cavity, the ACDC rule); an open "C" at the base where
/// the LVOT is; an RV crescent (ellipse minus the LV) whose thin free wall is unlabelled; above the
/// base the atria, aortic root and pulmonary trunk as bright unlabelled blood; epicardial fat in the
/// grooves and a thin dark pericardium.
struct HeartModel: Sendable {
    /// What a point of space is, as seen from the heart.
    enum Sample {
        case inside(Tissue, label: UInt8)
        /// Outside the pericardium; `distance` (mm, approximate) from the pericardium.
        case outside(distance: Double)
    }

    // LV
    var cavityLength: Double          // L: base plane to the endocardial apex, mm
    var profileExponent: Double       // p in (1 − t^p)^½; larger = more cylindrical
    var cavityRadius: Double          // a: mean endocardial radius at the base, mm
    var axisRatio: Double             // ellipticity of the cavity (1–1.15)
    var axisAngle: Double
    var wobble: [(c: Double, s: Double)]   // k = 2, 3, 4 Fourier terms of the endocardium
    var wall: Double                  // w0: mid-ventricular mean wall, mm
    var wallTerms: [(c: Double, s: Double)]  // k = 1, 2, 3 terms of the wall (mm)
    var bulge: (amplitude: Double, cosCentre: Double, sinCentre: Double, concentration: Double)
    var thinSector: (cosCentre: Double, sinCentre: Double, cosHalfWidth: Double, zStart: Double, thickness: Double)?
    var apicalWall: Double            // cap thickness beyond the endocardial apex, mm
    var lvotGap: (cosCentre: Double, sinCentre: Double, cosHalfWidth: Double, zEnd: Double)
    var papillary: [(cosA: Double, sinA: Double, radial: Double, radius: Double, z0: Double, z1: Double)]
    var trabeculae: (depth: Double, count: Double, phase: Double)
    var tilt: (u: Double, v: Double)  // LV axis drift, mm per mm of z

    // RV: a crescent on the septal side, between the LV epicardium and an outer curve that lies
    // depth·g(Δ) beyond it, g(Δ) = cos(π/2·Δ/halfSpan)^0.6 for |Δ| < halfSpan around θ = π + skew.
    var rvScale: Double               // depth at the base / (cavityRadius + wall); calibrated to the target RVEDV
    var rvHalfSpan0: Double           // radians at the base (insertion points at π + skew ± halfSpan)
    var rvSkew: (c: Double, s: Double)
    var rvLength: Double              // z where the RV ends (toward the apex)
    var rvLabelStart: Double          // z above which RV blood is RVOT/RA, not labelled
    var rvWall: Double
    var rvTrabeculae: [(along: Double, across: Double, radius: Double)]

    // Surroundings
    var epicardialFat: Double
    var grooveAngles: [(c: Double, s: Double)]
    /// Aortic root (up to just below the base plane) and pulmonary trunk (above it).
    var vessels: [Vessel]

    struct Vessel: Sendable {
        var cosA: Double, sinA: Double, distance: Double, radius: Double
        /// The vessel exists for z < zEnd.
        var zEnd: Double
    }

    static let atriumTop = -45.0

    var epicardialLength: Double { cavityLength + apicalWall }

    /// Scales the myocardial wall (mean, angular terms, HCM bulge; not the apical cap, so the stack's
    /// length stays) and, for a thin MINF sector, its thickness.
    mutating func scaleWall(by f: Double) {
        wall *= f
        wallTerms = wallTerms.map { (c: $0.c * f, s: $0.s * f) }
        bulge.amplitude *= f
        thinSector?.thickness *= f
    }

    /// A radius (mm, in the plane, around the heart's centre) beyond which no point carries a label:
    /// the widest RV crescent, its wall, and the axis drift over the whole stack.
    var labelReach: Double {
        (cavityRadius + wall) * (1.3 + rvScale) + rvWall + (abs(tilt.u) + abs(tilt.v)) * (epicardialLength - HeartModel.atriumTop) + 5
    }

    /// (1 − t^p)^½ for t in [0, 1]; 1 above the base, 0 beyond the end.
    @inline(__always) func profile(_ t: Double) -> Double {
        t <= 0 ? 1 : t >= 1 ? 0 : (1 - pow(t, profileExponent)).squareRoot()
    }

    /// Quantities that depend only on z, computed once per sub-slice.
    struct Level {
        var z: Double
        var endo: Double, epi: Double            // profile factors
        var wallFactor: Double
        var epiMean: Double                      // mean epicardial radius at this level
        var rvDepth: Double, rvHalfSpan: Double  // 0 depth when the RV is absent
        var rvLabelled: Bool
        var papillaryScale: [Double]
    }

    func level(_ z: Double) -> Level {
        let endo = z < 0 ? 0 : profile(z / cavityLength)
        let epi = z < 0 ? 0 : profile(z / epicardialLength)
        let t = min(1, max(0, z / cavityLength))
        let wallFactor = 1.05 - 0.3 * t * t            // base ≥ mid > apex (Kaw12 ordering)
        let epiMean = z < 0 ? cavityRadius + wall : (cavityRadius + wall * wallFactor) * epi
        var rvDepth = 0.0, rvHalfSpan = 0.0
        if z > HeartModel.atriumTop * 0.6 && z < rvLength {
            let tr = max(0, z) / rvLength
            let shrink = (1 - tr * tr).squareRoot()
            rvDepth = rvScale * (cavityRadius + wall) * shrink
            rvHalfSpan = rvHalfSpan0 * (0.7 + 0.3 * shrink)
        }
        let scales = papillary.map { pm -> Double in
            guard z > pm.z0 && z < pm.z1 else { return 0 }
            return sin(Double.pi * (z - pm.z0) / (pm.z1 - pm.z0)).squareRoot()
        }
        return Level(z: z, endo: endo, epi: epi, wallFactor: wallFactor, epiMean: epiMean,
                     rvDepth: rvDepth, rvHalfSpan: rvHalfSpan, rvLabelled: z >= rvLabelStart, papillaryScale: scales)
    }

    /// cos/sin of kθ for k = 1…4 from cos θ, sin θ.
    @inline(__always) static func harmonics(_ c: Double, _ s: Double) -> (c2: Double, s2: Double, c3: Double, s3: Double, c4: Double, s4: Double) {
        let c2 = c * c - s * s, s2 = 2 * s * c
        let c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s
        let c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2
        return (c2, s2, c3, s3, c4, s4)
    }

    /// Endocardial shape factor (mean 1) at angle θ.
    @inline(__always) func shape(_ c: Double, _ s: Double, _ h: (c2: Double, s2: Double, c3: Double, s3: Double, c4: Double, s4: Double)) -> Double {
        let ca = c * cos(axisAngle) + s * sin(axisAngle), sa = s * cos(axisAngle) - c * sin(axisAngle)
        let ellipse = 1 / (ca * ca / axisRatio + sa * sa * axisRatio).squareRoot()
        let w = 1 + wobble[0].c * h.c2 + wobble[0].s * h.s2 + wobble[1].c * h.c3 + wobble[1].s * h.s3
            + wobble[2].c * h.c4 + wobble[2].s * h.s4
        return ellipse * w
    }

    /// Wall thickness at angle θ (mm), before the level factor.
    @inline(__always) func wallThickness(_ c: Double, _ s: Double, _ h: (c2: Double, s2: Double, c3: Double, s3: Double, c4: Double, s4: Double), z: Double) -> Double {
        var w = wall + wallTerms[0].c * c + wallTerms[0].s * s + wallTerms[1].c * h.c2 + wallTerms[1].s * h.s2
            + wallTerms[2].c * h.c3 + wallTerms[2].s * h.s3
        if bulge.amplitude > 0 {
            let cosDelta = c * bulge.cosCentre + s * bulge.sinCentre
            w += bulge.amplitude * exp(bulge.concentration * (cosDelta - 1))
        }
        if let thin = thinSector, z >= thin.zStart {
            let cosDelta = c * thin.cosCentre + s * thin.sinCentre
            if cosDelta > thin.cosHalfWidth {
                // Smooth edge over the outer quarter of the sector.
                let edge = min(1, (cosDelta - thin.cosHalfWidth) / max(1e-6, (1 - thin.cosHalfWidth) * 0.4))
                w = w + (thin.thickness - w) * edge
            }
        }
        return max(2.5, w)
    }

    /// The tissue and label at heart-frame point (u, v) on level `lv`.
    func sample(u u0: Double, v v0: Double, level lv: Level) -> Sample {
        let z = lv.z
        let u = u0 - tilt.u * z, v = v0 - tilt.v * z
        let r = (u * u + v * v).squareRoot()
        let c = r > 1e-9 ? u / r : 1, s = r > 1e-9 ? v / r : 0
        let h = HeartModel.harmonics(c, s)
        var distance = Double.infinity
        var overRV = false

        // Great vessels above and at the base: bright blood, unlabelled.
        for vessel in vessels where z < vessel.zEnd && z > HeartModel.atriumTop {
            do {
                let du = u - vessel.distance * vessel.cosA, dv = v - vessel.distance * vessel.sinA
                let d = (du * du + dv * dv).squareRoot() - vessel.radius
                if d < -2.5 { return .inside(.blood, label: 0) }
                if d < 0 { return .inside(.muscle, label: 0) }   // vessel wall ≈ 2.8 mm
                distance = min(distance, d)
            }
        }

        // LV: cavity, myocardium, apical cap.
        var epiRadius = -Double.infinity
        if z >= 0 && z < epicardialLength {
            let sh = shape(c, s, h)
            let w = wallThickness(c, s, h, z: z) * lv.wallFactor
            let endo = cavityRadius * sh * lv.endo
            epiRadius = (cavityRadius * sh + w) * lv.epi
            if r < epiRadius {
                if r < endo {
                    for (i, pm) in papillary.enumerated() where lv.papillaryScale[i] > 0 {
                        let pu = u - pm.radial * endo * pm.cosA, pv = v - pm.radial * endo * pm.sinA
                        let pr = pm.radius * lv.papillaryScale[i]
                        if pu * pu + pv * pv < pr * pr { return .inside(.myocardium, label: 3) }
                    }
                    if r > endo - trabeculae.depth * lv.endo {
                        // Irregular: two incommensurate angular frequencies and a depth that varies around the ring.
                        let theta = atan2(s, c)
                        let reach = 0.5 + 0.5 * cos(3 * theta + 2 * trabeculae.phase)
                        let pattern = cos(trabeculae.count * theta + trabeculae.phase + 0.15 * z)
                            + 0.7 * cos((trabeculae.count * 1.618).rounded() * theta - 1.7 * trabeculae.phase - 0.1 * z)
                        if r > endo - trabeculae.depth * lv.endo * reach && pattern > 0.6 {
                            return .inside(.myocardium, label: 3)
                        }
                    }
                    return .inside(.blood, label: 3)
                }
                if z < lvotGap.zEnd && c * lvotGap.cosCentre + s * lvotGap.sinCentre > lvotGap.cosHalfWidth {
                    return .inside(.blood, label: 0)   // LVOT: ACDC does not close the ring across it
                }
                return .inside(.myocardium, label: 2)
            }
            distance = min(distance, r - epiRadius)
        } else if z < 0 && z > HeartModel.atriumTop {
            // Above the base: left atrium / LVOT blood pool with a thin wall, drifting posteriorly.
            let shift = min(1, -z / 20) * 0.35 * cavityRadius
            let du = u, dv = v + shift
            let ar = (du * du + dv * dv).squareRoot()
            let atrium = cavityRadius * 0.95
            if ar < atrium { return .inside(.blood, label: 0) }
            if ar < atrium + 2.5 { return .inside(.myocardium, label: 0) }
            distance = min(distance, ar - atrium - 2.5)
        }

        // RV: between the LV epicardium (or, above the base, the atrial outline) and the crescent's outer curve.
        if lv.rvDepth > 0 {
            let inner = epiRadius > 0 ? epiRadius : lv.epiMean
            if r < inner + lv.rvDepth + rvWall + 1 {
                let cosDelta = -(c * rvSkew.c + s * rvSkew.s)
                let delta = acos(min(1, max(-1, cosDelta)))
                if delta < lv.rvHalfSpan {
                    let g = pow(cos(Double.pi / 2 * delta / lv.rvHalfSpan), 0.6)
                    overRV = g > 0.3
                    let outer = inner + lv.rvDepth * g
                    if r >= inner {
                        if r < outer {
                            guard lv.rvLabelled else { return .inside(.blood, label: 0) }   // RVOT / RA
                            for t in rvTrabeculae {
                                // Trabeculae and moderator-band fragments near the free wall: labelled RV cavity.
                                let ta = t.across * lv.rvHalfSpan
                                let tr = inner + t.along * lv.rvDepth * pow(cos(Double.pi / 2 * t.across), 0.6)
                                let ca = -(rvSkew.c * cos(ta) - rvSkew.s * sin(ta)), sa = -(rvSkew.s * cos(ta) + rvSkew.c * sin(ta))
                                let du = u - tr * ca, dv = v - tr * sa
                                if du * du + dv * dv < t.radius * t.radius { return .inside(.myocardium, label: 1) }
                            }
                            return .inside(.blood, label: 1)
                        }
                        if r < outer + rvWall { return .inside(.myocardium, label: 0) }   // RV free wall: unlabelled
                    }
                    distance = min(distance, r - outer - rvWall)
                }
            }
        }

        // Epicardial fat (thicker in the AV and interventricular grooves), then the pericardium.
        guard distance.isFinite else { return .outside(distance: .infinity) }
        var groove = 0.0
        for g in grooveAngles { groove = max(groove, exp(6 * (c * g.c + s * g.s - 1))) }
        let avGroove = z < 12 ? 4 * (1 - max(0, z) / 12) : 0
        let fat = epicardialFat * (0.12 + groove + (overRV ? 0.5 : 0)) + avGroove
        if distance < fat { return .inside(.fat, label: 0) }
        if distance < fat + 1.2 { return .inside(.pericardium, label: 0) }
        return .outside(distance: distance - fat - 1.2)
    }
}
