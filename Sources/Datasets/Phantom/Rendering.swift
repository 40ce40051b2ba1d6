import Determinism
import Foundation

/// How a volume is acquired: the pixel grid, the slice stack and the array's orientation in the
/// patient. Image axis i (x, fastest in the NIfTI array) and j map to patient millimetres through
/// `axes` (a rotation, possibly mirrored).
struct Acquisition: Sendable {
    var columnsX: Int, rowsY: Int                // nx, ny
    var pixel: Double                            // in-plane spacing, mm
    var sliceSpacing: Double, sliceThickness: Double
    var firstSliceZ: Double                      // heart z of slice 0's centre (negative: above the base)
    var sliceCount: Int
    var centre: (x: Double, y: Double)           // patient position of the image centre
    var axes: (xx: Double, xy: Double, yx: Double, yy: Double)   // patient = centre + [xx yx; xy yy]·q
    var shifts: [(x: Double, y: Double)]         // per-slice breath-hold shift of the anatomy, mm

    func sliceZ(_ k: Int) -> Double { firstSliceZ + Double(k) * sliceSpacing }

    /// Patient position of image-plane offset (qi, qj) mm from the image centre.
    @inline(__always) func patient(_ qi: Double, _ qj: Double) -> (x: Double, y: Double) {
        (centre.x + axes.xx * qi + axes.yx * qj, centre.y + axes.xy * qi + axes.yy * qj)
    }
}

/// Per-volume signal model: tissue signals (myocardium ≈ 30 before gain), texture, the smooth
/// coil-sensitivity field, complex noise and the scanner gain.
struct SignalModel: Sendable {
    var signal: [Double]              // by Tissue.rawValue
    var textureStrength: Double
    var bias: (anteriorX: Double, anteriorY: Double, strength: Double, lateral: Double, curvature: Double)
    var heartCentre: (x: Double, y: Double)
    var noiseSD: Double
    var gain: Double
    var blurSigma: Double
    var inflow: Double
    var gibbs: Double
    /// Ghost copy half a FOV along the phase-encode axis (image i if `alongI`, else j).
    var ghost: (alongI: Bool, amplitude: Double)
    /// Off-resonance in cycles of 1/TR: phase0 + gx·x + gy·y (patient mm) + lung·(lung share nearby);
    /// dark bands where it is near ½ (mod 1).
    var banding: (phase0: Double, gx: Double, gy: Double, lung: Double, depth: Double)

    static let myocardiumSignal = 30.0

    /// Multiplicative receive field at a patient point: log-linear toward the anterior coil with a
    /// little lateral tilt and curvature, 1 at the heart's centre.
    @inline(__always) func biasField(_ x: Double, _ y: Double) -> Double {
        let dx = (x - heartCentre.x) / 150, dy = (y - heartCentre.y) / 150
        let along = dx * bias.anteriorX + dy * bias.anteriorY
        let across = dy * bias.anteriorX - dx * bias.anteriorY
        return exp(bias.strength * (along + bias.lateral * across - bias.curvature * (dx * dx + dy * dy)))
    }
}

/// One rendered slice, arrays x-fastest `[Y, X]` like a NIfTI slice.
struct RenderedSlice {
    var intensity: [Float]
    var labels: [UInt8]
    var dominantTissue: [UInt8]
    var purity: [Float]
}

/// Renders slices: supersampled tissue fractions (partial volume in plane and through the slice
/// profile), the label by plurality over the same sub-samples (what a contour drawn on the image
/// follows), texture, bias, blur, Rician noise, gain and int16 quantisation.
struct SliceRenderer {
    let heart: HeartModel
    let thorax: ThoraxModel
    let acquisition: Acquisition
    let signal: SignalModel
    let inPlane: Int
    let throughPlane: Int

