import Synchronization

/// Which code computes the engine's matrix products (weight gradients, dense layers, contrastive
/// similarities). The forward convolutions and input gradients always run on CConvKernels.
public enum MatrixKernels: String, CaseIterable, Sendable {
    /// CConvKernels' `ck_gemm_nt`: every output one reduction in an order fixed by the shape, the same
    /// bits on AVX-512, AVX2 and portable C, so on every x86-64 machine (the default).
    case engine
    /// OpenBLAS sgemm (single-threaded): bits depend on the kernel OpenBLAS loads (`OPENBLAS_CORETYPE`,
    /// or the CPU it detects); kept as a user choice and as the reference the tests compare against.
    case openblas

    private static let selected = Atomic<Int>(0)

    /// The kernels in use (default `.engine`).
    public static var current: MatrixKernels { selected.load(ordering: .relaxed) == 0 ? .engine : .openblas }

    /// Chooses the kernels; call before computing (the command-line tool does, from `--kernels`).
    public static func select(_ k: MatrixKernels) { selected.store(k == .engine ? 0 : 1, ordering: .relaxed) }
}
