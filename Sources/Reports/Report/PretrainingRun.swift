import Foundation
import Planning
import RunStore

/// The pre-training runs of an experiment as the "what the pre-training learned" section reads them.
struct PretrainingRun {
    let entry: RunInventory.Entry
    let record: RunRecord
    /// "GD" for a global run, "LR" for a local run, the task ("rotation", "inpainting",
    /// "context-restoration") for a pretext run.
    let variant: String
    let seed: UInt64

    init?(_ entry: RunInventory.Entry) {
        struct Config: Decodable { var variant: String?; var task: String?; var seed: UInt64 }
        guard let record = entry.record,
              let config = try? JSONDecoder().decode(Config.self, from: Data(record.configJSON.utf8)),
              let variant = config.variant ?? config.task else { return nil }
        self.entry = entry
        self.record = record
        self.variant = variant
        seed = config.seed
    }
}
