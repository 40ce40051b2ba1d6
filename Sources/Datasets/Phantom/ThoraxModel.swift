import Foundation

/// The torso around the heart in the short-axis plane, in patient millimetres: x toward the patient's
/// left, y anterior, origin at the body centre; z is the heart's long-axis coordinate (base → apex),
/// which decides where the liver and stomach appear under the diaphragm.
///
/// Layers from outside in (phantom-facts.md §5): air; subcutaneous fat (3–40 mm, thinner posteriorly);
/// chest-wall and paraspinal muscle with rib cross-sections (dark cortex, grey marrow) and the sternum;
/// inside the rib cage the lungs (dark), a vertebral body (bright marrow) with the spinal canal (CSF),
/// the descending aorta (bright, left-anterolateral of the spine), mediastinal soft tissue between the
/// heart and the spine, pericardial fat in front of the heart, and at apical levels the liver (patient
/// right) and stomach (patient left, fluid below gas).
struct ThoraxModel: Sendable {
    var halfWidth: Double, halfDepth: Double
    var outlineWobble: [(c: Double, s: Double)]      // k = 2, 3 terms, relative
    var fatAnterior: Double, fatPosterior: Double
    var muscle: Double
    var ribs: [(c: Double, s: Double)]               // directions from the body centre
    var ribRadius: Double
    var spine: (y: Double, radius: Double)
    var aorta: (x: Double, y: Double, radius: Double)
    var heartCentre: (x: Double, y: Double)
    var heartRotation: (c: Double, s: Double)        // patient → heart frame
    var pericardialFat: Double
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
        return base * (1 + outlineWobble[0].c * c2 + outlineWobble[0].s * s2 + outlineWobble[1].c * c3 + outlineWobble[1].s * s3)
    }

    /// The tissue (and label) at patient point (x, y) on heart level `level`.
    func sample(x: Double, y: Double, heart: HeartModel, level: HeartModel.Level) -> (Tissue, UInt8) {
        let r = (x * x + y * y).squareRoot()
        let c = r > 1e-9 ? x / r : 0, s = r > 1e-9 ? y / r : 1
        let depth = outline(c, s) - r
        if depth < 0 { return (.air, 0) }
        let anterior = max(0, s)
        let fat = fatPosterior + (fatAnterior - fatPosterior) * (0.5 + 0.5 * s) * (0.6 + 0.4 * (1 - abs(s)) + 0.4 * anterior)
        if depth < fat { return (.fat, 0) }
        let wallDepth = depth - fat
        if wallDepth < muscle {
            // Ribs sit in the chest-wall muscle; the sternum is the anterior one.
            let mid = r + wallDepth - muscle / 2
            for rib in ribs {
                let du = x - mid * rib.c, dv = y - mid * rib.s
                let d2 = du * du + dv * dv
                if d2 < ribRadius * ribRadius {
                    return d2 < (ribRadius - 1.5) * (ribRadius - 1.5) ? (.marrow, 0) : (.cortex, 0)
                }
            }
            return (.muscle, 0)
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
        switch heart.sample(u: u, v: v, level: level) {
        case .inside(let tissue, let label): return (tissue, label)
        case .outside(let distance):
            // Pericardial fat: thick toward the anterior chest wall, thin behind.
            let ha = (y - heartCentre.y) / max(1, ((x - heartCentre.x) * (x - heartCentre.x) + (y - heartCentre.y) * (y - heartCentre.y)).squareRoot())
            if distance < pericardialFat * max(0.15, 0.5 + 0.5 * ha) { return (.fat, 0) }
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

        // Mediastinum between the heart and the spine (oesophagus, azygos, connective tissue).
        let mx = x - (heartCentre.x * 0.35 - 4), my = y - (heartCentre.y + spine.y) / 2
        let mb = max(10, (heartCentre.y - spine.y) / 2)
        if (mx * mx) / (22 * 22) + (my * my) / (mb * mb) < 1 { return (.muscle, 0) }
        return (.lung, 0)
    }
}
