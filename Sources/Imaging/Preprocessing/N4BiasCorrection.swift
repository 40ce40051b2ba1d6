import Foundation

/// N4 bias-field correction (Tustison et al., IEEE TMI 2010) following ITK's
/// `N4BiasFieldCorrectionImageFilter`, which the original ran through SimpleITK with no mask, a
/// convergence threshold of 0.001 and 4 levels × 50 iterations (method-spec §1.1 step 1, §11).
///
/// Per iteration: sharpen the current log image's histogram (`HistogramSharpening`), take the residual
/// (log image − sharpened), fit it with a cubic B-spline on the current control mesh
/// (`BSplineLattice.fit`), add that to the running control lattice and rebuild the log field. A level
/// stops after `maximumIterations[level]` iterations or when the coefficient of variation of
/// exp(old field − new field) over the included voxels falls to `convergenceThreshold`. Between levels the
/// mesh is refined (spans doubled: 4 → 5 → 7 → 11 control points per axis by default).
///
/// Included voxels (`mask`): ITK's default is every voxel. Its log step only logs values > 0; values ≤ 0
/// stay as they are and enter the fit as if they were log-intensities (an exactly-zero background acts as
/// log 1 = 0, which pulls the field towards it). `.none` reproduces that faithfully; `.positive` (voxels > 0)
/// or `.otsu` avoid it. The corrected image is input / exp(field) everywhere, masked or not.
///
/// Differences from ITK, all small: the fields are computed in double (ITK: float), but the convergence
/// measure that decides when a level stops is computed with ITK's float storage, so the iteration
/// counts are ITK's; a flat image is returned unchanged.
public struct N4BiasCorrection: Sendable, Equatable {
    public enum Mask: Sendable, Equatable {
        /// Every voxel (ITK/SimpleITK without a mask image; values ≤ 0 are fitted unlogged).
        case none
        /// Voxels with value > 0.
        case positive
        /// Voxels above Otsu's threshold (200-bin histogram over [min, max]).
        case otsu
        /// An explicit mask `[X, Y, Z]`.
        case voxels([Bool])
    }

    public var maximumIterations: [Int] = [50, 50, 50, 50]
    public var convergenceThreshold: Double = 0.001
    /// Control points per axis at the first level (spline order 3, so 4 = one span).
    public var initialControlPoints: [Int] = [4, 4, 4]
    public var sharpening = HistogramSharpening()
    public var mask: Mask = .none

    public init(maximumIterations: [Int] = [50, 50, 50, 50], convergenceThreshold: Double = 0.001,
                initialControlPoints: [Int] = [4, 4, 4], sharpening: HistogramSharpening = HistogramSharpening(),
                mask: Mask = .none) {
        precondition(!maximumIterations.isEmpty && initialControlPoints.count == 3 && initialControlPoints.allSatisfy { $0 >= 4 },
                     "N4BiasCorrection: need at least one level and ≥ 4 control points per axis")
        self.maximumIterations = maximumIterations
        self.convergenceThreshold = convergenceThreshold
        self.initialControlPoints = initialControlPoints
        self.sharpening = sharpening
        self.mask = mask
    }

    public struct Result: Sendable {
        /// input / exp(logBiasField), float32 as SimpleITK returns for a float32 input.
        public var corrected: Volume
        /// The estimated log bias field `[X, Y, Z]`.
        public var logBiasField: [Double]
        /// Iterations run per level and the last convergence value of each level.
        public var iterations: [Int]
        public var convergence: [Double]
        /// Which voxels were fitted.
        public var included: [Bool]
    }