    func render(slice k: Int, seed: UInt64, patient: Int) -> RenderedSlice {
        let a = acquisition
        let (nx, ny) = (a.columnsX, a.rowsY)
        let n = nx * ny
        let sub = SubSampler(self, slice: k)
        let kk = inPlane
        var magnitude = [Double](repeating: 0, count: n)
        var labels = [UInt8](repeating: 0, count: n)
        var dominant = [UInt8](repeating: 0, count: n)
        var purity = [Float](repeating: 1, count: n)

        var textureDraw = PhantomDraw(seed: seed, patient: patient, purpose: "texture/slice\(k)")
        let fine = SmoothField(width: nx, height: ny, cell: 3.5 / a.pixel, draw: &textureDraw)
        let coarse = SmoothField(width: nx, height: ny, cell: 14 / a.pixel, draw: &textureDraw)

        var lungShare = [Double](repeating: 0, count: n)
        let baseness = max(0, 1 - max(0, a.sliceZ(k)) / 25)
        var counts = [Int](repeating: 0, count: Tissue.count)
        var labelCounts = [Int](repeating: 0, count: 4)
        for j in 0..<ny {
            for i in 0..<nx {
                let idx = i + nx * j
                let (pure, probe) = sub.samples(i, j, counts: &counts, labelCounts: &labelCounts)
                // Inflow: unsaturated blood entering the basal slices is brighter, unevenly.
                let inflow = 1 + signal.inflow * baseness * max(0, 1 + 0.8 * coarse[i, j])
                let tex = 1 + signal.textureStrength * (0.55 * fine[i, j] + 0.85 * coarse[i, j])
                let texOdd = 1 + signal.textureStrength * (-0.55 * fine[i, j] + 0.85 * coarse[i, j])
                func tissueSignal(_ t: Tissue) -> Double {
                    let tx = t.rawValue % 2 == 0 ? tex : texOdd
                    let value = signal.signal[t.rawValue] * max(0, 1 + t.textureAmplitude * (tx - 1))
                    return t == .blood ? value * inflow : value
                }
                if pure {
                    if probe.0 == .lung || probe.0 == .lungVessel { lungShare[idx] = 1 }
                    magnitude[idx] = tissueSignal(probe.0)
                    labels[idx] = probe.1
                    dominant[idx] = UInt8(probe.0.rawValue)
                    continue
                }
                let total = Double(kk * kk * throughPlane)
                lungShare[idx] = Double(counts[Tissue.lung.rawValue] + counts[Tissue.lungVessel.rawValue]) / total
                var value = 0.0
                for t in Tissue.allCases where counts[t.rawValue] > 0 {
                    value += Double(counts[t.rawValue]) / total * tissueSignal(t)
                }
                magnitude[idx] = value
                labels[idx] = SubSampler.plurality(labelCounts)
                var top = 0
                for t in 1..<Tissue.count where counts[t] > counts[top] { top = t }
                dominant[idx] = UInt8(top)
                purity[idx] = Float(Double(counts[top]) / total)
            }
        }

        // Off-resonance bands, coil sensitivity, then reconstruction (truncated-sinc ringing, blur),
        // motion ghosts, then complex noise on the result.
        let nearLung = SliceRenderer.gaussianBlur(lungShare, nx: nx, ny: ny, sigma: 6 / a.pixel)
        for j in 0..<ny {
            for i in 0..<nx {
                let p = a.patient((Double(i) + 0.5 - Double(nx) / 2) * a.pixel, (Double(j) + 0.5 - Double(ny) / 2) * a.pixel)
                let b = signal.banding
                let cycles = b.phase0 + b.gx * p.x + b.gy * p.y + b.lung * nearLung[i + nx * j]
                let d = abs(cycles - cycles.rounded(.down) - 0.5)
                let band = 1 - b.depth * exp(-(d * d) / (2 * 0.025 * 0.025))
                magnitude[i + nx * j] *= signal.biasField(p.x, p.y) * band
            }
        }
        if signal.gibbs > 0 { magnitude = SliceRenderer.ringing(magnitude, nx: nx, ny: ny, weight: signal.gibbs) }
        if signal.blurSigma > 0 { magnitude = SliceRenderer.gaussianBlur(magnitude, nx: nx, ny: ny, sigma: signal.blurSigma) }
        if signal.ghost.amplitude > 0 {
            let source = magnitude
            for j in 0..<ny {
                for i in 0..<nx {
                    let (gi, gj) = signal.ghost.alongI ? ((i + nx / 2) % nx, j) : (i, (j + ny / 2) % ny)
                    magnitude[i + nx * j] += signal.ghost.amplitude * source[gi + nx * gj]
                }
            }
        }
        var noise = PhantomDraw(seed: seed, patient: patient, purpose: "noise/slice\(k)")
        var intensity = [Float](repeating: 0, count: n)
        for idx in 0..<n {
            let re = magnitude[idx] + noise.normal(0, signal.noiseSD)
            let im = noise.normal(0, signal.noiseSD)
            let value = (re * re + im * im).squareRoot() * signal.gain
            intensity[idx] = Float(min(32767, value.rounded(.toNearestOrEven)))
        }
        return RenderedSlice(intensity: intensity, labels: labels, dominantTissue: dominant, purity: purity)
    }

