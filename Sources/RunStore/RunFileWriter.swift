import HDF5

/// Writes a `RunRecord` as one HDF5 file (layout: docs/run-file.md), atomically: everything goes to a
/// temporary sibling, the content hash is computed from that file and stored, then it is renamed over
/// `path`. An existing file at `path` is untouched unless the whole write succeeds.
public enum RunFileWriter {
    /// Returns the content hash stored in the file.
    @discardableResult
    public static func write(_ run: RunRecord, to path: String) throws -> String {
        try write(run, to: path, weights: .arrays)
    }

    /// The same, for a run recomputed in place of an archived copy: if its results hash is not
    /// `expected` (the archive's `source_results_sha256`), throws `RunResultsMismatch` before anything
    /// is written, so a file that does not reproduce its archive never lands where dependants find it.
    /// A nil `expected` checks nothing.
    @discardableResult
    public static func write(_ run: RunRecord, to path: String, reproducing expected: String?) throws -> String {
        try write(run, to: path, weights: .arrays, expectedResults: expected)
    }

    /// How the weights go into the file: as arrays (a run file), or as one SHA-256 per array with the
    /// hashes of the run file they came from (an archived run, `RunArchive`).
    enum WeightStorage {
        case arrays
        case digests(source: RunArchiveSource)
    }

    @discardableResult
    static func write(_ run: RunRecord, to path: String, weights: WeightStorage, expectedResults: String? = nil) throws -> String {
        try validate(run, path)
        let file = try HDF5File.create(path)
        defer { file.close() }
        try file.setAttribute("schema_version", RunFileSchema.version)
        switch weights {
        case .arrays: try file.setAttribute("format", RunFileSchema.format)
        case .digests: try file.setAttribute("format", RunFileSchema.archiveFormat)
        }
        try file.setAttribute("run_key", run.runKey)
        try file.setAttribute("stage", run.stage)
        try file.writeStrings([run.configJSON], shape: [], to: "config")
        try writeProvenance(run.provenance, file)
        try writeVolatile(run.volatile, file)
        try strings(file, run.seeds.map(\.purpose), "seeds/purposes")
        try file.write(run.seeds.map { Int64($0.value) }, shape: [run.seeds.count], to: "seeds/values")
        try writeInputs(run.inputs, file)
        try writeCurves(run.curves, file)
        if let metrics = run.metrics { try writeMetrics(metrics, file) }
        try strings(file, run.finalWeights.map(\.name), "weights/variables")
        switch weights {
        case .arrays:
            for w in run.finalWeights { try file.write(w.values, shape: w.shape, to: "weights/final/\(w.name)", compression: RunFileSchema.bulk) }
            for w in run.bestWeights ?? [] { try file.write(w.values, shape: w.shape, to: "weights/best/\(w.name)", compression: RunFileSchema.bulk) }
        case .digests:
            try strings(file, run.finalWeights.map(RunArchive.digest), RunArchive.finalDigests)
            if let best = run.bestWeights { try strings(file, best.map(RunArchive.digest), RunArchive.bestDigests) }
        }
        if let activations = run.activations { try writeActivations(activations, file, group: "activations") }
        if let initial = run.initialActivations { try writeActivations(initial, file, group: "activations_initial") }
        try strings(file, run.predictions.map(\.volumeID), "predictions/volume_ids")
        for p in run.predictions {
            try file.write(p.labels, shape: p.shape, to: "predictions/\(p.volumeID)/labels", compression: RunFileSchema.bulk)
            try file.write(p.affine, shape: [4, 4], to: "predictions/\(p.volumeID)/affine")
            try file.write(p.spacing, shape: [p.spacing.count], to: "predictions/\(p.volumeID)/spacing")
        }
        if case .digests(let source) = weights {
            // The results hash needs the weights' values, so the archive carries its source's, under
            // its content hash (set first).
            try file.setAttribute(RunFileSchema.sourceContentHashAttribute, source.contentSHA256)
            try file.setAttribute(RunFileSchema.sourceResultsHashAttribute, source.resultsSHA256)
        }
        let hash = try RunContentHash.compute(file)
        try file.setAttribute(RunFileSchema.contentHashAttribute, hash)
        if case .arrays = weights {
            let results = try RunResultsHash.compute(file)
            if let expectedResults, results != expectedResults {
                throw RunResultsMismatch(path: path, expected: expectedResults, actual: results)
            }
            try file.setAttribute(RunFileSchema.resultsHashAttribute, results)
        }
        try file.commit()
        return hash
    }

    private static func strings(_ file: HDF5File, _ values: [String], _ path: String) throws {
        try file.writeStrings(values, shape: [values.count], to: path)
    }

    private static func scalar(_ file: HDF5File, _ value: String, _ path: String) throws {
        try file.writeStrings([value], shape: [], to: path)
    }

