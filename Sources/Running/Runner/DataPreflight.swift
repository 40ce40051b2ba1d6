import Datasets
import Foundation
import Planning
import Training

/// Every volume the pending runs read is loaded and checked before the first step of the first run:
/// a broken file stops the grid before anything is trained, written or cached, instead of after hours.
/// `Dataset.load` checks the file (NIfTI header, datatype, dimensions, truncation) and the case (label on
/// the image's grid, labels within the class set, finite voxels, not empty); this adds what only the
/// runs know: a pre-training pool volume must have at least as many slices as the partitions its loss
/// cuts it into (spec §3.1).
extension ExperimentData {
    public func preflight(_ runs: [PlannedRun]) throws {
        var ids = Set<String>()
        var partitionNeeds: [String: (parts: Int, runKey: String)] = [:]
        try Self.checkStageShapes(runs, experiment: experiment)
        for r in runs {
            let needs = try ConfigIDs.decode(r)
            ids.formUnion(needs.all)
            guard let parts = needs.partitions, parts > 1 else { continue }
            for id in needs.pool ?? [] where parts > (partitionNeeds[id]?.parts ?? 0) { partitionNeeds[id] = (parts, r.runKey) }
        }
        // Which classes each volume's label contains, for the declared-class check below.
        var present: [String: Set<Int>] = [:]
        let declared = experiment.declaredClasses(try SplitFileParser.read(experiment.data.split))
        for id in ids.sorted() {
            let loaded = try dataset.load(id)
            if declared != nil { present[id] = Set(loaded.label.voxels.map { Int($0) }) }
            if let need = partitionNeeds[id], loaded.image.shape[2] < need.parts {
                let path = try dataset.files(for: id).image
                throw DatasetError(path, "\(loaded.image.shape[2]) slice\(loaded.image.shape[2] == 1 ? "" : "s") cannot be cut into the "
                                   + "\(need.parts) partitions \(need.runKey) needs (spec §3.1: every pre-training pool volume "
                                   + "needs at least as many slices as partitions)")
            }
        }
        if let declared { try checkDeclaredClasses(declared, runs, present) }
    }

    /// The stage settings that fail before a run's first step whatever the data: a global stage's B
    /// against its S and pool and its crop box against the input, a local stage's l against the input
    /// size, its region size and L^D's volumes per draw against the pool (local views are not cropped). Checked
    /// before any volume is read: an ablation over S or l would otherwise fail at its first bad value,
    /// after the runs before it had trained. Needs no data, so `cseg plan` can run it too.
    public static func checkStageShapes(_ runs: [PlannedRun], experiment: Experiment) throws {
        let side = experiment.settings.scale.inputSize
        // The same rules the batch builders apply when a run starts (their checkShape functions).
        for r in runs where r.stage == .pretrainGlobal {
            let config = try ConfigDecoding.decode(GlobalPretrainingConfig.self, r)
            let s = config.settings
            do {
                try GlobalBatchBuilder.checkShape(loss: config.variant.loss, batchSize: s.batchSize, parts: s.partitions,
                                                  fidelity: s.faithful2020 ? .faithful2020 : .intended, poolVolumes: Set(config.pool).count)
                _ = try PretrainingRun.views(experiment, faithful: s.faithful2020).offsetRange(size: side)
            } catch {
                throw RunnerError(experiment.path, "\(r.runKey) (stage.pretrain-global batch_size \(s.batchSize), partitions \(s.partitions) at input size \(side)): \(error); nothing was run")
            }
        }
        // The local stage: the 13 regions need a map of 8×8 or more (5×5 for single pixels).
        for r in runs where r.stage == .pretrainLocal {
            let config = try ConfigDecoding.decode(LocalPretrainingConfig.self, r)
            let s = config.settings
            do {
                _ = try LocalRegions.paper(featureSize: s.featureSize(inputSize: side), regionSize: s.regionSize)
                // As PretrainingRun.local builds it: L^D draws volume groups of the original's fixed 4 partitions.
                try LocalBatchBuilder.checkShape(loss: config.variant.loss, volumes: s.domainVolumes,
                                                 poolVolumes: Set(config.pool).count)
            } catch {
                throw RunnerError(experiment.path, "\(r.runKey) (stage.pretrain-local decoder_blocks \(s.decoderBlocks), region_size "
                                  + "\(s.regionSize), batch_size \(s.batchSize) at input size \(side)): \(error); nothing was run")
            }
        }
    }

    /// A declared class that no training label of a fine-tuning run contains is an error: the network
    /// would have an output it is never shown, scored as an empty class (issue 15 item 2). Only for
    /// declared classes: a layout's constants are the paper's, whatever a small budget happens to hold.
    func checkDeclaredClasses(_ declared: (classes: ClassSet, file: String, key: String), _ runs: [PlannedRun],
                              _ present: [String: Set<Int>]) throws {
        let classes = declared.classes
        for r in runs {
            guard let split = try ConfigIDs.decode(r).split, r.stage == .finetune else { continue }
            let seen = split.train.reduce(into: Set<Int>()) { $0.formUnion(present[$1] ?? []) }
            for k in 1..<classes.count where !seen.contains(k) {
                throw ConfigFileError(declared.file, keyPath: "\(declared.key)[\(k)]",
                                      "class \"\(classes.names[k])\" (label \(classes.labels[k])) occurs in no training label of \(r.runKey) "
                                      + "(\(split.train.joined(separator: ", "))): the network could never learn it; drop the class or train on a volume that has it")
            }
        }
    }
}

/// The ids a planned run reads and the partitions its loss needs, from its canonical config (the config
/// is what the run does). Decoded loosely: every stage's config has some of these fields.
struct ConfigIDs: Decodable {
    struct SplitIDs: Decodable {
        var train: [String]
        var validation: [String]
        var test: [String]
        var unlabelled: [String]?
    }
    struct Settings: Decodable { var partitions: Int? }

    var stage: Stage
    var variant: String?
    var pool: [String]?
    /// Test volumes a pre-training run probes.
    var probe: [String]?
    var split: SplitIDs?
    var settings: Settings?

    var all: [String] {
        (pool ?? []) + (probe ?? []) + (split.map { $0.train + $0.validation + $0.test + ($0.unlabelled ?? []) } ?? [])
    }

    /// S for the domain-aware losses (G^D-, G^D: the stage's `partitions`; L^D: the original's fixed 4);
    /// nil for G^R, L^R and fine-tuning, which never cut volumes.
    var partitions: Int? {
        switch (stage, variant) {
        case (.pretrainGlobal, "GD"), (.pretrainGlobal, "GDminus"): settings?.partitions
        case (.pretrainLocal, "LD"): 4
        default: nil
        }
    }

    static func decode(_ run: PlannedRun) throws -> ConfigIDs { try ConfigDecoding.decode(ConfigIDs.self, run) }
}
