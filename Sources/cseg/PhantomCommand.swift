import ArgumentParser
import Datasets
import Foundation

/// `cseg phantom`: the synthetic ACDC-like dataset, or previews of any ACDC-layout dataset.
struct Phantom: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic ACDC-layout cardiac dataset (--out DIR --volumes N --seed S), or PNG previews of one (--preview DIR [--out PNGDIR]).",
        discussion: """
        Images are int16 (as ACDC stores them), labels uint8 (0 bg, 1 RV, 2 Myo, 3 LV). The same seed and \
        parameters give byte-identical files for any --threads. Difficulty knobs are documented in \
        Sources/Datasets/Phantom/README.md; phantom.json beside the patients records them.
        """)

    @Option(help: "Output directory: the dataset root, or with --preview the PNG directory (default DIR/previews).")
    var out: String?

    @Option(help: "Number of volumes (patient001…).")
    var volumes: Int = 40

    @Option(help: "Seed of every random draw.")
    var seed: UInt64 = 1

    @Option(help: "Instead of generating, write previews of the ACDC-layout dataset in this directory.")
    var preview: String?

    @Option(help: "Myocardial SNR range, e.g. 15...43: normal(29, 7) clipped to it, or log-uniform with --snr-log-uniform.")
    var snr: String?

    @Flag(help: "Draw the SNR log-uniform over --snr (the first phantom's 8...40) instead of normal(29, 7).")
    var snrLogUniform = false

    @Option(help: "Bias-field strength multiplier (0 = none).")
    var biasStrength: Double?

    @Option(help: "Blood/myocardium ratio range, e.g. 2.4...4.6.")
    var contrast: String?

    @Option(help: "Brightness multiplier of unlabelled bright tissues (fat, marrow, liver…).")
    var confounderBrightness: Double?

    @Option(help: "Shape-variability multiplier (0 = group-mean hearts).")
    var shapeVariability: Double?

    @Option(help: "Orientation spread in degrees (in-plane rotation uniform in ±this about the standard view; 180 = any).")
    var orientationSpread: Double?

    @Option(help: "Share of volumes turned by a quarter (±90°).")
    var quarterTurnShare: Double?

    @Option(help: "Probability that a volume's array is mirrored.")
    var flipProbability: Double?

    @Option(help: "Share of volumes with off-resonance bands.")
    var bandingShare: Double?

    @Option(help: "Band depth range, e.g. 0.15...0.45 (the first phantom: 0.4...0.85 on every volume).")
    var bandingDepth: String?

    @Option(help: "Share of volumes whose ED frame is not 01.")
    var nonFirstEdShare: Double?

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if preview == nil && out == nil { throw ValidationError("give --out DIR to generate, or --preview DIR to draw previews") }
        if preview == nil && !(1...999).contains(volumes) { throw ValidationError("--volumes must be 1…999, got \(volumes)") }
    }

    func run() throws {
        try threads.apply()
        if let preview {
            let dir = out ?? "\(preview)/previews"
            let files = try PhantomPreview.write(datasetRoot: preview, to: dir)
            print("wrote \(files.count) previews to \(dir)")
            return
        }
        var p = PhantomParameters()
        if let snr { p.snr = try Phantom.range(snr, "--snr") }
        if snrLogUniform { p.snrMean = nil }
        if let quarterTurnShare { p.quarterTurnShare = quarterTurnShare }
        if let flipProbability { p.flipProbability = flipProbability }
        if let bandingShare { p.bandingShare = bandingShare }
        if let bandingDepth { p.bandingDepth = try Phantom.range(bandingDepth, "--banding-depth") }
        if let biasStrength { p.biasStrength = biasStrength }
        if let contrast { p.bloodMyocardiumRatio = try Phantom.range(contrast, "--contrast") }
        if let confounderBrightness { p.confounderBrightness = confounderBrightness }
        if let shapeVariability { p.shapeVariability = shapeVariability }
        if let orientationSpread { p.orientationSpreadDegrees = orientationSpread }
        if let nonFirstEdShare { p.nonFirstEDShare = nonFirstEdShare }
        do { try p.validate() } catch { throw ValidationError("\(error)") }
        let root = out!
        let start = Date()
        try PhantomDatasetWriter.write(root: root, volumes: volumes, seed: seed, parameters: p,
                                       harnessVersion: VersionReport.version) { info in
            let shape = info.shape.map(String.init).joined(separator: "×")
            print(String(format: "patient%03d  %@  %@  %.2f×%.2f×%.1f mm  ED %02d", info.patient, info.group.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0),
                         shape, info.spacingMM[0], info.spacingMM[1], info.spacingMM[2], info.edFrame))
        }
        // Timing goes to stderr: stdout stays identical between runs.
        FileHandle.standardError.write(Data(String(format: "%d volumes in %.1f s\n", volumes, Date().timeIntervalSince(start)).utf8))
    }

    /// "lo...hi" → lo...hi.
    static func range(_ text: String, _ flag: String) throws -> ClosedRange<Double> {
        let parts = text.components(separatedBy: "...")
        guard parts.count == 2, let lo = Double(parts[0]), let hi = Double(parts[1]), lo <= hi else {
            throw ValidationError("\(flag) must be \"lo...hi\" with lo ≤ hi, got \"\(text)\"")
        }
        return lo...hi
    }
}
