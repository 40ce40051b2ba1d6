import ArgumentParser
import Experiments
import Foundation

/// `cseg export RUN.h5… --out DIR`: a run's test predictions as NIfTI on the native grid.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the test predictions of run files as NIfTI label maps (uint8) with the original affine.",
        discussion: "Each run file gives DIR/<run key>/<volume id>.nii.gz, on the grid and with the affine of the original image.")

    @Argument(help: "Fine-tuning run files (runs/<run key>.h5).")
    var runFiles: [String]

    @Option(help: "Output directory.")
    var out: String

    func run() throws {
        for file in runFiles {
            let key = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            for path in try PredictionExport.write(runFile: file, to: "\(out)/\(key)") { print(path) }
        }
    }
}
