import Determinism
import Engine

/// The three global losses of stage 1 (spec §3.3–3.6), by the original's `global_loss_exp_no`.
public enum GlobalLossKind: String, Sendable, CaseIterable, Codable {
    /// G^R, exp 0: SimCLR-like, two cropped views per slice, partitions ignored.
    case random = "GR"
    /// G^D-, exp 1: same-partition images never negatives, positives only views of one slice.
    case domainMinus = "GD-"
    /// G^D, exp 2: same partition of another volume is a positive too.
    case domain = "GD"
}

/// Builds one stage-1 batch with its term list and normaliser.
///
/// `batchSize` is the original's `bt_size` B (README: 12): G^R draws B slices (2B images); G^D- draws
/// B/S volumes (3B images); G^D builds 4B images, from B/S volume pairs (intended) or the faithful
/// 2020 layout with blanks.
public struct GlobalBatchBuilder: Sendable {
    public let loss: GlobalLossKind
    public let batchSize: Int
    public let parts: Int
    public let augmentation: ViewAugmentation
    public let sampler: PartitionSampler

    public var pool: ContrastivePool { sampler.pool }
    public var fidelity: ContrastiveFidelity { augmentation.fidelity }

    public init(pool: ContrastivePool, loss: GlobalLossKind, batchSize: Int = 12, parts: Int = 4,
                augmentation: ViewAugmentation = ViewAugmentation()) throws {
        try Self.checkShape(loss: loss, batchSize: batchSize, parts: parts, fidelity: augmentation.fidelity, poolVolumes: pool.volumes.count)
        self.loss = loss
        self.batchSize = batchSize
        self.parts = parts
        self.augmentation = augmentation
        // G^R ignores partitions; the other losses need every volume to have at least S slices.
        sampler = try PartitionSampler(pool: pool, parts: loss == .random ? 1 : parts)
        _ = try augmentation.offsetRange(size: pool.height)
        _ = try augmentation.offsetRange(size: pool.width)
    }

    /// The rules on B and S that need nothing of the pool but its size, so a planned run can be checked
    /// before any volume is read: B a whole number of S-partition groups (G^R ignores partitions),
    /// faithful G^D only at S = 4, and enough distinct volumes for one draw.
    public static func checkShape(loss: GlobalLossKind, batchSize: Int, parts: Int, fidelity: ContrastiveFidelity, poolVolumes: Int) throws {
        guard batchSize > 0 else { throw ContrastiveError("global batch", "batch size must be positive") }
        if loss != .random {
            guard parts > 0, batchSize % parts == 0 else {
                throw ContrastiveError("global batch", "batch size \(batchSize) is not a whole number of \(parts)-partition groups")
            }
            if loss == .domain && fidelity == .faithful2020 && parts != 4 {
                throw ContrastiveError("global batch", "faithful-2020 G^D is defined only for 4 partitions (the original's other values use odd hard-coded sizes)")
            }
        }
        let needed = volumesPerBatch(loss: loss, batchSize: batchSize, parts: parts, fidelity: fidelity)
        guard needed <= poolVolumes else {
            throw ContrastiveError("unlabelled pool", "\(loss.rawValue) (\(fidelity.rawValue)) with batch size \(batchSize) needs \(needed) distinct volumes per draw, the pool has \(poolVolumes)")
        }
    }

    /// Distinct volumes one draw needs (per set, for faithful G^D).
    public var volumesPerBatch: Int { Self.volumesPerBatch(loss: loss, batchSize: batchSize, parts: parts, fidelity: fidelity) }

    static func volumesPerBatch(loss: GlobalLossKind, batchSize: Int, parts: Int, fidelity: ContrastiveFidelity) -> Int {
        switch loss {
        case .random: return 1
        case .domainMinus: return batchSize / parts
        case .domain: return fidelity == .intended ? 2 * batchSize / parts : faithfulFilledBlocks(batchSize: batchSize, parts: parts)
        }
    }

    /// Images per batch: 2B, 3B or 4B.
    public var imagesPerBatch: Int {
        switch loss {
        case .random: return 2 * batchSize
        case .domainMinus: return 3 * batchSize
        case .domain: return 4 * batchSize
        }
    }

