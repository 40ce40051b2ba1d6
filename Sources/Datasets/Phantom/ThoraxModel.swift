import Foundation

/// The torso around the heart in the short-axis plane, in patient millimetres: x toward the patient's
/// left, y anterior, origin at the body centre; z is the heart's long-axis coordinate (base → apex),
/// which decides where the liver and stomach appear under the diaphragm.
///
/// Layers from outside in (phantom-facts.md §5): air (and, in some volumes, the arms at the sides);
/// subcutaneous fat of irregular thickness (3–40 mm, thinner posteriorly); chest-wall muscle, thicker
/// behind (back muscles), holding ribs cut obliquely (elongated, irregularly spaced and sized, dark
/// cortex and grey marrow) and the sternum; inside the rib cage the mediastinum — soft tissue and fat
/// filling the space between the heart, the anterior chest wall and the spine, so no lung lies in
/// front of the heart — and lateral/posterior to it the two lungs (dark) with vessels as small soft
/// blobs that are larger and denser toward the hilum; a vertebral body (bright marrow) with the
/// spinal canal (CSF), spinous process and erector spinae; the descending aorta; at apical levels
/// the liver (patient right) and stomach (patient left, fluid below gas).
struct ThoraxModel: Sendable {
    struct Rib: Sendable {
        var x: Double, y: Double           // centre, patient mm
        var tc: Double, ts: Double         // unit tangent of the chest wall at the rib (long axis)
        var halfLength: Double, halfThickness: Double
    }

    struct Arm: Sendable {
        var x: Double, y: Double, radius: Double, fat: Double
        var bone: (x: Double, y: Double, radius: Double)
    }

    var halfWidth: Double, halfDepth: Double
    var outlineWobble: [(c: Double, s: Double)]      // k = 2…5 terms, relative
    var fatAnterior: Double, fatPosterior: Double
    var fatWobble: [(c: Double, s: Double)]          // k = 1…4 terms, relative
    var muscle: Double                               // anterior/lateral chest-wall muscle, mm
    var backMuscle: Double                           // extra thickness behind (latissimus, trapezius, erector)
    var ribs: [Rib]
    var arms: [Arm]
    var spine: (y: Double, radius: Double)
    var aorta: (x: Double, y: Double, radius: Double)
    var heartCentre: (x: Double, y: Double)
    var heartRotation: (c: Double, s: Double)        // patient → heart frame
    var heartReach: Double                           // mean radius of the heart incl. the RV, mm
    var pericardialFat: Double
    /// Lateral margin of mediastinal tissue beside the heart (mm) and its angular wobble (k = 2, 3).
    var mediastinalMargin: Double
    var marginWobble: [(c: Double, s: Double)]
    /// Fat share of mediastinal tissue (the rest is soft tissue: thymus remnant, vessels, oesophagus)
    /// and the phases of the pattern that decides which.
    var mediastinalFat: Double
    var fatPattern: (kx1: Double, ky1: Double, p1: Double, kx2: Double, ky2: Double, p2: Double)
    /// Lung vessels: seeds of the per-cell hash, cell size (mm) and density at the hilum / periphery.
    var vesselSeed: UInt64
    var vesselCell: Double
    var liver: (x: Double, y: Double, a: Double, b: Double, zStart: Double)
    var stomach: (x: Double, y: Double, a: Double, b: Double, zStart: Double, fluidLevel: Double)

    /// Heart-frame (u, v) of patient point (x, y).
    @inline(__always) func toHeart(_ x: Double, _ y: Double) -> (u: Double, v: Double) {
        let dx = x - heartCentre.x, dy = y - heartCentre.y
        return (dx * heartRotation.c + dy * heartRotation.s, dy * heartRotation.c - dx * heartRotation.s)
    }

