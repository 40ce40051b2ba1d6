/// Every knob of the synthetic cardiac phantom, with defaults drawn from ACDC (phantom-facts.md; the
/// README beside this file gives the source of each default and what real ACDC shows). Ranges are
/// sampled per volume; the scalar "difficulty" knobs scale how far a volume departs from the easy case.
/// Stored verbatim in `phantom.json`, so a dataset says how it was made.
public struct PhantomParameters: Codable, Sendable, Equatable {
    // MARK: Acquisition grid

    /// In-plane pixel size, mm (ACDC measured 0.70–1.92, mostly 1.37–1.68).
    public var inPlaneSpacingMM: ClosedRange<Double> = 1.2...1.9
    /// Field of view per in-plane axis, mm, drawn independently for x and y (ACDC ≈ 300–420: p001 is
    /// 400 × 338). The matrix is FOV / pixel, clipped to `matrixSize`.
    public var fieldOfViewMM: ClosedRange<Double> = 300...420
    /// Allowed matrix size per in-plane axis (ACDC 154–428 × 154–512); a fixed range fixes the matrix.
    public var matrixSize: ClosedRange<Int> = 150...512
    /// Slice spacing, mm (ACDC 5–10).
    public var sliceSpacingMM: ClosedRange<Double> = 5...10
    /// Slices from base to apex (ACDC 6–18); the stack always runs base (z index 0) → apex.
    public var sliceCount: ClosedRange<Int> = 8...14
    /// Sub-samples per pixel side (partial volume in plane).
    public var inPlaneSupersampling: Int = 3
    /// Sub-samples through the slice profile (partial volume through 5–10 mm slices).
    public var throughPlaneSupersampling: Int = 5

    // MARK: Difficulty knobs

    /// Myocardial SNR (mean myocardium signal / complex noise SD): normal(`snrMean`, `snrSD`) clipped to
    /// this range, or log-uniform over it when `snrMean` is nil. Conventional cine: 29 ± 7 [S]; the range
    /// is that ± 2 SD. The first phantom drew log-uniform 8…40 (`--snr 8...40 --snr-log-uniform`).
    public var snr: ClosedRange<Double> = 15...43
    public var snrMean: Double? = 29
    public var snrSD: Double = 7
    /// Multiplier of the smooth multiplicative bias field's log-amplitude (1: ~25 % peak-to-peak over the
    /// heart and ~2–3× over the field of view, brightest at the anterior coil; 0: no bias).
    public var biasStrength: Double = 1
    /// Blood / myocardium signal ratio, uniform (observed 3.5 ± 1.1 at ED).
    public var bloodMyocardiumRatio: ClosedRange<Double> = 2.4...4.6
    /// Multiplier of unlabelled bright structures (fat, marrow, liver, stomach fluid, CSF) relative to
    /// their realistic values. Great vessels and atria are blood and keep the blood signal.
    public var confounderBrightness: Double = 1
    /// Scales inter-subject shape variation: SD of heart size within a group, contour wobble,
    /// trabeculation, position offsets (0: every volume of a group has the group-mean heart).
    public var shapeVariability: Double = 1
    /// In-plane orientation of the array: uniform rotation in ±this many degrees about the standard view
    /// (anterior up, patient left at image right [S]). The spread itself is unsourced: 15° is a moderate
    /// planning tolerance [G]. The first phantom used 180 (any orientation).
    public var orientationSpreadDegrees: Double = 15
    /// Share of volumes turned by a quarter (±90°, sign drawn): ACDC's hearts are "vertical" in some
    /// patients and "horizontal" in others [S]; the share is a guess [G].
    public var quarterTurnShare: Double = 0.25
    /// Probability that the array is mirrored (transposed storage). Unsourced [G], so off by default;
    /// the first phantom used 0.5.
    public var flipProbability: Double = 0
    /// SD of the in-plane shift between slices, mm (separate breath-holds).
    public var sliceShiftMM: Double = 1.5
    /// Multiplier of the smooth tissue texture amplitudes (1: ±5–15 % inside tissues).
    public var textureStrength: Double = 1
    /// In-plane blur, Gaussian SD in pixels, applied to the complex signal before noise (reconstruction
    /// low-pass; MRXCAT uses a 1.2 px disk).
    public var blurSigmaPixels: Double = 0.5
    /// Blood brightening near the base (through-plane inflow of unsaturated blood), relative, fading
    /// over the first 25 mm below the base plane and patchy (coarse texture).
    public var inflowBrightening: Double = 0.2
    /// Gibbs ringing: weight of a truncated-sinc reconstruction kernel (k-space cut at 0.85 of the
    /// matrix's Nyquist) blended with the identity; ringing shows at bright blood and fat edges.
    public var gibbsRinging: Double = 0.5
    /// Largest ghost amplitude (share of the signal) copied half a FOV along the phase-encode axis
    /// (respiratory/cardiac motion); each volume draws its amplitude uniform in 0…this.
    public var ghosting: Double = 0.04
    /// Multiplier of off-resonance banding depth: dark bSSFP bands where the off-resonance phase
    /// crosses ±1/(2TR), from a smooth B0 field plus susceptibility near the lungs (0: none).
    public var offResonanceBanding: Double = 1
    /// Share of volumes with bands at all. Bands are worse at 3 T [S] and ACDC mixes 1.5 T and 3 T
    /// scanners [S] in unknown proportion: half is a guess [G]. The first phantom banded every volume.
    public var bandingShare: Double = 0.5
    /// Band depth (share of the signal removed at the band's centre), uniform, before the multiplier.
    /// Unsourced [G]: moderate by default; the first phantom used 0.4…0.85, deep enough to split the LV.
    public var bandingDepth: ClosedRange<Double> = 0.15...0.45
    /// Scanner gain, log-uniform: ACDC's per-volume maxima span 184–4025 (20-fold).
    public var gain: ClosedRange<Double> = 1...20

