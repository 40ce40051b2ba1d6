import ArgumentParser
import Engine

@main
struct CSeg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cseg",
        abstract: "ContrastiveSeg: global and local contrastive pre-training for medical image segmentation (Chaitanya et al., NeurIPS 2020), in Swift on OpenBLAS.",
        version: VersionReport.text(),
        subcommands: [Info.self, DataCommand.self, Preprocess.self, Phantom.self, Audit.self, Plan.self, Run.self, Submit.self, Export.self, Report.self, Bench.self, BenchRow.self, Fingerprint.self])
}

/// `--threads` shared by the commands that compute.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads for the engine's kernels (results are bit-identical for any count).")
    var threads: Int = 1

    func apply() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        Parallel.setWorkerCount(threads)
        AllocatorPolicy.retainFreedMemory()
    }
}