    /// Body outline radius in direction (c, s).
    @inline(__always) func outline(_ c: Double, _ s: Double) -> Double {
        let base = 1 / ((c * c) / (halfWidth * halfWidth) + (s * s) / (halfDepth * halfDepth)).squareRoot()
        let c2 = c * c - s * s, s2 = 2 * s * c, c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s
        let c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2, c5 = c4 * c - s4 * s, s5 = s4 * c + c4 * s
        let w = outlineWobble
        return base * (1 + w[0].c * c2 + w[0].s * s2 + w[1].c * c3 + w[1].s * s3 + w[2].c * c4 + w[2].s * s4 + w[3].c * c5 + w[3].s * s5)
    }

    /// Subcutaneous fat thickness in direction (c, s): thick anteriorly and laterally, thin behind,
    /// with a low-order irregularity (fat is not a uniform layer).
    @inline(__always) func fatThickness(_ c: Double, _ s: Double) -> Double {
        let anterior = max(0, s)
        let profile = fatPosterior + (fatAnterior - fatPosterior) * (0.5 + 0.5 * s) * (0.6 + 0.4 * (1 - abs(s)) + 0.4 * anterior)
        let c2 = c * c - s * s, s2 = 2 * s * c, c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s, c4 = c2 * c2 - s2 * s2, s4 = 2 * s2 * c2
        let w = fatWobble
        return profile * max(0.3, 1 + w[0].c * c + w[0].s * s + w[1].c * c2 + w[1].s * s2 + w[2].c * c3 + w[2].s * s3 + w[3].c * c4 + w[3].s * s4)
    }

    @inline(__always) func muscleThickness(_ s: Double) -> Double { muscle + backMuscle * max(0, -s) * max(0, -s) }

