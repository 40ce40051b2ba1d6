import Determinism

/// What every stage script of `cseg submit --slurm` asks Slurm for, and which binary its tasks run.
///
/// Values land in `#SBATCH` lines, which sbatch splits on whitespace and does not unquote, so each value
/// is checked here for what Slurm accepts rather than escaped.
public struct SlurmJobOptions: Sendable, Equatable {
    /// `--partition`: one name or a comma-separated list; nil leaves the cluster's default.
    public var partition: String?
    /// `--time`: Slurm's formats (`M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`); nil leaves the default.
    public var time: String?
    /// `--cpus-per-task`, and the `--threads` each task passes to `cseg run` (the results do not depend on it).
    public var cpusPerTask: Int
    /// The `%K` of `--array`: at most this many tasks of one stage at a time; nil for no limit.
    public var arrayLimit: Int?
    /// Absolute path of the `cseg` binary the tasks run.
    public var cseg: String
    /// `--kernels` each task passes to `cseg run`: `engine` (the same bits on every x86-64 node) or
    /// `openblas` (bits depend on each node's OpenBLAS core, recorded in every run file).
    public var kernels: MatrixKernels

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, arrayLimit: Int? = nil, cseg: String,
                kernels: MatrixKernels = .engine) {
        self.kernels = kernels
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.arrayLimit = arrayLimit
        self.cseg = cseg
    }

    /// The first problem with these options, as a sentence naming the option; nil when they are fine.
    public var problem: String? {
        if cpusPerTask < 1 { return "--cpus must be at least 1, got \(cpusPerTask)" }
        if let k = arrayLimit, k < 1 { return "--array-limit must be at least 1, got \(k)" }
        if let p = partition, !Self.isPartitionList(p) {
            return "--partition \"\(p)\" is not a partition name or a comma-separated list of them (letters, digits, . _ -)"
        }
        if let t = time, !Self.isTimeLimit(t) {
            return "--time \"\(t)\" is not a Slurm time limit (minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S)"
        }
        if !cseg.hasPrefix("/") { return "--cseg \"\(cseg)\" must be an absolute path (array tasks do not start in this directory)" }
        return nil
    }

    static func isPartitionList(_ s: String) -> Bool {
        let names = s.split(separator: ",", omittingEmptySubsequences: false)
        return !names.isEmpty && names.allSatisfy { name in
            !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        }
    }

    /// Slurm's `--time` grammar: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`, each field decimal digits.
    static func isTimeLimit(_ s: String) -> Bool {
        func digits(_ f: Substring) -> Bool { !f.isEmpty && f.allSatisfy { $0.isASCII && $0.isNumber } }
        let dayParts = s.split(separator: "-", omittingEmptySubsequences: false)
        switch dayParts.count {
        case 1:
            let fields = s.split(separator: ":", omittingEmptySubsequences: false)
            return (1...3).contains(fields.count) && fields.allSatisfy(digits)
        case 2:
            let fields = dayParts[1].split(separator: ":", omittingEmptySubsequences: false)
            return digits(dayParts[0]) && (1...3).contains(fields.count) && fields.allSatisfy(digits)
        default:
            return false
        }
    }
}
