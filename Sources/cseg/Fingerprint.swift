import ArgumentParser
import Engine
import Networks

/// Trains a small U-Net for a few steps on a seeded synthetic batch and prints a 64-bit FNV-1a hash of
/// every weight byte: two machines (or thread counts) reproduce each other iff the hashes match.
struct Fingerprint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a hash of the weights after a few seeded training steps (checks bit-reproducibility).")

    @OptionGroup var threadOptions: ThreadOptions
    @Option(help: "Training steps.") var steps = 3
    @Option(help: "Run key (seed).") var seed: UInt64 = 1
    @Option(help: "Input size of the U-Net (divisible by 32).") var size = 64
    @Option(help: "Channel multiplier of the paper's U-Net.") var width = 0.5

    func run() throws {
        try threadOptions.apply()
        let digest = EngineFingerprint.weightsDigest(steps: steps, seed: seed, size: size, width: width)
        print("fingerprint \(String(digest, radix: 16)) core=\(BLAS.coreName) threads=\(Parallel.workerCount) steps=\(steps) seed=\(seed)")
    }
}