    /// The tissue (and label) at patient point (x, y) on heart level `level`.
    func sample(x: Double, y: Double, heart: HeartModel, level: HeartModel.Level) -> (Tissue, UInt8) {
        let r = (x * x + y * y).squareRoot()
        let c = r > 1e-9 ? x / r : 0, s = r > 1e-9 ? y / r : 1
        let depth = outline(c, s) - r
        if depth < 0 { return (armTissue(x, y) ?? .air, 0) }
        let fat = fatThickness(c, s)
        if depth < fat { return (.fat, 0) }
        let wallDepth = depth - fat
        if wallDepth < muscleThickness(s) + 3 {
            for rib in ribs {
                let dx = x - rib.x, dy = y - rib.y
                let along = (dx * rib.tc + dy * rib.ts) / rib.halfLength, across = (dy * rib.tc - dx * rib.ts) / rib.halfThickness
                let q = along * along + across * across
                if q < 1 {
                    // Cortex ≈ 1.5 mm: the inner ellipse is shrunk by that much on each axis.
                    let ia = (dx * rib.tc + dy * rib.ts) / max(0.5, rib.halfLength - 1.5)
                    let ic = (dy * rib.tc - dx * rib.ts) / max(0.5, rib.halfThickness - 1.5)
                    return ia * ia + ic * ic < 1 ? (.marrow, 0) : (.cortex, 0)
                }
            }
            if wallDepth < muscleThickness(s) { return (.muscle, 0) }
        }

        // Spine: vertebral body, spinal canal behind it, paraspinal muscle around both.
        let dy = y - spine.y
        let vb = (x * x + dy * dy).squareRoot()
        if vb < spine.radius { return vb < spine.radius - 1.8 ? (.marrow, 0) : (.cortex, 0) }
        let canalY = spine.y - spine.radius - 9
        let canal = (x * x + (y - canalY) * (y - canalY)).squareRoot()
        if canal < 7 { return canal < 5.5 ? (.csf, 0) : (.cortex, 0) }
        // Spinous process behind the canal, erector spinae either side.
        let sp = (x * x) / 16 + ((y - canalY + 16) * (y - canalY + 16)) / 81
        if sp < 1 { return sp < 0.45 ? (.marrow, 0) : (.cortex, 0) }
        do {
            let ex = (abs(x) - (spine.radius + 10)) / (spine.radius + 6), ey = (y - (canalY - 4)) / 24
            if ex * ex + ey * ey < 1 { return (.muscle, 0) }
        }

        // Descending aorta.
        let da = ((x - aorta.x) * (x - aorta.x) + (y - aorta.y) * (y - aorta.y)).squareRoot()
        if da < aorta.radius { return da < aorta.radius - 2 ? (.blood, 0) : (.muscle, 0) }

        // The heart and its fat.
        let (u, v) = toHeart(x, y)
        var heartDistance = Double.infinity
        switch heart.sample(u: u, v: v, level: level) {
        case .inside(let tissue, let label): return (tissue, label)
        case .outside(let distance):
            // Pericardial fat: thick toward the anterior chest wall, thin behind.
            let ha = (y - heartCentre.y) / max(1, ((x - heartCentre.x) * (x - heartCentre.x) + (y - heartCentre.y) * (y - heartCentre.y)).squareRoot())
            if distance < pericardialFat * max(0.15, 0.5 + 0.5 * ha) { return (.fat, 0) }
            heartDistance = distance
        }

        // Liver and stomach below the diaphragm, growing toward the apex.
        let lg = min(1, max(0, (level.z - liver.zStart) / 35)).squareRoot()
        if lg > 0 {
            let lx = (x - liver.x) / (liver.a * lg), ly = (y - liver.y) / (liver.b * lg)
            if lx * lx + ly * ly < 1 { return (.liver, 0) }
        }
        let sg = min(1, max(0, (level.z - stomach.zStart) / 30)).squareRoot()
        if sg > 0 {
            let sx = (x - stomach.x) / (stomach.a * sg), sy = (y - stomach.y) / (stomach.b * sg)
            let q = sx * sx + sy * sy
            if q < 1 { return q > 0.8 ? (.muscle, 0) : (sy < stomach.fluidLevel ? (.stomachFluid, 0) : (.air, 0)) }
        }

        // Toward the apex the heart narrows and so does the mediastinum around it.
        let levelReach = heartReach * min(1, max(0.45, level.epiMean / max(1, heart.cavityRadius + heart.wall)))
        if inMediastinum(x, y, heartDistance: heartDistance, reach: levelReach) {
            // Soft-tissue lumps (vessels, nodes, oesophagus) in fat; fewer in front of the heart.
            let share = (1 - mediastinalFat) * (y > heartCentre.y ? 0.7 : 1.2)
            return (blob(x, y, seed: vesselSeed &+ 17, cell: 14, probability: share, radius: 5...13) ? .muscle : .fat, 0)
        }
        return (lungVessel(x, y, z: level.z) ? .lungVessel : .lung, 0)
    }

    /// Mediastinal tissue: a band of irregular width around the heart, everything between the heart
    /// and the anterior chest wall (no lung in front of the heart in most slices), and a posterior
    /// column from the heart to the spine (oesophagus, azygos, fat) that narrows to the vertebra.
    @inline(__always) func inMediastinum(_ x: Double, _ y: Double, heartDistance: Double, reach heartReach: Double) -> Bool {
        let dx = x - heartCentre.x, dy = y - heartCentre.y
        let rr = max(1e-9, (dx * dx + dy * dy).squareRoot())
        let c = dx / rr, s = dy / rr
        let c2 = c * c - s * s, s2 = 2 * s * c, c3 = c2 * c - s2 * s, s3 = s2 * c + c2 * s
        let margin = mediastinalMargin * max(0.2, 1 + marginWobble[0].c * c2 + marginWobble[0].s * s2 + marginWobble[1].c * c3 + marginWobble[1].s * s3)
        if heartDistance < margin { return true }
        if y > heartCentre.y - 0.3 * heartReach {
            // In front: a column as wide as the heart, drifting toward the sternum, so the heart meets
            // the chest wall through fat and soft tissue only.
            let t = min(1, max(0, (y - heartCentre.y) / max(1, halfDepth - heartCentre.y)))
            let half = heartReach * (0.95 - 0.3 * t + 0.12 * sin(5 * t + fatPattern.p1)) + margin
            return abs(x - heartCentre.x * (1 - 0.7 * t) - 0.1 * heartReach * sin(4 * t + fatPattern.p2)) < half
        }
        if y > spine.y {
            let t = min(1, max(0, (heartCentre.y - y) / max(1, heartCentre.y - spine.y)))
            let centre = heartCentre.x * (1 - t) + aorta.x * 0.5 * t
            let half = heartReach * (0.7 + 0.1 * sin(6 * t + fatPattern.p2)) * (1 - t) + (spine.radius + 6) * t
            return abs(x - centre) < half
        }
        return false
    }

