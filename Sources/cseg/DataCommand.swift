import ArgumentParser
import Datasets
import Foundation

/// `cseg data check DIR --layout acdc`: read and check every case of a dataset before training on it.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data", abstract: "Inspect a dataset on disk.", subcommands: [DataCheck.self])
}

struct DataCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load every case (or the given ids) of a dataset and report shape, spacing, labels and file hashes.")

    @Argument(help: "Data root (ACDC: the directory holding patientNNN/; Prostate MSD: holding imagesTr/ and labelsTr/; MM-WHS: holding mr_train_NNNN_image.nii.gz).")
    var root: String

    @Option(help: "Layout (the phantom is acdc).")
    var layout: DatasetLayoutKind

    @Option(parsing: .upToNextOption, help: "Only these ids (default: every case found).")
    var ids: [String] = []

    @Option(help: "Split file whose [dataset] class_names/class_labels declare the classes (default: the layout's).")
    var split: String?

    @Flag(help: "JSON lines for scripts.")
    var json = false

    struct Row: Codable {
        var id: String
        var shape: [Int]?
        var spacing: [Double]?
        var labelVoxels: [Int]?
        var imageSHA256: String?
        var labelSHA256: String?
        var error: String?
    }

    func run() throws {
        let kind = layout
        let classes = try split.map { try SplitFileParser.read($0).dataset.declaredClasses } ?? nil
        let dataset = try Dataset(kind: kind, root: root, classes: classes)
        let wanted = ids.isEmpty ? try dataset.availableIDs() : ids
        guard !wanted.isEmpty else { throw ValidationError("\(root): no \(layout.rawValue) cases found") }
        var failed = 0
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for id in wanted {
            var row = Row(id: id)
            do {
                let c = try dataset.load(id)
                var counts = [Int](repeating: 0, count: dataset.classes.count)
                for v in c.label.voxels { counts[Int(v)] += 1 }
                row.shape = c.image.shape
                row.spacing = c.image.spacing
                row.labelVoxels = counts
                row.imageSHA256 = c.imageSHA256
                row.labelSHA256 = c.labelSHA256
            } catch {
                row.error = "\(error)"
                failed += 1
            }
            if json {
                print(String(decoding: try encoder.encode(row), as: UTF8.self))
            } else if let e = row.error {
                print("\(id)  ERROR \(e)")
            } else {
                let names = dataset.classes.names
                let labels = zip(names, row.labelVoxels!).dropFirst().map { "\($0) \($1)" }.joined(separator: ", ")
                print("\(id)  \(row.shape!.map(String.init).joined(separator: "×"))  "
                      + "\(row.spacing!.map { String(format: "%.3g", $0) }.joined(separator: "×")) mm  \(labels)  "
                      + "image \(row.imageSHA256!.prefix(12))…")
            }
        }
        if !json { print("\(wanted.count - failed) of \(wanted.count) cases usable") }
        if failed > 0 { throw ExitCode(1) }
    }
}
