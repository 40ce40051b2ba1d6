import HDF5

/// Reads a run file back into a `RunRecord`, checking the layout as it goes: a missing dataset, a wrong
/// type or shapes that disagree is an error naming the file and the object. The content hash is not
/// checked here (`RunFileVerifier` does), so a damaged file can still be inspected.
public enum RunFileReader {
    public static func read(_ path: String) throws -> RunRecord {
        let file = try HDF5File.open(path)
        defer { file.close() }
        return try Reader(file: file).record()
    }

    /// The weight digests of an archived run, `name sha256` per variable in `weights/variables` order:
    /// final weights, and the best checkpoint's if the run kept one.
    public static func weightDigests(_ path: String) throws -> (final: [String], best: [String]?) {
        let file = try HDF5File.open(path)
        defer { file.close() }
        let r = Reader(file: file)
        guard try r.header().isArchive else { throw r.fail("is a run file with its weights, not an archived run") }
        let names = try r.strings("weights/variables")
        let final = try r.strings(RunArchive.finalDigests, count: names.count)
        let best = file.datasetExists(RunArchive.bestDigests) ? try r.strings(RunArchive.bestDigests, count: names.count) : nil
        return (final, best)
    }

    /// The inputs group only (split, volume and dependency hashes, allowed leaks): what deciding whether a
    /// finished run still matches its plan needs, without reading weights or predictions.
    public static func inputs(_ path: String) throws -> RunInputs {
        let file = try HDF5File.open(path)
        defer { file.close() }
        return try Reader(file: file).inputs()
    }

    /// The root attributes only, without reading any dataset.
    public static func header(_ path: String) throws -> RunFileHeader {
        let file = try HDF5File.open(path)
        defer { file.close() }
        return try Reader(file: file).header()
    }
}

/// What identifies a run file: its schema, run key, stage and stored content hash.
public struct RunFileHeader: Sendable, Equatable {
    public var schemaVersion: Int64
    public var runKey: String
    public var stage: String
    public var contentSHA256: String
    /// The stored results hash (`RunResultsHash`); nil in files written before it existed, and in
    /// archived runs, which carry their source's in `archivedFrom`.
    public var resultsSHA256: String? = nil
    /// Set for an archived run (`RunArchive`): the hashes of the run file it was made from.
    public var archivedFrom: RunArchiveSource? = nil

    public var isArchive: Bool { archivedFrom != nil }
}

private struct Reader {
    let file: HDF5File

    func fail(_ problem: String) -> RunFileError { RunFileError(file.path, problem) }

    func header() throws -> RunFileHeader {
        let format = try? file.stringAttribute("format")
        guard format == RunFileSchema.format || format == RunFileSchema.archiveFormat else {
            throw fail("not a run file (root attribute 'format' is \(format.map { "'\($0)'" } ?? "missing"), expected '\(RunFileSchema.format)' or '\(RunFileSchema.archiveFormat)')")
        }
        let attributes = try file.attributeNames()
        func optional(_ name: String) throws -> String? { attributes.contains(name) ? try file.stringAttribute(name) : nil }
        var archivedFrom: RunArchiveSource?
        if format == RunFileSchema.archiveFormat {
            let names = [RunFileSchema.sourceContentHashAttribute, RunFileSchema.sourceResultsHashAttribute]
            guard let content = try optional(names[0]), let results = try optional(names[1]) else {
                throw fail("an archived run without the root attributes '\(names[0])' and '\(names[1])'")
            }
            archivedFrom = RunArchiveSource(contentSHA256: content, resultsSHA256: results)
        }
        let version = try file.attribute("schema_version", as: Int64.self)
        guard version == RunFileSchema.version else {
            throw fail("schema_version is \(version); this harness reads version \(RunFileSchema.version)")
        }
        return RunFileHeader(schemaVersion: version, runKey: try file.stringAttribute("run_key"),
                             stage: try file.stringAttribute("stage"),
                             contentSHA256: try file.stringAttribute(RunFileSchema.contentHashAttribute),
                             resultsSHA256: try optional(RunFileSchema.resultsHashAttribute), archivedFrom: archivedFrom)
    }

    func string(_ path: String) throws -> String {
        let (shape, values) = try file.readStrings(path)
        guard shape.isEmpty, values.count == 1 else { throw fail("'\(path)' must be a single string, has shape \(shape)") }
        return values[0]
    }

    func strings(_ path: String, count: Int? = nil) throws -> [String] {
        let (shape, values) = try file.readStrings(path)
        guard shape.count == 1 else { throw fail("'\(path)' must be one-dimensional, has shape \(shape)") }
        if let count, values.count != count { throw fail("'\(path)' has \(values.count) entries, expected \(count)") }
        return values
    }

