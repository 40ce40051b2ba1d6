import Dispatch
import Synchronization

/// Where a training step's time goes, per op and direction (`cseg bench --profile`, docs/performance.md).
///
/// Off by default: `begin()` then returns 0 and `end` returns at once, so the ops pay one relaxed atomic
/// load each. When on, each phase adds its wall time; phases never nest (an op's backward that calls
/// another op's kernel times only its own phase), so at one worker thread the phases sum to the step's
/// computing time, and the rest of the step is what no op accounts for (tape bookkeeping, the loop).
/// Packing inside the worker chunks adds every chunk's time, so above one thread it is thread-time.
public enum Profile {
    public enum Phase: Int, CaseIterable, Sendable {
        case convForward, convInputGradient, convWeightPack, convWeightProduct, convWeightReduce, convBias
        case dense, batchNormForward, batchNormBackward, activation, resampling, loss, gradientAccumulation, optimizer

        public var label: String {
            switch self {
            case .convForward: "conv forward (panel im2col + micro-kernel)"
            case .convInputGradient: "conv dX (forward kernel, flipped weights)"
            case .convWeightPack: "conv dW packing (im2col, dY gather)"
            case .convWeightProduct: "conv dW product (matrix kernel)"
            case .convWeightReduce: "conv dW chunk-partial reduction"
            case .convBias: "conv bias gradient"
            case .dense: "dense forward + backward"
            case .batchNormForward: "batch norm (+ReLU) forward"
            case .batchNormBackward: "batch norm (+ReLU) backward"
            case .activation: "ReLU, softmax (both directions)"
            case .resampling: "max-pool, upsample, concat (both directions)"
            case .loss: "losses (both directions)"
            case .gradientAccumulation: "gradient accumulation (adds)"
            case .optimizer: "Adam update"
            }
        }
    }

    private static let on = Atomic<Bool>(false)
    /// Nanoseconds per phase (a lock, not atomics: only taken while profiling, and the chunk-level
    /// phases add from worker threads).
    private static let counters = Mutex<[UInt64]>([UInt64](repeating: 0, count: Phase.allCases.count))

    public static var isEnabled: Bool { on.load(ordering: .relaxed) }
    public static func setEnabled(_ enabled: Bool) { on.store(enabled, ordering: .relaxed) }

    /// Nanoseconds per phase since the last reset.
    public static func snapshot() -> [Phase: UInt64] {
        let values = counters.withLock { $0 }
        var out: [Phase: UInt64] = [:]
        for p in Phase.allCases { out[p] = values[p.rawValue] }
        return out
    }

    public static func reset() { counters.withLock { for i in $0.indices { $0[i] = 0 } } }

    // Nesting (an op's backward calling `accumulateGrad`): the inner phase's time is taken out of the
    // outer one's. Ops run on the thread that drives the step, never inside worker chunks, so one
    // stack serves; chunk-level phases use `add` and do not nest.
    nonisolated(unsafe) private static var nested: [UInt64] = []

    @inline(__always)
    static func begin() -> UInt64 {
        guard on.load(ordering: .relaxed) else { return 0 }
        nested.append(0)
        return DispatchTime.now().uptimeNanoseconds
    }

    @inline(__always)
    static func end(_ p: Phase, _ t0: UInt64) {
        guard t0 != 0 else { return }
        let total = DispatchTime.now().uptimeNanoseconds - t0
        let inner = nested.removeLast()
        counters.withLock { $0[p.rawValue] += total - min(inner, total) }
        if !nested.isEmpty { nested[nested.count - 1] += total }
    }

    /// Adds time measured inside a worker chunk (no nesting there).
    @inline(__always)
    static func add(_ p: Phase, _ t0: UInt64, _ t1: UInt64) {
        guard t0 != 0 else { return }
        counters.withLock { $0[p.rawValue] += t1 - t0 }
    }

    /// A timestamp if profiling is on, else 0 (for `add`).
    @inline(__always)
    static func now() -> UInt64 { on.load(ordering: .relaxed) ? DispatchTime.now().uptimeNanoseconds : 0 }
}