    public func batch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        switch loss {
        case .random: return try randomBatch(using: &stream)
        case .domainMinus: return try domainMinusBatch(using: &stream)
        case .domain:
            return fidelity == .intended ? try domainBatch(using: &stream) : try faithfulDomainBatch(using: &stream)
        }
    }

    // MARK: G^R (§3.3)

    private func randomBatch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        let all = pool.allSlices
        let picks = (0..<batchSize).map { _ in all[stream.int(in: 0...(all.count - 1))] }
        let originals = picks.map(pool.pixels)
        // One augmentation call per view set, as the original augmented each half of the batch in one call.
        let v1 = try augmentation.views(of: originals, height: pool.height, width: pool.width, crop: true, using: &stream)
        let v2 = try augmentation.views(of: originals, height: pool.height, width: pool.width, crop: true, using: &stream)
        var images: [[Float]] = [], sources: [ImageSource?] = []
        for k in 0..<batchSize {
            images += [v1[k], v2[k]]
            sources += [ImageSource(slice: picks[k], partition: nil, view: 1), ImageSource(slice: picks[k], partition: nil, view: 2)]
        }
        return ContrastiveBatch(height: pool.height, width: pool.width, images: images, sources: sources,
                                terms: GlobalTerms.random(pairs: batchSize), normaliser: Float(2 * batchSize))
    }

    // MARK: G^D- (§3.4)

    private func domainMinusBatch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        let picks = try sampler.drawGroups(batchSize / parts, using: &stream)
        let originals = picks.map(pool.pixels)
        let a1 = try augmentation.views(of: originals, height: pool.height, width: pool.width, crop: true, using: &stream)
        let a2 = try augmentation.views(of: originals, height: pool.height, width: pool.width, crop: true, using: &stream)
        var sources: [ImageSource?] = []
        for view in 0..<3 {
            sources += picks.enumerated().map { ImageSource(slice: $1, partition: $0 % parts, view: view) }
        }
        return ContrastiveBatch(height: pool.height, width: pool.width, images: originals + a1 + a2, sources: sources,
                                terms: GlobalTerms.domainMinus(groupSlices: batchSize, parts: parts),
                                normaliser: Float(3 * batchSize))
    }

    // MARK: G^D intended (§3.6 port decision)

    /// m = B/S pairs of distinct volumes (all 2m distinct, so every chained positive, the wrap-around
    /// B_{m−1} ↔ A_0 included, joins two different volumes), blocks [A_k | A_k aug | B_k | B_k aug].
    private func domainBatch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        let m = batchSize / parts
        let volumes = try sampler.drawVolumes(2 * m, using: &stream)
        let groups = volumes.map { sampler.drawGroup(volume: $0, using: &stream) }
        let originals = groups.map { $0.map(pool.pixels) }
        let augmented = try augmentation.views(of: originals.flatMap { $0 }, height: pool.height, width: pool.width,
                                               crop: true, using: &stream)
        func aug(_ g: Int) -> [[Float]] { Array(augmented[(g * parts)..<((g + 1) * parts)]) }
        var images: [[Float]] = [], sources: [ImageSource?] = []
        for k in 0..<m {
            for (g, view) in [(2 * k, 0), (2 * k, 1), (2 * k + 1, 0), (2 * k + 1, 1)] {
                images += view == 0 ? originals[g] : aug(g)
                sources += groups[g].enumerated().map { ImageSource(slice: $1, partition: $0, view: view) }
            }
        }
        return ContrastiveBatch(height: pool.height, width: pool.width, images: images, sources: sources,
                                terms: GlobalTerms.domain(batch: 4 * batchSize, parts: parts),
                                normaliser: Float(4 * batchSize))
    }

    // MARK: G^D faithful-2020 (§3.6)

    /// Blocks of 4S the original's stitching loop fills in a 4B batch: it stops when i + 4S ≥ 4B, so
    /// the last block stays blank (2 of 3 for B = 12).
    public static func faithfulFilledBlocks(batchSize: Int, parts: Int) -> Int {
        var filled = 0
        for i in stride(from: 0, to: 4 * batchSize, by: 4 * parts) {
            if i + 4 * parts >= 4 * batchSize { break }
            filled += 1
        }
        return filled
    }

    /// Two independent sets (volumes may repeat across sets, Q6), each one slice per partition of its
    /// volumes, each slot augmented once with δ, c shared per B consecutive slots (the original's
    /// augmentation call); stitched [A_k | A_k aug | B_k | B_k aug] for the filled blocks, zeros after.
    /// Only volumes that reach the batch are drawn (the original drew 5 per set and used 2).
    private func faithfulDomainBatch(using stream: inout RandomStream) throws -> ContrastiveBatch {
        let filled = Self.faithfulFilledBlocks(batchSize: batchSize, parts: parts)
        var sets: [(groups: [[SliceAddress]], originals: [[Float]], augmented: [[Float]])] = []
        for _ in 0..<2 {
            let groups = try sampler.drawVolumes(filled, using: &stream).map { sampler.drawGroup(volume: $0, using: &stream) }
            let originals = groups.flatMap { $0 }.map(pool.pixels)
            var augmented: [[Float]] = []
            for start in stride(from: 0, to: originals.count, by: batchSize) {
                let call = Array(originals[start..<min(start + batchSize, originals.count)])
                augmented += try augmentation.views(of: call, height: pool.height, width: pool.width, crop: true, using: &stream)
            }
            sets.append((groups, originals, augmented))
        }
        let blank = [Float](repeating: 0, count: pool.height * pool.width)
        var images: [[Float]] = [], sources: [ImageSource?] = []
        for k in 0..<filled {
            let slots = (k * parts)..<((k + 1) * parts)
            for (set, view) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                images += view == 0 ? Array(sets[set].originals[slots]) : Array(sets[set].augmented[slots])
                sources += sets[set].groups[k].enumerated().map { ImageSource(slice: $1, partition: $0, view: view) }
            }
        }
        while images.count < 4 * batchSize {
            images.append(blank)
            sources.append(nil)
        }
        return ContrastiveBatch(height: pool.height, width: pool.width, images: images, sources: sources,
                                terms: GlobalTerms.domain(batch: 4 * batchSize, parts: parts),
                                normaliser: Float(4 * batchSize))
    }
}
