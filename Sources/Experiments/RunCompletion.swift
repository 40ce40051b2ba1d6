import RunStore

/// Whether a planned run is already done: its output file exists, verifies (schema and content hash),
/// and holds exactly the planned config. The runner skips such runs and redoes any other.
public enum RunCompletion {
    public static func isComplete(_ run: PlannedRun) -> Bool {
        RunFileVerifier.isComplete(run.output, configJSON: run.configJSON)
    }
}
