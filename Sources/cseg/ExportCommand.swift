import ArgumentParser
import Foundation
import Running

/// `cseg export RUN.h5… --out DIR`: a run's test predictions as NIfTI on the native grid.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the test predictions of run files as NIfTI label maps (uint8) with the input image's header.",
        discussion: "Each run file gives DIR/<run key>/<volume id>.nii.gz, with the header of the image it was predicted for (dims, qform/sform and codes, units), read from the data root and checked against the SHA-256 the run recorded.")

    @Argument(help: "Fine-tuning run files (runs/<run key>.h5).")
    var runFiles: [String]

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "Where the input images are (default: the data root the run recorded). Each prediction takes its image's header.")
    var data: String?

    func run() throws {
        for file in runFiles {
            let key = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            for path in try PredictionExport.write(runFile: file, to: "\(out)/\(key)", dataRoot: data) { print(path) }
        }
    }
}
