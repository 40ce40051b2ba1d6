import Determinism
import Engine

/// The two local losses of stage 2 (spec §4.3–4.4), by the original's `local_loss_exp_no`.
public enum LocalLossKind: String, Sendable, CaseIterable, Codable {
    /// L^R, exp 0: two intensity views of randomly drawn slices.
    case random = "LR"
    /// L^D, exp 1: same partition of other volumes as extra positives.
    case domain = "LD"
}

/// Builds one stage-2 batch: intensity-only views (no crop, so window (u, v) shows the same anatomy in
/// both views), with terms over the local embedding rows of `regions`.
///
/// - L^R: `batchSize` slices (B_l, the init file's `batch_size_ft` = 10, Q5) drawn with replacement,
///   two views interleaved: 2·B_l images, normaliser 13 · 2·B_l.
/// - L^D: `volumes` (3) × `parts` (4) slices, volume-major, rows [view 1 ‖ view 2]: 2B images,
///   normaliser 13 · 2B. `batchSize` is ignored (the original forces B = 12).
public struct LocalBatchBuilder: Sendable {
    public let loss: LocalLossKind
    public let batchSize: Int
    public let volumes: Int
    public let parts: Int
    public let regions: LocalRegions
    public let augmentation: ViewAugmentation
    public let sampler: PartitionSampler
    /// Listed negative windows used per term (5 for L^R, 4 for L^D in the original).
    public let negativeCount: Int

    public var pool: ContrastivePool { sampler.pool }

    public init(pool: ContrastivePool, loss: LocalLossKind, featureSize: Int, regionSize: Int = 1, batchSize: Int = 10, volumes: Int = 3,
                parts: Int = 4, negativeCount: Int? = nil, augmentation: ViewAugmentation = ViewAugmentation()) throws {
        guard batchSize > 0, volumes > 0 else { throw ContrastiveError("local batch", "batch size and volume count must be positive") }
        self.loss = loss
        self.batchSize = batchSize
        self.volumes = volumes
        self.parts = parts
        self.augmentation = augmentation
        self.negativeCount = negativeCount ?? (loss == .random ? 5 : 4)
        guard (1...5).contains(self.negativeCount) else {
            throw ContrastiveError("local batch", "\(self.negativeCount) negative windows per region, the table lists 5")
        }
        regions = try LocalRegions.paper(featureSize: featureSize, regionSize: regionSize)
        sampler = try PartitionSampler(pool: pool, parts: loss == .random ? 1 : parts)
        try Self.checkShape(loss: loss, volumes: volumes, poolVolumes: pool.volumes.count)
    }

    /// The rule on the volumes per draw that needs nothing of the pool but its size, so a planned run can
    /// be checked before any volume is read (the regions are checked by `LocalRegions.paper`).
    public static func checkShape(loss: LocalLossKind, volumes: Int, poolVolumes: Int) throws {
        if loss == .domain && volumes > poolVolumes {
            throw ContrastiveError("unlabelled pool", "LD needs \(volumes) distinct volumes per draw, the pool has \(poolVolumes)")
        }
    }

    public func batch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        let (h, w) = (pool.height, pool.width)
        switch loss {
        case .random:
            let all = pool.allSlices
            let picks = (0..<batchSize).map { _ in all[stream.int(in: 0...(all.count - 1))] }
            let originals = picks.map(pool.pixels)
            let v1 = try augmentation.views(of: originals, height: h, width: w, crop: false, using: &stream)
            let v2 = try augmentation.views(of: originals, height: h, width: w, crop: false, using: &stream)
            var images: [[Float]] = [], sources: [ImageSource?] = []
            for k in 0..<batchSize {
                images += [v1[k], v2[k]]
                sources += [ImageSource(slice: picks[k], partition: nil, view: 1), ImageSource(slice: picks[k], partition: nil, view: 2)]
            }
            return ContrastiveBatch(height: h, width: w, images: images, sources: sources,
                                    terms: regions.randomTerms(pairs: batchSize, negativeCount: negativeCount),
                                    normaliser: Float(regions.anchors.count * 2 * batchSize))
        case .domain:
            let picks = try sampler.drawGroups(volumes, using: &stream)
            let originals = picks.map(pool.pixels)
            let v1 = try augmentation.views(of: originals, height: h, width: w, crop: false, using: &stream)
            let v2 = try augmentation.views(of: originals, height: h, width: w, crop: false, using: &stream)
            var sources: [ImageSource?] = []
            for view in 1...2 { sources += picks.enumerated().map { ImageSource(slice: $1, partition: $0 % parts, view: view) } }
            return ContrastiveBatch(height: h, width: w, images: v1 + v2, sources: sources,
                                    terms: regions.domainTerms(volumes: volumes, parts: parts, negativeCount: negativeCount),
                                    normaliser: Float(regions.anchors.count * 2 * picks.count))
        }
    }
}