    /// The label map of slice `k` alone, exactly as `render` labels it (tests compare the two).
    func labels(slice k: Int) -> [UInt8] { SubSampler(self, slice: k).labels() }

    /// Gibbs ringing: separable convolution with (1 − w)·δ + w·h, h a truncated sinc of cut-off 0.85
    /// Nyquist (±12 px, unit sum), i.e. what zeroing the outer 15 % of k-space does; x-fastest `[ny, nx]`.
    static func ringing(_ image: [Double], nx: Int, ny: Int, weight: Double) -> [Double] {
        let radius = 12, cut = 0.85
        var kernel = [Double](repeating: 1, count: 2 * radius + 1)
        for o in kernel.indices where o != radius {
            let x = Double.pi * cut * Double(o - radius)
            kernel[o] = sin(x) / x
        }
        let sum = kernel.reduce(0, +)
        for o in kernel.indices { kernel[o] = weight * kernel[o] / sum + (o == radius ? 1 - weight : 0) }
        return separable(image, nx: nx, ny: ny, kernel: kernel)
    }

    /// Separable convolution with edge clamping; x-fastest `[ny, nx]`, kernel of odd length.
    /// (Raw buffers: this runs on every slice and dominates debug-build test time otherwise.)
    static func separable(_ image: [Double], nx: Int, ny: Int, kernel: [Double]) -> [Double] {
        let radius = kernel.count / 2, taps = kernel.count
        var tmp = [Double](repeating: 0, count: image.count)
        var out = [Double](repeating: 0, count: image.count)
        kernel.withUnsafeBufferPointer { k in
            image.withUnsafeBufferPointer { src in
                tmp.withUnsafeMutableBufferPointer { t in
                    for j in 0..<ny {
                        let row = nx * j
                        for i in 0..<nx {
                            var acc = 0.0
                            var o = 0
                            while o < taps { acc += k[o] * src[row + min(nx - 1, max(0, i + o - radius))]; o += 1 }
                            t[row + i] = acc
                        }
                    }
                }
            }
            tmp.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { dst in
                    for j in 0..<ny {
                        for i in 0..<nx {
                            var acc = 0.0
                            var o = 0
                            while o < taps { acc += k[o] * t[i + nx * min(ny - 1, max(0, j + o - radius))]; o += 1 }
                            dst[i + nx * j] = acc
                        }
                    }
                }
            }
        }
        return out
    }

    /// Separable Gaussian blur with edge clamping; x-fastest `[ny, nx]`.
    static func gaussianBlur(_ image: [Double], nx: Int, ny: Int, sigma: Double) -> [Double] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let sum = kernel.reduce(0, +)
        kernel = kernel.map { $0 / sum }
        return separable(image, nx: nx, ny: ny, kernel: kernel)
    }
}

/// The sub-samples of one slice's pixels: in-plane × through-plane (partial volume), shared by the
/// renderer and the label-only pass so both label every pixel the same way.
struct SubSampler {
    let heart: HeartModel
    let thorax: ThoraxModel
    let acquisition: Acquisition
    let inPlane: Int
    let throughPlane: Int
    let levels: [HeartModel.Level]
    let shift: (x: Double, y: Double)
    /// The distinct corner sub-samples and end levels that settle a pure pixel (with one in-plane
    /// sub-sample the four corners are one point; with one level the ends are one level).
    let cornerProbes: [(Int, Int, Int)]

    init(_ r: SliceRenderer, slice k: Int) {
        self.init(heart: r.heart, thorax: r.thorax, acquisition: r.acquisition, inPlane: r.inPlane, throughPlane: r.throughPlane, slice: k)
    }

    init(heart: HeartModel, thorax: ThoraxModel, acquisition a: Acquisition, inPlane kk: Int, throughPlane: Int, slice k: Int) {
        self.heart = heart
        self.thorax = thorax
        acquisition = a
        inPlane = kk
        self.throughPlane = throughPlane
        levels = (0..<throughPlane).map { m in
            heart.level(a.sliceZ(k) + a.sliceThickness * ((Double(m) + 0.5) / Double(throughPlane) - 0.5))
        }
        shift = a.shifts[k]
        var probes: [(Int, Int, Int)] = []
        for m in Set([0, throughPlane - 1]).sorted() {
            for corner in [(0, 0), (kk - 1, 0), (0, kk - 1), (kk - 1, kk - 1)] where !probes.contains(where: { $0 == (corner.0, corner.1, m) }) {
                if (corner.0, corner.1, m) != (kk / 2, kk / 2, throughPlane / 2) { probes.append((corner.0, corner.1, m)) }
            }
        }
        cornerProbes = probes
    }

