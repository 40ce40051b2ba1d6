import Foundation
import Planning

extension PlanEstimate {
    /// "2 h 05 min", "7 min 30 s", "12 s".
    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        if t >= 3600 { return String(format: "%d h %02d min", t / 3600, (t % 3600) / 60) }
        if t >= 60 { return String(format: "%d min %02d s", t / 60, t % 60) }
        return "\(t) s"
    }

    /// The table `cseg plan --estimate` and `cseg submit` print: per stage, then the totals.
    public func text(jobs: Int, arraySize: Int?, of total: Int) -> String {
        var lines = ["estimate for the \(costs.count) of \(total) runs not yet complete, from a probe on this machine "
                     + "(\(threads) engine thread\(threads == 1 ? "" : "s") per run; one untimed and 3 timed steps per stage kind; "
                     + (threads == 1 ? "CPU time, so other load on the machine does not inflate it" : "wall time") + "):"]
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            s.count >= n ? s : (right ? String(repeating: " ", count: n - s.count) + s : s + String(repeating: " ", count: n - s.count))
        }
        lines.append(pad("stage", 18) + pad("runs", 6, right: true) + pad("steps", 11, right: true) + pad("CPU-hours", 11, right: true))
        for stage in SlurmSubmission.stageOrder {
            let c = costs.filter { $0.run.stage == stage }
            guard !c.isEmpty else { continue }
            let hours = c.reduce(0) { $0 + $1.seconds } * Double(threads) / 3600
            lines.append(pad(stage.rawValue, 18) + pad("\(c.count)", 6, right: true) + pad("\(c.reduce(0) { $0 + $1.steps })", 11, right: true)
                         + pad(String(format: "%.2f", hours), 11, right: true))
        }
        lines.append("seconds per step: " + probes.map { "\($0.kind) \(String(format: "%.3f", $0.seconds))" }.joined(separator: "; ")
                     + String(format: "; inference %.4f s per slice", inferenceSecondsPerSlice))
        if let assumedSlices { lines.append("slice counts assumed: \(assumedSlices) per volume (the data is not there yet)") }
        lines.append(String(format: "total: %.2f CPU-hours; ", cpuHours) + "wall \(Self.duration(wallSeconds(jobs: jobs))) with --jobs \(jobs)"
                     + (arraySize.map { ", \(Self.duration(slurmWallSeconds(arraySize: $0))) as Slurm arrays of at most \($0) tasks at once" } ?? "")
                     + " (not counted: data preparation, surface distances, waiting in a queue; runs sharing a machine may each run slower than the probe)")
        return lines.joined(separator: "\n")
    }
}
