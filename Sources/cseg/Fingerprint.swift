import ArgumentParser
import CConvKernels
import Determinism
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
    @Option(help: "Instruction set of the engine's kernels: auto, avx512, avx2 or portable (to show they agree).")
    var isa = "auto"

    static let levels: [String: Int32] = ["auto": CK_ISA_AUTO, "portable": CK_ISA_PORTABLE, "avx2": CK_ISA_AVX2,
                                          "avx512": CK_ISA_AVX512]

    func validate() throws {
        guard Self.levels[isa] != nil else { throw ValidationError("--isa must be auto, avx512, avx2 or portable, got '\(isa)'") }
    }

    func run() throws {
        try threadOptions.apply()
        guard ck_force_isa(Self.levels[isa]!) == 1 else { throw ValidationError("this CPU cannot run the \(isa) kernels") }
        let names = [CK_ISA_PORTABLE: "portable", CK_ISA_AVX2: "avx2", CK_ISA_AVX512: "avx512"]
        let digest = EngineFingerprint.weightsDigest(steps: steps, seed: seed, size: size, width: width)
        print("fingerprint \(String(digest, radix: 16)) kernels=\(MatrixKernels.provenance) isa=\(names[ck_isa()] ?? "?") core=\(BLAS.coreName) threads=\(Parallel.workerCount) steps=\(steps) seed=\(seed)")
    }
}
