import Datasets
import Foundation
import Planning
import RunStore

/// One case as the runs consume it: the preprocessed slices `[Z, n, n]` (with labels) and the reference
/// label volume on the native grid (what test and validation Dice are computed against).
public struct PreparedCase: Sendable {
    public var id: String
    public var slices: PreprocessedSlices
    public var reference: Volume
    public var hash: VolumeHash
}

/// The data of an experiment, ready for training: the phantom generated on first use, every case the plan
/// needs loaded once, preprocessed through the cache under the experiment's output directory.
public final class ExperimentData {
    public let experiment: Experiment
    public let dataset: Dataset
    public let preprocessing: VolumePreprocessing
    public let cache: PreprocessCache
    public private(set) var cases: [String: PreparedCase] = [:]

    /// Generates the phantom if the experiment asks for one and `data.root/phantom.json` (written last, so
    /// its presence means the dataset is whole) is missing. Returns whether it generated. A phantom that is
    /// there but was made by another generator version, seed or volume count is an error: it is the user's
    /// data and is never replaced silently.
    @discardableResult
    public static func ensurePhantom(_ e: Experiment, harnessVersion: String, log: (String) -> Void = { _ in }) throws -> Bool {
        guard e.data.kind == .phantom else { return false }
        let volumes = e.data.phantomVolumes ?? 40, seed = e.data.phantomSeed ?? 1
        let manifest = "\(e.data.root)/phantom.json"
        if let data = FileManager.default.contents(atPath: manifest) {
            struct Recipe: Decodable { var generator: String; var seed: UInt64; var volumes: Int }
            guard let found = try? JSONDecoder().decode(Recipe.self, from: data) else {
                throw RunnerError(manifest, "is not a phantom manifest this harness can read; move the directory away and rerun to regenerate it")
            }
            guard found.generator == PhantomGenerator.version, found.seed == seed, found.volumes == volumes else {
                throw RunnerError(manifest, "holds a phantom made by \(found.generator) with seed \(found.seed) and \(found.volumes) volumes; "
                                  + "this experiment needs \(PhantomGenerator.version) with seed \(seed) and \(volumes) volumes. "
                                  + "Move or delete \(e.data.root) and rerun to generate it")
            }
            return false
        }
        log("generating the phantom (\(volumes) volumes, seed \(seed)) into \(e.data.root)")
        try PhantomDatasetWriter.write(root: e.data.root, volumes: volumes, seed: seed, parameters: PhantomParameters(),
                                       harnessVersion: harnessVersion)
        return true
    }

    /// N4 is off: the phantom has its bias field in the image on purpose, and for real data the original ran
    /// N4 offline (the inputs are taken as already corrected).
    public init(_ e: Experiment) throws {
        experiment = e
        // The split file declares the dataset's classes (if it does): labels are remapped to them on load.
        dataset = try Dataset(kind: e.data.layout, root: e.data.root, classes: e.classes(try SplitFileParser.read(e.data.split)))
        preprocessing = VolumePreprocessing(n4: nil, slices: SlicePreprocessor(targetSpacing: e.settings.scale.targetSpacing,
                                                                               size: e.settings.scale.inputSize))
        cache = try PreprocessCache(directory: "\(e.output)/cache/preprocess")
    }

    /// Loads and preprocesses every id not yet prepared, in sorted order (the order never changes a value,
    /// but it keeps logs stable).
    public func prepare(_ ids: [String]) throws {
        for id in Set(ids).sorted() where cases[id] == nil {
            let c = try dataset.load(id)
            let source = try dataset.files(for: id).image
            let (slices, _) = try cache.slices(imageSHA256: c.imageSHA256, labelSHA256: c.labelSHA256, preprocessing: preprocessing) {
                try preprocessing(image: c.image, label: c.label, source: source)
            }
            cases[id] = PreparedCase(id: id, slices: slices, reference: c.label,
                                     hash: VolumeHash(id: id, imageSHA256: c.imageSHA256, labelSHA256: c.labelSHA256))
        }
    }

    public func `case`(_ id: String) throws -> PreparedCase {
        guard let c = cases[id] else { throw RunnerError(experiment.path, "case \(id) was not prepared (a runner bug)") }
        return c
    }

    /// The cases of `ids`, in the order given.
    public func cases(_ ids: [String]) throws -> [PreparedCase] { try ids.map { try self.case($0) } }

    /// Hashes of `ids`, sorted by id, as run files list them.
    public func hashes(_ ids: [String]) throws -> [VolumeHash] { try Set(ids).sorted().map { try self.case($0).hash } }
}
