import ArgumentParser
import Foundation
import Imaging

/// `cseg info FILE…`: what a researcher checks first about a volume.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print shape, spacing, datatype, orientation, intensity range and labels of NIfTI files.")

    @Argument(help: "NIfTI files (.nii or .nii.gz).")
    var files: [String]

    @Option(help: "For 4-D files, the channel whose voxels are summarised.")
    var channel: Int = 0

    @Flag(help: "One JSON array for scripts.")
    var json = false

    func run() throws {
        var summaries: [VolumeSummary] = []
        var failures: [String] = []
        for file in files {
            do {
                let header = try NIfTI.readHeader(file)
                let ch: Int? = header.dims.count == 4 ? channel : nil
                summaries.append(VolumeSummary(path: file, image: try NIfTI.read(file, channel: ch, checkGeometry: false)))
            } catch {
                failures.append("\(error)")
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
        } else {
            print(summaries.map(\.text).joined(separator: "\n\n"))
        }
        for f in failures { FileHandle.standardError.write(Data("error: \(f)\n".utf8)) }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}
