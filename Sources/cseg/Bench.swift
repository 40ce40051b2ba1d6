import AtomicWrite
import ArgumentParser
import Benchmarks
import Determinism
import Engine
import Foundation

/// `cseg bench`: every row in its own child process (so each row's peak RSS is its own), once with the
/// environment as it is and once with `OPENBLAS_CORETYPE`/`OPENBLAS_L2_SIZE` removed, the kernel a user's
/// machine picks by itself. With the engine's own matrix kernels (the default) the two must give
/// bit-identical losses at every step; with `--kernels openblas`, agree to a stated tolerance.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the engine on the paper's networks (median step time, GFLOP/s, peak RSS).")

    @Flag(help: "Rows b64 and a only, 1 thread unless --threads is given (under 2 minutes).")
    var quick = false
    @Option(help: "Write the results as JSON to this file.")
    var json: String?
    @Option(help: "Thread count; default: 1 and 2 (1 only with --quick).")
    var threads: Int?
    @Option(help: "Comma-separated rows (qh, qf, a, b64, b128, c, e, d); default: all, or b64,a with --quick.")
    var rows: String?
    @Option(help: "Timed steps per row after one warm-up step (at least 5).")
    var steps = 5
    @Flag(help: "Only the kernel the environment selects (skip the autodetected one).")
    var environmentKernelOnly = false
    @Option(help: "Matrix products: engine (default) or openblas.")
    var kernels: MatrixKernels = .engine
    @Flag(help: "Time every op and direction in the timed steps (environment kernel, 1 thread unless --threads) and print where each row's step goes.")
    var profile = false

    /// Relative difference allowed between the two kernels' first-step losses (same weights, same batch:
    /// only the summation order inside sgemm differs).
    static let kernelLossTolerance = 1e-4
    /// The same after the last step. Looser, because Adam turns rounding differences in near-zero
    /// gradients into full ±lr moves (measured: 1.6 % on row c and 0.2 % on row e after six steps).
    static let kernelFinalLossTolerance = 5e-2

    func validate() throws {
        if steps < 5 { throw ValidationError("--steps must be at least 5 (the median needs them), got \(steps)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        _ = try selectedRows()
    }

    func selectedRows() throws -> [BenchmarkRow] {
        guard let rows else { return quick ? [.b64, .a] : BenchmarkRow.allCases }
        return try rows.split(separator: ",").map { name in
            guard let row = BenchmarkRow(rawValue: String(name)) else {
                throw ValidationError("unknown row '\(name)'; rows are \(BenchmarkRow.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return row
        }
    }

    func run() throws {
        let rowList = try selectedRows()
        let threadList = threads.map { [$0] } ?? (quick ? [1] : [1, 2])
        var base = ProcessInfo.processInfo.environment
        base["OPENBLAS_NUM_THREADS"] = "1"
        if profile {
            try runProfile(rowList, threads: threads ?? 1, env: base)
            return
        }
        var kernels: [(label: String, env: [String: String])] = [("environment", base)]
        if !environmentKernelOnly {
            var auto = base
            auto.removeValue(forKey: "OPENBLAS_CORETYPE")
            auto.removeValue(forKey: "OPENBLAS_L2_SIZE")
            kernels.append(("autodetected", auto))
        }
        var results: [BenchResult] = []
        print("row   kernel        threads  median s   GFLOP/s  peak RSS MiB  final loss")
        for (label, env) in kernels {
            for t in threadList {
                for row in rowList {
                    let m = try runChild(row: row, threads: t, env: env)
                    results.append(BenchResult(setting: label, measurement: m))
                    // %@ ignores field widths, so the text columns are padded here.
                    func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
                    print(pad(row.rawValue, 5) + " " + pad(m.kernel, 13)
                          + String(format: " %7d  %8.3f  %8.1f  %12.0f  ", t, m.medianSeconds, m.gflops, m.peakRSSMiB)
                          + "\(m.losses.last ?? .nan)")
                }
            }
        }
        let checks = kernelChecks(results)
        for c in checks { print(c.summary) }
        if let json {
            let report = BenchReport(version: VersionReport.version, openblasConfig: BLAS.config,
                                     environmentCoretype: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
                                     steps: steps, kernelLossTolerance: Bench.kernelLossTolerance,
                                     kernelFinalLossTolerance: Bench.kernelFinalLossTolerance,
                                     rows: results.map(\.measurement), settings: results.map(\.setting), checks: checks)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(report)
            try AtomicFile.write(data, to: json)
            print("wrote \(json)")
        }
        if checks.contains(where: { !$0.passed }) {
            throw ValidationError("kernels or thread counts disagree beyond tolerance (see above)")
        }
    }

    /// Per row: the mean step and each phase's seconds and share, largest first (docs/performance.md).
    func runProfile(_ rows: [BenchmarkRow], threads: Int, env: [String: String]) throws {
        var measured: [RowMeasurement] = []
        for row in rows {
            let m = try runChild(row: row, threads: threads, env: env, profile: true)
            measured.append(m)
            let p = m.profile ?? [:]
            let step = p["step (mean)"] ?? m.medianSeconds
            print("\n\(row.rawValue): \(m.title); \(threads) thread(s), kernels \(m.matrixKernels), mean step \(String(format: "%.3f", step)) s")
            print("| phase | s / step | share |")
            print("|---|---:|---:|")
            let labels = Profile.Phase.allCases.map(\.label)
            let accounted = labels.reduce(0) { $0 + (p[$1] ?? 0) }
            for label in labels.sorted(by: { (p[$0] ?? 0) > (p[$1] ?? 0) }) {
                let s = p[label] ?? 0
                print(String(format: "| %@ | %.4f | %.1f %% |", label, s, 100 * s / step))
            }
            print(String(format: "| untimed (tape, loop, rest) | %.4f | %.1f %% |", step - accounted, 100 * (step - accounted) / step))
            print(String(format: "| of which kernel time (getrusage; page faults: %.0f per step) | %.4f | %.1f %% |",
                         p["minor page faults"] ?? 0, p["kernel (system) time"] ?? 0, 100 * (p["kernel (system) time"] ?? 0) / step))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(measured).write(to: URL(fileURLWithPath: json))
            print("wrote \(json)")
        }
    }

    func runChild(row: BenchmarkRow, threads: Int, env: [String: String], profile: Bool = false) throws -> RowMeasurement {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["bench-row", "--row", row.rawValue, "--threads", "\(threads)", "--steps", "\(steps)", "--kernels", kernels.rawValue]
            + (profile ? ["--profile"] : [])
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ValidationError("benchmark row \(row.rawValue) (threads \(threads)) failed with status \(p.terminationStatus)")
        }
        return try JSONDecoder().decode(RowMeasurement.self, from: data)
    }

    /// Same row, same threads: the two kernels' losses agree to the tolerance. Same kernel: 1 and 2
    /// threads give bit-identical losses.
    func kernelChecks(_ results: [BenchResult]) -> [BenchCheck] {
        var checks: [BenchCheck] = []
        let byKey = Dictionary(grouping: results) { "\($0.measurement.name)" }
        for name in byKey.keys.sorted() {
            let group = byKey[name]!
            for t in Set(group.map(\.measurement.threads)).sorted() {
                let same = group.filter { $0.measurement.threads == t }
                guard same.count == 2 else { continue }
                let (x, y) = (same[0].measurement, same[1].measurement)
                if x.matrixKernels == "engine" && y.matrixKernels == "engine" {
                    // Nothing OpenBLAS computes reaches the numbers: every step's loss must match bit for bit.
                    let identical = x.losses.map(\.bitPattern) == y.losses.map(\.bitPattern)
                    let worst = zip(x.losses, y.losses).map { Double(abs($0 - $1)) / max(Double(abs($0)), 1e-12) }.max() ?? 0
                    checks.append(BenchCheck(row: name, kind: "all \(x.losses.count) losses bit-identical, OpenBLAS cores \(x.kernel) vs \(y.kernel) (engine kernels), \(t) thread(s)",
                                             value: worst, passed: identical))
                    continue
                }
                for (label, a, b, tol) in [("first-step loss", x.losses.first, y.losses.first, Bench.kernelLossTolerance),
                                           ("last-step loss", x.losses.last, y.losses.last, Bench.kernelFinalLossTolerance)] {
                    guard let a, let b else { continue }
                    let rel = Double(abs(a - b)) / max(Double(abs(a)), 1e-12)
                    checks.append(BenchCheck(row: name, kind: "\(label), kernels \(x.kernel) vs \(y.kernel), \(t) thread(s), tolerance \(tol)",
                                             value: rel, passed: rel <= tol))
                }
            }
            for setting in Set(group.map(\.setting)).sorted() {
                let runs = group.filter { $0.setting == setting }
                if runs.count > 1 {
                    let identical = runs.allSatisfy { $0.measurement.losses.map(\.bitPattern) == runs[0].measurement.losses.map(\.bitPattern) }
                    checks.append(BenchCheck(row: name, kind: "threads \(runs.map(\.measurement.threads)) bit-identical (\(runs[0].measurement.kernel))",
                                             value: identical ? 0 : 1, passed: identical))
                }
            }
        }
        return checks
    }
}

struct BenchResult {
    let setting: String
    let measurement: RowMeasurement
}

struct BenchCheck: Codable {
    let row: String
    let kind: String
    /// Relative loss difference (kernels) or 0/1 (bit identity).
    let value: Double
    let passed: Bool
    var summary: String { "check \(row): \(kind): \(passed ? "ok" : "FAILED") (\(value))" }
}

struct BenchReport: Codable {
    let version: String
    let openblasConfig: String
    let environmentCoretype: String?
    let steps: Int
    let kernelLossTolerance: Double
    let kernelFinalLossTolerance: Double
    let rows: [RowMeasurement]
    let settings: [String]
    let checks: [BenchCheck]
}

/// Internal: one row in this process, JSON on stdout (used by `cseg bench`).
struct BenchRow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-row", shouldDisplay: false)
    @Option var row: String
    @OptionGroup var threads: ThreadOptions
    @Option var steps = 5
    @Flag var profile = false

    func run() throws {
        guard let r = BenchmarkRow(rawValue: row) else { throw ValidationError("unknown row '\(row)'") }
        try threads.apply()
        let m = RowRunner.run(r, steps: steps, profile: profile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(m))
    }
}