    public func callAsFunction(_ volume: Volume, source: String) throws -> Result {
        let count = volume.voxels.count
        guard volume.voxels.allSatisfy({ $0.isFinite }) else { throw PreprocessingError.nonFiniteIntensity(source: source) }
        let included: [Bool]
        switch mask {
        case .none: included = [Bool](repeating: true, count: count)
        case .positive: included = volume.voxels.map { $0 > 0 }
        case .otsu:
            let t = Self.otsuThreshold(volume.voxels, bins: 200)
            included = volume.voxels.map { $0 > t }
        case .voxels(let m):
            guard m.count == count else {
                throw PreprocessingError.shapeMismatch(source: source, image: volume.shape, label: [m.count])
            }
            included = m
        }
        let weights = included.map { $0 ? 1.0 : 0.0 }

        var logInput = volume.voxels.map(Double.init)
        for i in 0..<count where included[i] && logInput[i] > 0 { logInput[i] = log(logInput[i]) }

        var field = [Double](repeating: 0, count: count)
        var lattice: BSplineLattice?
        var spans = initialControlPoints.map { $0 - 3 }
        var iterationsRun = [Int](), convergenceReached = [Double]()
        for level in maximumIterations.indices {
            var convergence = Double.greatestFiniteMagnitude
            var iteration = 0
            // ITK compares in float (RealType): the threshold is float too.
            while iteration < maximumIterations[level] && Float(convergence) > Float(convergenceThreshold) {
                iteration += 1
                var uncorrected = logInput
                for i in 0..<count { uncorrected[i] -= field[i] }
                let sharpened = sharpening.sharpen(uncorrected, included: included)
                var residual = [Double](repeating: 0, count: count)
                for i in 0..<count where included[i] { residual[i] = uncorrected[i] - sharpened[i] }
                let update = BSplineLattice.fit(values: residual, weights: weights, shape: volume.shape, spans: spans)
                if var l = lattice {
                    for k in l.coefficients.indices { l.coefficients[k] += update.coefficients[k] }
                    lattice = l
                } else {
                    lattice = update
                }
                let newField = lattice!.evaluate(onGrid: volume.shape)
                convergence = Self.coefficientOfVariation(old: field, new: newField, included: included)
                field = newField
            }
            iterationsRun.append(iteration)
            convergenceReached.append(convergence)
            if level < maximumIterations.count - 1, let l = lattice {
                lattice = l.refined()
                spans = spans.map { 2 * $0 }
            }
        }

        var corrected = volume
        for i in 0..<count { corrected.voxels[i] = Float(Double(volume.voxels[i]) / exp(field[i])) }
        return Result(corrected: corrected, logBiasField: field, iterations: iterationsRun,
                      convergence: convergenceReached, included: included)
    }

    /// Coefficient of variation (sample standard deviation / mean) of exp(old − new) over the included
    /// voxels, computed as ITK's `CalculateConvergenceMeasurement` computes it: the two log fields are
    /// float images, their difference and its exp are float, and `mu`, `sigma` and `N` are float
    /// (`RealType`) updated by expressions whose double literals promote each step to double before it
    /// is stored back as float. The stopping test near the 0.001 threshold is decided by those
    /// roundings: in double, a level can stop an iteration earlier or later than ITK, and the fields then
    /// differ by up to 0.017 (issue 15 item 5). Returns the float value, widened.
    static func coefficientOfVariation(old: [Double], new: [Double], included: [Bool]) -> Double {
        var mu: Float = 0, sigma: Float = 0, n: Float = 0
        for i in old.indices where included[i] {
            let pixel: Float = Foundation.exp(Float(old[i]) - Float(new[i]))
            n = Float(Double(n) + 1.0)
            if n > 1 {
                // sigma = sigma + sqr(pixel - mu) * (N - 1.0) / N
                let deviation = pixel - mu
                sigma = Float(Double(sigma) + Double(deviation * deviation) * (Double(n) - 1.0) / Double(n))
            }
            // mu = mu * (1.0 - 1.0 / N) + pixel / N
            mu = Float(Double(mu) * (1.0 - 1.0 / Double(n)) + Double(pixel / n))
        }
        guard n > 1 else { return 0 }
        sigma = Float((Double(sigma) / (Double(n) - 1.0)).squareRoot())
        return Double(sigma / mu)
    }

    /// Otsu's threshold: the bin edge maximising the between-class variance of a `bins`-bin histogram
    /// over [min, max]; values above it are foreground.
    public static func otsuThreshold(_ values: [Float], bins: Int) -> Float {
        guard let low = values.min(), let high = values.max(), high > low else { return values.first ?? 0 }
        let width = (Double(high) - Double(low)) / Double(bins)
        var histogram = [Double](repeating: 0, count: bins)
        for v in values { histogram[min(bins - 1, Int((Double(v) - Double(low)) / width))] += 1 }
        let total = Double(values.count)
        let centres = (0..<bins).map { Double(low) + (Double($0) + 0.5) * width }
        let sumAll = zip(histogram, centres).reduce(0.0) { $0 + $1.0 * $1.1 }
        var weightBelow = 0.0, sumBelow = 0.0, best = -1.0, bestBin = 0
        for b in 0..<(bins - 1) {
            weightBelow += histogram[b]
            sumBelow += histogram[b] * centres[b]
            let weightAbove = total - weightBelow
            guard weightBelow > 0, weightAbove > 0 else { continue }
            let meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best { best = between; bestBin = b }
        }
        return Float(Double(low) + Double(bestBin + 1) * width)
    }
}
