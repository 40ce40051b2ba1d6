import ArgumentParser
import Datasets
import Determinism
import Engine

@main
struct CSeg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cseg",
        abstract: "ContrastiveSeg: global and local contrastive pre-training for medical image segmentation (Chaitanya et al., NeurIPS 2020), in Swift on OpenBLAS.",
        version: VersionReport.text(),
        subcommands: [Info.self, DataCommand.self, Preprocess.self, Phantom.self, Audit.self, Plan.self, Run.self, Submit.self, Export.self, Archive.self, Report.self, Bench.self, BenchRow.self, Fingerprint.self])
}

// Typed options: a bad value fails at parsing, with the valid values listed.
extension MatrixKernels: ExpressibleByArgument {}
extension DatasetLayoutKind: ExpressibleByArgument {}

/// `--threads` and `--kernels`, shared by the commands that compute.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Worker threads for the engine's kernels (results are bit-identical for any count).")
    var threads: Int = 1

    @Option(help: "Matrix products: 'engine' (fixed-order kernels, the same bits on every x86-64 machine) or 'openblas' (bits depend on the OpenBLAS core; recorded in provenance).")
    var kernels: MatrixKernels = .engine

    func apply() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        MatrixKernels.select(kernels)
        Parallel.setWorkerCount(threads)
        AllocatorPolicy.retainFreedMemory()
    }
}