    @inline(__always) func at(_ i: Int, _ j: Int, _ si: Int, _ sj: Int, _ m: Int) -> (Tissue, UInt8) {
        let a = acquisition, kk = inPlane
        let qi = (Double(i) + (Double(si) + 0.5) / Double(kk) - Double(a.columnsX) / 2) * a.pixel
        let qj = (Double(j) + (Double(sj) + 0.5) / Double(kk) - Double(a.rowsY) / 2) * a.pixel
        let p = a.patient(qi, qj)
        return thorax.sample(x: p.x + shift.x, y: p.y + shift.y, heart: heart, level: levels[m])
    }

    /// Pixel (i, j): pure (the centre and corner probes agree; most pixels) with its tissue and label,
    /// or mixed, with every sub-sample counted into `counts` (by tissue) and `labelCounts`.
    @inline(__always) func samples(_ i: Int, _ j: Int, counts: inout [Int], labelCounts: inout [Int]) -> (pure: Bool, probe: (Tissue, UInt8)) {
        let kk = inPlane
        let probe = at(i, j, kk / 2, kk / 2, throughPlane / 2)
        var pure = true
        for (si, sj, m) in cornerProbes where at(i, j, si, sj, m) != probe {
            pure = false
            break
        }
        if pure { return (true, probe) }
        for t in counts.indices { counts[t] = 0 }
        for l in labelCounts.indices { labelCounts[l] = 0 }
        for m in 0..<throughPlane {
            for sj in 0..<kk {
                for si in 0..<kk {
                    let (t, l) = at(i, j, si, sj, m)
                    counts[t.rawValue] += 1
                    labelCounts[Int(l)] += 1
                }
            }
        }
        return (false, probe)
    }

    /// This slice's label map without the signal: only pixels within reach of the heart can carry a
    /// label, so only those are sampled.
    func labels() -> [UInt8] {
        let a = acquisition
        var labels = [UInt8](repeating: 0, count: a.columnsX * a.rowsY)
        var counts = [Int](repeating: 0, count: Tissue.count)
        var labelCounts = [Int](repeating: 0, count: 4)
        let reach = heart.labelReach + 2 * a.pixel
        for j in 0..<a.rowsY {
            for i in 0..<a.columnsX {
                let p = a.patient((Double(i) + 0.5 - Double(a.columnsX) / 2) * a.pixel, (Double(j) + 0.5 - Double(a.rowsY) / 2) * a.pixel)
                let dx = p.x + shift.x - thorax.heartCentre.x, dy = p.y + shift.y - thorax.heartCentre.y
                guard dx * dx + dy * dy <= reach * reach else { continue }
                let (pure, probe) = samples(i, j, counts: &counts, labelCounts: &labelCounts)
                labels[i + a.columnsX * j] = pure ? probe.1 : SubSampler.plurality(labelCounts)
            }
        }
        return labels
    }

    /// The labelled volumes of a whole stack exactly as rendered (mL), slices in parallel.
    static func labelVolumes(heart: HeartModel, thorax: ThoraxModel, acquisition a: Acquisition, inPlane: Int, throughPlane: Int) -> LabelVolumes {
        var counts = [[Int]](repeating: [0, 0, 0, 0], count: a.sliceCount)
        counts.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let buffer = out
            Parallel.forEach(a.sliceCount) { k in
                var c = [0, 0, 0, 0]
                for l in SubSampler(heart: heart, thorax: thorax, acquisition: a, inPlane: inPlane, throughPlane: throughPlane, slice: k).labels() {
                    c[Int(l)] += 1
                }
                buffer[k] = c
            }
        }
        return LabelVolumes(counts: (0..<4).map { l in counts.reduce(0) { $0 + $1[l] } }, countML: a.pixel * a.pixel * a.sliceSpacing / 1000)
    }

    /// The label with the most sub-samples (ties to the lower label).
    static func plurality(_ labelCounts: [Int]) -> UInt8 {
        var best = 0
        for l in 1..<labelCounts.count where labelCounts[l] > labelCounts[best] { best = l }
        return UInt8(best)
    }
}