    func vector<T: HDF5Element>(_ path: String, _: T.Type, count: Int? = nil) throws -> [T] {
        let (shape, values) = try file.read(path, as: T.self)
        guard shape.count == 1 else { throw fail("'\(path)' must be one-dimensional, has shape \(shape)") }
        if let count, values.count != count { throw fail("'\(path)' has \(values.count) entries, expected \(count)") }
        return values
    }

    func scalar<T: HDF5Element>(_ path: String, _: T.Type) throws -> T {
        let (shape, values) = try file.read(path, as: T.self)
        guard shape.isEmpty else { throw fail("'\(path)' must be a scalar, has shape \(shape)") }
        return values[0]
    }

    func matrix<T: HDF5Element>(_ path: String, _: T.Type, shape expected: [Int]) throws -> [T] {
        let (shape, values) = try file.read(path, as: T.self)
        guard shape == expected else { throw fail("'\(path)' has shape \(shape), expected \(expected)") }
        return values
    }

    func record() throws -> RunRecord {
        let h = try header()
        let provenance = RunProvenance(
            harnessVersion: try string("provenance/harness_version"), gitCommit: try string("provenance/git_commit"),
            gitDirty: try scalar("provenance/git_dirty", UInt8.self) != 0, toolchain: try string("provenance/toolchain"),
            libraries: try libraries(), openBLASCore: try string("provenance/openblas_core"),
            openBLASThreads: Int(try scalar("provenance/openblas_threads", Int64.self)),
            engineThreads: Int(try scalar("provenance/engine_threads", Int64.self)), cpuModel: try string("provenance/cpu_model"),
            // Files from before the engine's own kernels have no such dataset: OpenBLAS computed them.
            matrixKernels: file.datasetExists("provenance/matrix_kernels")
                ? try string("provenance/matrix_kernels") : "openblas:\(try string("provenance/openblas_core"))")
        let phases = try strings("volatile/timing_phases")
        let seconds = try vector("volatile/timing_seconds", Double.self, count: phases.count)
        let volatile = RunVolatile(host: try string("volatile/host"), startedUTC: try string("volatile/started_utc"),
                                   finishedUTC: try string("volatile/finished_utc"),
                                   timings: Array(zip(phases, seconds)).map { (phase: $0.0, seconds: $0.1) },
                                   dataRoot: try string("volatile/data_root"))
        let purposes = try strings("seeds/purposes")
        let seedValues = try vector("seeds/values", Int64.self, count: purposes.count)
        guard seedValues.allSatisfy({ $0 >= 0 }) else { throw fail("'seeds/values' holds a negative seed") }
        let seeds = zip(purposes, seedValues).map { RunSeed(purpose: $0, value: UInt64($1)) }
        let variables = try strings("weights/variables")
        // An archive holds the weights' digests only (`RunArchive.weightDigests`), so its record has none.
        let final = h.isArchive ? [] : try weights("weights/final", variables)
        let best = h.isArchive || !file.groupExists("weights/best") ? nil : try weights("weights/best", variables)
        if h.isArchive {
            _ = try strings(RunArchive.finalDigests, count: variables.count)
            if file.datasetExists(RunArchive.bestDigests) { _ = try strings(RunArchive.bestDigests, count: variables.count) }
        }
        let predictionIDs = try strings("predictions/volume_ids")
        return RunRecord(
            runKey: h.runKey, stage: h.stage, configJSON: try string("config"), provenance: provenance, volatile: volatile,
            seeds: seeds, inputs: try inputs(), curves: try curves(),
            metrics: file.groupExists("metrics") ? try metrics() : nil, bestWeights: best, finalWeights: final,
            activations: file.groupExists("activations") ? try activations("activations") : nil,
            initialActivations: file.groupExists("activations_initial") ? try activations("activations_initial") : nil,
            predictions: try predictionIDs.map(prediction))
    }

    func libraries() throws -> [LibraryVersion] {
        let names = try strings("provenance/library_names")
        let versions = try strings("provenance/library_versions", count: names.count)
        return zip(names, versions).map { LibraryVersion(name: $0, version: $1) }
    }