    private static func writeProvenance(_ p: RunProvenance, _ file: HDF5File) throws {
        try scalar(file, p.harnessVersion, "provenance/harness_version")
        try scalar(file, p.gitCommit, "provenance/git_commit")
        try file.write([UInt8(p.gitDirty ? 1 : 0)], shape: [], to: "provenance/git_dirty")
        try scalar(file, p.toolchain, "provenance/toolchain")
        try strings(file, p.libraries.map(\.name), "provenance/library_names")
        try strings(file, p.libraries.map(\.version), "provenance/library_versions")
        try scalar(file, p.openBLASCore, "provenance/openblas_core")
        try file.write([Int64(p.openBLASThreads)], shape: [], to: "provenance/openblas_threads")
        try file.write([Int64(p.engineThreads)], shape: [], to: "provenance/engine_threads")
        try scalar(file, p.cpuModel, "provenance/cpu_model")
        try scalar(file, p.matrixKernels, "provenance/matrix_kernels")
    }

    private static func writeVolatile(_ v: RunVolatile, _ file: HDF5File) throws {
        try scalar(file, v.host, "volatile/host")
        try scalar(file, v.startedUTC, "volatile/started_utc")
        try scalar(file, v.finishedUTC, "volatile/finished_utc")
        try strings(file, v.timings.map(\.phase), "volatile/timing_phases")
        try file.write(v.timings.map(\.seconds), shape: [v.timings.count], to: "volatile/timing_seconds")
        try scalar(file, v.dataRoot, "volatile/data_root")
    }

    private static func writeInputs(_ i: RunInputs, _ file: HDF5File) throws {
        try scalar(file, i.splitSHA256, "inputs/split_sha256")
        try strings(file, i.volumes.map(\.id), "inputs/volume_ids")
        try strings(file, i.volumes.map(\.imageSHA256), "inputs/image_sha256")
        try strings(file, i.volumes.map(\.labelSHA256), "inputs/label_sha256")
        try strings(file, i.dependencies.map(\.stage), "inputs/dependency_stages")
        try strings(file, i.dependencies.map(\.runKey), "inputs/dependency_run_keys")
        try strings(file, i.dependencies.map(\.contentSHA256), "inputs/dependency_sha256")
        // Only when every dependency has one (a file made before results hashes has none): one array, [D].
        let results = i.dependencies.compactMap(\.resultsSHA256)
        if !results.isEmpty && results.count == i.dependencies.count { try strings(file, results, "inputs/dependency_results_sha256") }
        if !i.splitAuditFindings.isEmpty { try strings(file, i.splitAuditFindings, "inputs/split_audit_findings") }
    }

    private static func writeCurves(_ c: RunCurves, _ file: HDF5File) throws {
        let n = c.trainSteps.count, m = c.validationSteps.count
        try file.write(c.trainSteps, shape: [n], to: "curves/train/step")
        try file.write(c.learningRate, shape: [n], to: "curves/train/lr")
        try strings(file, c.losses.map(\.name), "curves/train/loss_names")
        for loss in c.losses { try file.write(loss.values, shape: [n], to: "curves/train/loss/\(loss.name)") }
        try file.write(c.validationSteps, shape: [m], to: "curves/validation/step")
        try file.write(c.validationDice, shape: [m], to: "curves/validation/dice")
        try file.write([c.bestStep], shape: [], to: "curves/validation/best_step")
    }

    private static func writeMetrics(_ m: RunMetrics, _ file: HDF5File) throws {
        let shape = [m.volumeIDs.count, m.classNames.count]
        try strings(file, m.volumeIDs, "metrics/volume_ids")
        try strings(file, m.classNames, "metrics/class_names")
        try file.write(m.classLabels, shape: [m.classLabels.count], to: "metrics/class_labels")
        try file.write(m.dice, shape: shape, to: "metrics/dice")
        try file.write(m.hd95, shape: shape, to: "metrics/hd95")
        try file.write(m.assd, shape: shape, to: "metrics/assd")
        try file.write(m.bothEmpty, shape: shape, to: "metrics/both_empty")
        try file.write([Int64(m.bothEmptyCount)], shape: [], to: "metrics/both_empty_count")
    }

    private static func writeActivations(_ a: RunActivations, _ file: HDF5File, group: String) throws {
        let n = a.embeddingVolumeIDs.count
        try file.write(a.embeddings, shape: [n, a.embeddingSize], to: "\(group)/g1/embeddings", compression: RunFileSchema.bulk)
        try strings(file, a.embeddingVolumeIDs, "\(group)/g1/volume_ids")
        try file.write(a.embeddingSliceIndices, shape: [n], to: "\(group)/g1/slice_indices")
        try file.write(a.embeddingPartitions, shape: [n], to: "\(group)/g1/partitions")
        let k = a.decoderVolumeIDs.count
        try file.write([a.decoderBlock], shape: [], to: "\(group)/decoder/block")
        try file.write(a.decoderFeatures, shape: a.decoderShape, to: "\(group)/decoder/features", compression: RunFileSchema.bulk)
        try strings(file, a.decoderVolumeIDs, "\(group)/decoder/volume_ids")
        try file.write(a.decoderSliceIndices, shape: [k], to: "\(group)/decoder/slice_indices")
    }

