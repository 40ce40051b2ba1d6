import Datasets
import Determinism
import Engine
import Foundation
import Networks
import Planning
import RunStore

/// What every run of an experiment shares: the experiment, its data, the whole plan (to find a run's
/// ancestors), the split and the provenance of this harness on this host.
public struct RunContext {
    public var experiment: Experiment
    public var split: SplitFile
    public var data: ExperimentData
    public var plan: [PlannedRun]
    public var provenance: RunProvenance
    /// Called with (step, steps, loss) during training, for the progress line.
    public var progress: (String, Int, Int, Float) -> Void = { _, _, _, _ in }

    public init(experiment: Experiment, split: SplitFile, data: ExperimentData, plan: [PlannedRun], provenance: RunProvenance) {
        self.experiment = experiment
        self.split = split
        self.data = data
        self.plan = plan
        self.provenance = provenance
    }

    public func run(_ key: String) throws -> PlannedRun {
        guard let r = plan.first(where: { $0.runKey == key }) else { throw RunnerError(experiment.path, "no run \(key) in the plan") }
        return r
    }

    /// The U-Net of this experiment's scale.
    var networkConfig: UNetConfig { UNetConfigFor.experiment(experiment, split) }
}

/// Every random stream of a run comes from (run seed, run key, purpose); the purposes used are recorded.
struct RunStreams {
    let seed: UInt64
    let runKey: String
    private(set) var used: [RunSeed] = []

    init(seed: UInt64, runKey: String) {
        self.seed = seed
        self.runKey = runKey
        used = [RunSeed(purpose: "run", value: seed)]
    }

    mutating func stream(_ purpose: String) -> RandomStream {
        let full = "\(runKey)/\(purpose)"
        if !used.contains(where: { $0.purpose == full }) { used.append(RunSeed(purpose: full, value: seed)) }
        return RandomStream(seed: seed, purpose: full)
    }

    /// A 63-bit seed for APIs that take one (network initialisation), recorded under its purpose.
    mutating func seedValue(_ purpose: String) -> UInt64 {
        var s = RandomStream(seed: seed, purpose: "\(runKey)/\(purpose)")
        let value = s.next() >> 1
        used.append(RunSeed(purpose: "\(runKey)/\(purpose):value", value: value))
        return value
    }
}

/// Decodes a planned run's canonical config back into its typed form: the config is what the run does.
enum ConfigDecoding {
    static func decode<T: Decodable>(_ type: T.Type, _ run: PlannedRun) throws -> T {
        do {
            return try CanonicalJSON.decode(type, from: run.configJSON)
        } catch {
            throw RunnerError(run.output, "the planned config does not decode as \(type): \(error)")
        }
    }
}

/// Wall-clock phases for `/volatile` (never hashed, never compared).
struct PhaseClock {
    private(set) var timings: [(phase: String, seconds: Double)] = []
    let started = Date()
    private var last = Date()

    mutating func lap(_ phase: String) {
        let now = Date()
        timings.append((phase, now.timeIntervalSince(last)))
        last = now
    }

    /// `dataRoot` is stored absolute: a root relative to the directory `cseg run` ran in would mean
    /// nothing to `cseg audit run` or `cseg export` started elsewhere.
    func volatile(dataRoot: String) -> RunVolatile {
        let dataRoot = resolve(dataRoot, against: FileManager.default.currentDirectoryPath)
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return RunVolatile(host: ProcessInfo.processInfo.hostName, startedUTC: f.string(from: started),
                           finishedUTC: f.string(from: Date()), timings: timings, dataRoot: dataRoot)
    }
}

extension Array where Element == Tensor {
    /// Every variable's current value, in network order.
    var named: [NamedArray] { map { NamedArray(name: $0.name!, shape: $0.shape, values: $0.data) } }

    /// Copies values by name from stored arrays (every selected target must be present).
    func load(from arrays: [NamedArray], where select: (String) -> Bool, source: String) throws {
        let byName = Dictionary(arrays.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for t in self where select(t.name!) {
            guard let a = byName[t.name!] else { throw RunnerError(source, "has no variable \(t.name!)") }
            guard a.shape == t.shape else { throw RunnerError(source, "variable \(t.name!) is \(a.shape), the network expects \(t.shape)") }
            t.data = a.values
        }
    }
}

/// Curves of a loop with one loss series and a constant learning rate.
func trainingCurves(losses: [Float], lossName: String = "total", learningRate: Double,
                    validation: [(step: Int, dice: Double)] = [], bestStep: Int? = nil) -> RunCurves {
    RunCurves(trainSteps: losses.indices.map(Int64.init),
              losses: [NamedSeries(name: lossName, values: losses.map(Double.init))],
              learningRate: [Double](repeating: learningRate, count: losses.count),
              validationSteps: validation.map { Int64($0.step) }, validationDice: validation.map(\.dice),
              bestStep: Int64(bestStep ?? -1))
}
