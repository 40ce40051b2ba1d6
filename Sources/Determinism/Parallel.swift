import Dispatch
import Synchronization

/// Worker threads for the engine's kernels and the phantom's rendering.
///
/// Determinism rule: work is always cut into chunks whose boundaries depend only on the shapes of the
/// data, each chunk writes its own output (or its own partial sum, reduced afterwards in chunk order), and
/// threads merely pick chunks. The worker count therefore changes speed, never bits. A cut may follow the
/// worker count only where each output is computed whole inside one item, so that no sum crosses items
/// (in Engine: `Convolution.forwardItems`, `Convolution.weightGradientColumnSplits`). Engine pins OpenBLAS
/// itself to one thread (its `BLAS`), because OpenBLAS's own threading changes bits with the thread count
/// on some kernels.
public enum Parallel {
    private static let workers = Atomic<Int>(1)

    /// Number of worker threads used by `forEach` (default 1).
    public static var workerCount: Int { workers.load(ordering: .relaxed) }

    public static func setWorkerCount(_ n: Int) {
        precondition(n >= 1, "worker count must be at least 1, got \(n)")
        workers.store(n, ordering: .relaxed)
    }

    /// Calls `body(i)` once for every `i` in `0..<count`, spread over the workers.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        let w = min(workerCount, count)
        if w <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        let next = Atomic<Int>(0)
        // The chunks write disjoint memory (the determinism rule above), which the compiler cannot see
        // through the raw pointers the kernels capture; hence the unchecked hand-over.
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let work = escapable
            DispatchQueue.concurrentPerform(iterations: w) { _ in
                while true {
                    let i = next.add(1, ordering: .relaxed).oldValue
                    if i >= count { break }
                    work(i)
                }
            }
        }
    }
}
