import AtomicWrite
import Foundation
import Imaging

/// What `cseg preprocess` writes, so the harness's preprocessing can be inspected and compared with other
/// tools: per case `<out>/<id>/img_cropped.nii.gz` and `mask_cropped.nii.gz` (the slices the runner
/// trains on, `[Z, n, n]` at the target spacing) and, with N4, `n4_log_bias_field.nii.gz`; and
/// `<out>/preprocess.json`, which describes content only (input file and slice hashes, percentiles),
/// never whether an entry came from the cache.
public struct PreprocessExport {
    /// One case of `preprocess.json`.
    public struct Case: Codable, Sendable, Equatable {
        public var id: String
        public var imageFileSHA256: String
        public var labelFileSHA256: String
        public var sliceShape: [Int]
        public var p1: Float
        public var p99: Float
        public var imageSlicesSHA256: String
        public var labelSlicesSHA256: String
    }

    public var dataset: Dataset
    public var pipeline: VolumePreprocessing
    public var out: String
    public var cache: PreprocessCache

    public init(dataset: Dataset, pipeline: VolumePreprocessing, out: String, cache: PreprocessCache) {
        self.dataset = dataset
        self.pipeline = pipeline
        self.out = out
        self.cache = cache
    }

    public var summaryPath: String { "\(out)/preprocess.json" }

    /// Writes every case of `ids`, then the summary; `log` gets one line per case (and one per N4 field).
    @discardableResult
    public func write(ids: [String], log: (String) -> Void = { _ in }) throws -> [Case] {
        let targetSpacing = pipeline.slices.targetSpacing
        var cases: [Case] = []
        for id in ids {
            let c = try dataset.load(id)
            let files = try dataset.files(for: id)
            let dir = "\(out)/\(id)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // N4 once per case: its log bias field is written beside the arrays (as SimpleITK's
            // GetLogBiasFieldAsImage gives it), so the correction can be compared with the reference tools.
            let n4Result = try pipeline.n4.map { try $0(c.image, source: files.image) }
            if let r = n4Result {
                var field = c.image
                field.voxels = r.logBiasField.map { Float($0) }
                let path = "\(dir)/n4_log_bias_field.nii.gz"
                // The input's header when it is 3-D (or 4-D with one frame); a frame of a 4-D image gets a 3-D file.
                let header = try NIfTI.readHeader(files.image)
                if header.dims.dropFirst(3).allSatisfy({ $0 == 1 }) {
                    try NIfTI.write(field, to: path, as: .float32, description: "cseg N4 log bias field", headerFrom: files.image)
                } else {
                    try NIfTI.write(field, to: path, as: .float32, description: "cseg N4 log bias field")
                }
                log("\(id)  N4: \(r.iterations.map(String.init).joined(separator: "+")) iterations, log bias field \(path)")
            }
            let (s, outcome) = try cache.slices(imageSHA256: c.imageSHA256, labelSHA256: c.labelSHA256, preprocessing: pipeline) {
                if let r = n4Result { return try pipeline.slices(image: r.corrected, label: c.label, source: files.image) }
                return try pipeline(image: c.image, label: c.label, source: files.image)
            }
            let n = s.geometry.size, z = s.geometry.sliceCount
            func volume(_ values: [Float]) -> Volume {
                let slices = (0..<z).map { Image2D(rows: n, columns: n, pixels: Array(values[($0 * n * n)..<(($0 + 1) * n * n)])) }
                let spacing = [targetSpacing[0], targetSpacing[1], c.image.spacing[2]]
                return Volume(slices: slices, spacing: spacing, affine: .scaling(spacing))
            }
            try NIfTI.write(volume(s.images), to: "\(dir)/img_cropped.nii.gz", as: .float32)
            try NIfTI.write(volume(s.labels!), to: "\(dir)/mask_cropped.nii.gz", as: .int16)
            let outcomeText: String
            switch outcome {
            case .hit: outcomeText = "hit"
            case .miss: outcomeText = "computed"
            case .replacedCorrupt: outcomeText = "recomputed (damaged entry replaced)"
            }
            log("\(id)  \(z)×\(n)×\(n)  p1 \(s.normalisation.low)  p99 \(s.normalisation.high)  \(outcomeText)")
            cases.append(Case(id: id, imageFileSHA256: c.imageSHA256, labelFileSHA256: c.labelSHA256, sliceShape: s.shape,
                              p1: s.normalisation.low, p99: s.normalisation.high, imageSlicesSHA256: s.imageHash,
                              labelSlicesSHA256: s.labelHash!))
        }
        struct Summary: Codable {
            var preprocessing: String; var layout: String; var root: String; var targetSpacing: [Double]; var sliceSize: Int
            var cases: [Case]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Summary(preprocessing: pipeline.canonicalDescription, layout: dataset.kind.rawValue,
                                              root: dataset.root, targetSpacing: targetSpacing, sliceSize: pipeline.slices.size,
                                              cases: cases))
        data.append(0x0A)
        try AtomicFile.write(data, to: summaryPath)
        return cases
    }
}