    /// Lung vessels: small soft blobs, larger and denser toward the hilum, sparse at the periphery;
    /// positions change every 6 mm of z, so neighbouring slices differ.
    @inline(__always) func lungVessel(_ x: Double, _ y: Double, z: Double) -> Bool {
        let hilum = ((x - heartCentre.x) * (x - heartCentre.x) + (y - heartCentre.y) * (y - heartCentre.y)).squareRoot() - heartReach
        let near = exp(-max(0, hilum) / 35)
        return blob(x, y, seed: vesselSeed ^ UInt64(bitPattern: Int64((z / 6).rounded(.down)) &* 83_492_791), cell: vesselCell,
                    probability: 0.1 + 0.5 * near, radius: 0.8...(1.2 + 3 * near))
    }

    /// Whether (x, y) falls in one of the hashed elliptical blobs: one candidate per `cell` square at a
    /// jittered position, present with `probability`, radius uniform in `radius`, elongation 1–2.5 at
    /// a random angle (an obliquely cut tube). Deterministic in `seed`; no stream draws.
    @inline(__always) func blob(_ x: Double, _ y: Double, seed: UInt64, cell: Double, probability: Double, radius: ClosedRange<Double>) -> Bool {
        let ix = Int((x / cell - 0.5).rounded(.down)), iy = Int((y / cell - 0.5).rounded(.down))
        for (ox, oy) in ThoraxModel.neighbourCells {
            var h = ThoraxModel.mix(seed ^ UInt64(bitPattern: Int64(ix + ox) &* 73_856_093 ^ Int64(iy + oy) &* 19_349_663))
            func next() -> Double { h = ThoraxModel.mix(h); return Double(h >> 11) / Double(1 << 53) }
            guard next() < probability else { continue }
            let cx = (Double(ix + ox) + next()) * cell, cy = (Double(iy + oy) + next()) * cell
            let r = radius.lowerBound + (radius.upperBound - radius.lowerBound) * next()
            let angle = next() * Double.pi, elongation = 1 + 1.5 * next()
            let ca = cos(angle), sa = sin(angle)
            let dx = x - cx, dy = y - cy
            let a = (dx * ca + dy * sa) / (r * elongation), b = (dy * ca - dx * sa) / r
            if a * a + b * b < 1 { return true }
        }
        return false
    }

    static let neighbourCells = [(0, 0), (1, 0), (0, 1), (1, 1)]

    /// SplitMix64's finaliser: a fixed, platform-independent integer hash.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An arm beside the torso: skin fat, muscle and the humerus (marrow in cortex).
    @inline(__always) func armTissue(_ x: Double, _ y: Double) -> Tissue? {
        for arm in arms {
            let dx = x - arm.x, dy = (y - arm.y) / 1.15
            let d = (dx * dx + dy * dy).squareRoot()
            guard d < arm.radius else { continue }
            if d > arm.radius - arm.fat { return .fat }
            let bx = x - arm.bone.x, by = y - arm.bone.y
            let b = (bx * bx + by * by).squareRoot()
            if b < arm.bone.radius { return b < arm.bone.radius - 2.5 ? .marrow : .cortex }
            return .muscle
        }
        return nil
    }
}