    func inputs() throws -> RunInputs {
        let ids = try strings("inputs/volume_ids")
        let images = try strings("inputs/image_sha256", count: ids.count)
        let labels = try strings("inputs/label_sha256", count: ids.count)
        let stages = try strings("inputs/dependency_stages")
        let keys = try strings("inputs/dependency_run_keys", count: stages.count)
        let hashes = try strings("inputs/dependency_sha256", count: stages.count)
        let results: [String?] = file.datasetExists("inputs/dependency_results_sha256")
            ? try strings("inputs/dependency_results_sha256", count: stages.count) : stages.map { _ in nil }
        return RunInputs(splitSHA256: try string("inputs/split_sha256"),
                         volumes: ids.indices.map { VolumeHash(id: ids[$0], imageSHA256: images[$0], labelSHA256: labels[$0]) },
                         dependencies: stages.indices.map { RunDependency(stage: stages[$0], runKey: keys[$0], contentSHA256: hashes[$0], resultsSHA256: results[$0]) },
                         splitAuditFindings: file.datasetExists("inputs/split_audit_findings") ? try strings("inputs/split_audit_findings") : [])
    }

    func curves() throws -> RunCurves {
        let steps = try vector("curves/train/step", Int64.self)
        let names = try strings("curves/train/loss_names")
        let losses = try names.map { NamedSeries(name: $0, values: try vector("curves/train/loss/\($0)", Double.self, count: steps.count)) }
        let vSteps = try vector("curves/validation/step", Int64.self)
        return RunCurves(trainSteps: steps, losses: losses, learningRate: try vector("curves/train/lr", Double.self, count: steps.count),
                         validationSteps: vSteps, validationDice: try vector("curves/validation/dice", Double.self, count: vSteps.count),
                         bestStep: try scalar("curves/validation/best_step", Int64.self))
    }

    func metrics() throws -> RunMetrics {
        let ids = try strings("metrics/volume_ids")
        let classes = try strings("metrics/class_names")
        let shape = [ids.count, classes.count]
        let m = RunMetrics(volumeIDs: ids, classNames: classes,
                           classLabels: try vector("metrics/class_labels", Int64.self, count: classes.count),
                           dice: try matrix("metrics/dice", Double.self, shape: shape),
                           hd95: try matrix("metrics/hd95", Double.self, shape: shape),
                           assd: try matrix("metrics/assd", Double.self, shape: shape),
                           bothEmpty: try matrix("metrics/both_empty", UInt8.self, shape: shape))
        let count = try scalar("metrics/both_empty_count", Int64.self)
        guard count == Int64(m.bothEmptyCount) else {
            throw fail("'metrics/both_empty_count' is \(count) but 'metrics/both_empty' flags \(m.bothEmptyCount) cells")
        }
        return m
    }

    func weights(_ group: String, _ names: [String]) throws -> [NamedArray] {
        let stored = Set(file.datasetPaths().filter { $0.hasPrefix(group + "/") }.map { String($0.dropFirst(group.count + 1)) })
        guard stored == Set(names) else {
            let extra = stored.subtracting(names).sorted(), missing = Set(names).subtracting(stored).sorted()
            throw fail("'\(group)' does not match 'weights/variables' (missing: \(missing), not listed: \(extra))")
        }
        return try names.map { name in
            let (shape, values) = try file.readFloats("\(group)/\(name)")
            return NamedArray(name: name, shape: shape, values: values)
        }
    }

    func activations(_ group: String) throws -> RunActivations {
        let (eShape, embeddings) = try file.readFloats("\(group)/g1/embeddings")
        guard eShape.count == 2 else { throw fail("'\(group)/g1/embeddings' must be [N, D], has shape \(eShape)") }
        let ids = try strings("\(group)/g1/volume_ids", count: eShape[0])
        let (dShape, features) = try file.readFloats("\(group)/decoder/features")
        guard dShape.count == 4 else { throw fail("'\(group)/decoder/features' must be [K, C, H, W], has shape \(dShape)") }
        return RunActivations(
            embeddings: embeddings, embeddingSize: eShape[1], embeddingVolumeIDs: ids,
            embeddingSliceIndices: try vector("\(group)/g1/slice_indices", Int64.self, count: eShape[0]),
            embeddingPartitions: try vector("\(group)/g1/partitions", Int64.self, count: eShape[0]),
            decoderBlock: try scalar("\(group)/decoder/block", Int64.self), decoderFeatures: features, decoderShape: dShape,
            decoderVolumeIDs: try strings("\(group)/decoder/volume_ids", count: dShape[0]),
            decoderSliceIndices: try vector("\(group)/decoder/slice_indices", Int64.self, count: dShape[0]))
    }

    func prediction(_ id: String) throws -> VolumePrediction {
        let (shape, labels) = try file.readUInt8s("predictions/\(id)/labels")
        guard shape.count == 3 else { throw fail("'predictions/\(id)/labels' must be [X, Y, Z], has shape \(shape)") }
        return VolumePrediction(volumeID: id, shape: shape, labels: labels,
                                affine: try matrix("predictions/\(id)/affine", Double.self, shape: [4, 4]),
                                spacing: try vector("predictions/\(id)/spacing", Double.self, count: 3))
    }
}