    /// Every inconsistency the file would otherwise store silently, named before anything is written.
    static func validate(_ run: RunRecord, _ path: String) throws {
        func require(_ ok: Bool, _ problem: @autoclosure () -> String) throws {
            if !ok { throw RunFileError(path, problem()) }
        }
        func safeName(_ name: String, _ what: String) throws {
            try require(!name.isEmpty && !name.hasPrefix("/") && !name.hasSuffix("/") && !name.contains("//")
                        && !name.split(separator: "/").contains(where: { $0 == "." || $0 == ".." }),
                        "\(what) '\(name)' is not a valid HDF5 path component")
        }
        try require(!run.runKey.isEmpty, "the run key is empty")
        try require(!run.stage.isEmpty, "the stage is empty")
        for s in run.seeds { try require(s.value <= UInt64(Int64.max), "seed '\(s.purpose)' = \(s.value) exceeds Int64.max") }
        let c = run.curves
        try require(c.learningRate.count == c.trainSteps.count,
                    "curves: \(c.learningRate.count) learning rates for \(c.trainSteps.count) steps")
        for loss in c.losses {
            try safeName(loss.name, "loss name")
            try require(!loss.name.contains("/"), "loss name '\(loss.name)' contains '/'")
            try require(loss.values.count == c.trainSteps.count,
                        "curves: loss '\(loss.name)' has \(loss.values.count) values for \(c.trainSteps.count) steps")
        }
        try require(Set(c.losses.map(\.name)).count == c.losses.count, "curves: duplicate loss names")
        try require(c.validationDice.count == c.validationSteps.count,
                    "curves: \(c.validationDice.count) validation scores for \(c.validationSteps.count) validation steps")
        if let m = run.metrics {
            let cells = m.volumeIDs.count * m.classNames.count
            try require(m.classLabels.count == m.classNames.count, "metrics: \(m.classLabels.count) labels for \(m.classNames.count) class names")
            for (name, a) in [("dice", m.dice.count), ("hd95", m.hd95.count), ("assd", m.assd.count), ("both_empty", m.bothEmpty.count)] {
                try require(a == cells, "metrics: \(name) has \(a) values for \(m.volumeIDs.count) volumes × \(m.classNames.count) classes")
            }
        }
        let names = run.finalWeights.map(\.name)
        try require(Set(names).count == names.count, "weights: duplicate variable names")
        for w in run.finalWeights + (run.bestWeights ?? []) {
            try safeName(w.name, "variable")
            try require(w.shape.reduce(1, *) == w.values.count, "weights: '\(w.name)' has \(w.values.count) values for shape \(w.shape)")
        }
        if let best = run.bestWeights {
            try require(best.map(\.name) == names && best.map(\.shape) == run.finalWeights.map(\.shape),
                        "weights: best and final checkpoints must hold the same variables with the same shapes")
        }
        for (group, activations) in [("activations", run.activations), ("activations_initial", run.initialActivations)] {
            guard let a = activations else { continue }
            let n = a.embeddingVolumeIDs.count
            try require(a.embeddings.count == n * a.embeddingSize, "\(group): \(a.embeddings.count) embedding values for \(n) slices × \(a.embeddingSize)")
            try require(a.embeddingSliceIndices.count == n && a.embeddingPartitions.count == n,
                        "\(group): slice indices and partitions must have one entry per embedded slice (\(n))")
            try require(a.decoderShape.count == 4 && a.decoderShape[0] == a.decoderVolumeIDs.count
                        && a.decoderSliceIndices.count == a.decoderVolumeIDs.count,
                        "\(group): decoder features must be [K, C, H, W] with K volume ids and slice indices")
            try require(a.decoderShape.reduce(1, *) == a.decoderFeatures.count,
                        "\(group): \(a.decoderFeatures.count) decoder values for shape \(a.decoderShape)")
        }
        try require(Set(run.predictions.map(\.volumeID)).count == run.predictions.count, "predictions: duplicate volume ids")
        for p in run.predictions {
            try safeName(p.volumeID, "volume id")
            try require(!p.volumeID.contains("/"), "predictions: volume id '\(p.volumeID)' contains '/'")
            try require(p.volumeID != "volume_ids", "predictions: a volume cannot be called 'volume_ids'")
            try require(p.shape.count == 3 && p.shape.reduce(1, *) == p.labels.count,
                        "predictions: volume \(p.volumeID) has \(p.labels.count) labels for shape \(p.shape)")
            try require(p.affine.count == 16, "predictions: volume \(p.volumeID) affine has \(p.affine.count) values, expected 16")
            try require(p.spacing.count == 3, "predictions: volume \(p.volumeID) spacing has \(p.spacing.count) values, expected 3")
        }
    }
}
