import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where a training step's time goes, per op and direction (`cseg bench --profile`, docs/performance.md).
///
/// Off by default: `begin()` then returns 0 and `end` returns at once, so the ops pay one relaxed atomic
/// load each. When on, each phase adds its wall time minus that of phases opened inside it, so at one
/// worker thread the phases sum to the op time of the step, and the rest of the step is what no op
/// accounts for (tape bookkeeping, the loop).
/// Packing and the dW product inside the worker chunks add every chunk's time, so above one thread
/// they are thread-time; profile at one thread to read shares of the step.
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
    /// Nanoseconds per phase, and per thread the stack of open phases' nested time (an op's backward
    /// calling `accumulateGrad`: the inner phase's time is taken out of the outer one's). Behind a lock,
    /// not atomics: it is only taken while profiling, and ops may run on several threads (tests).
    private struct State {
        var totals = [UInt64](repeating: 0, count: Phase.allCases.count)
        var open: [UInt: [UInt64]] = [:]
    }
    private static let state = Mutex(State())

    private static var thread: UInt { UInt(pthread_self()) }

    public static var isEnabled: Bool { on.load(ordering: .relaxed) }
    public static func setEnabled(_ enabled: Bool) { on.store(enabled, ordering: .relaxed) }

    /// Nanoseconds per phase since the last reset.
    public static func snapshot() -> [Phase: UInt64] {
        let values = state.withLock { $0.totals }
        var out: [Phase: UInt64] = [:]
        for p in Phase.allCases { out[p] = values[p.rawValue] }
        return out
    }

    public static func reset() { state.withLock { for i in $0.totals.indices { $0.totals[i] = 0 } } }

    @inline(__always)
    static func begin() -> UInt64 {
        guard on.load(ordering: .relaxed) else { return 0 }
        let t = thread
        state.withLock { $0.open[t, default: []].append(0) }
        return DispatchTime.now().uptimeNanoseconds
    }

    @inline(__always)
    static func end(_ p: Phase, _ t0: UInt64) {
        guard t0 != 0 else { return }
        let total = DispatchTime.now().uptimeNanoseconds - t0
        let t = thread
        state.withLock { s in
            let inner = s.open[t]?.popLast() ?? 0
            s.totals[p.rawValue] += total - min(inner, total)
            if let n = s.open[t]?.count, n > 0 { s.open[t]![n - 1] += total }
        }
    }

    /// Adds time measured inside a worker chunk (no nesting there).
    @inline(__always)
    static func add(_ p: Phase, _ t0: UInt64, _ t1: UInt64) {
        guard t0 != 0 else { return }
        state.withLock { $0.totals[p.rawValue] += t1 - t0 }
    }

    /// A timestamp if profiling is on, else 0 (for `add`).
    @inline(__always)
    static func now() -> UInt64 { on.load(ordering: .relaxed) ? DispatchTime.now().uptimeNanoseconds : 0 }
}