    // MARK: Files

    /// Share of volumes whose ED frame is not frame 01 (ACDC patient090: ED = 4): every
    /// round(1/share)-th patient, starting half a period in (share 0.05 → patients 010, 030, 050, …).
    public var nonFirstEDShare: Double = 0.05

    public init() {}

    /// Checks ranges a generator cannot work with; the message names the knob.
    public func validate() throws(PhantomParameterError) {
        func require(_ ok: Bool, _ message: String) throws(PhantomParameterError) {
            if !ok { throw PhantomParameterError(message) }
        }
        try require(inPlaneSpacingMM.lowerBound > 0, "inPlaneSpacingMM must be positive, got \(inPlaneSpacingMM)")
        try require(fieldOfViewMM.lowerBound > 0, "fieldOfViewMM must be positive, got \(fieldOfViewMM)")
        try require(matrixSize.lowerBound >= 32, "matrixSize must be at least 32, got \(matrixSize)")
        try require(sliceSpacingMM.lowerBound > 0, "sliceSpacingMM must be positive, got \(sliceSpacingMM)")
        try require(sliceCount.lowerBound >= 1, "sliceCount must be at least 1, got \(sliceCount)")
        try require((1...8).contains(inPlaneSupersampling), "inPlaneSupersampling must be 1…8, got \(inPlaneSupersampling)")
        try require((1...16).contains(throughPlaneSupersampling), "throughPlaneSupersampling must be 1…16, got \(throughPlaneSupersampling)")
        try require(snr.lowerBound > 0, "snr must be positive, got \(snr)")
        try require(snrMean.map { $0 > 0 } ?? true && snrSD >= 0, "snrMean must be positive and snrSD ≥ 0")
        try require((0...1).contains(quarterTurnShare), "quarterTurnShare must be in 0…1, got \(quarterTurnShare)")
        try require((0...1).contains(bandingShare), "bandingShare must be in 0…1, got \(bandingShare)")
        try require(bandingDepth.lowerBound >= 0 && bandingDepth.upperBound <= 1, "bandingDepth must lie in 0…1, got \(bandingDepth)")
        try require(biasStrength >= 0, "biasStrength must be ≥ 0, got \(biasStrength)")
        try require(bloodMyocardiumRatio.lowerBound > 0, "bloodMyocardiumRatio must be positive, got \(bloodMyocardiumRatio)")
        try require(confounderBrightness >= 0, "confounderBrightness must be ≥ 0, got \(confounderBrightness)")
        try require(shapeVariability >= 0, "shapeVariability must be ≥ 0, got \(shapeVariability)")
        try require((0...1).contains(flipProbability), "flipProbability must be in 0…1, got \(flipProbability)")
        try require(sliceShiftMM >= 0 && textureStrength >= 0 && blurSigmaPixels >= 0,
                    "sliceShiftMM, textureStrength and blurSigmaPixels must be ≥ 0")
        try require(inflowBrightening >= 0 && ghosting >= 0 && ghosting < 0.5 && offResonanceBanding >= 0,
                    "inflowBrightening, offResonanceBanding must be ≥ 0 and ghosting in 0…0.5")
        try require((0...1).contains(gibbsRinging), "gibbsRinging must be in 0…1, got \(gibbsRinging)")
        try require(gain.lowerBound > 0, "gain must be positive, got \(gain)")
        try require((0...1).contains(nonFirstEDShare), "nonFirstEDShare must be in 0…1, got \(nonFirstEDShare)")
    }
}

public struct PhantomParameterError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "phantom parameters: \(message)" }
}
