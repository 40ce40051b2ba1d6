import Determinism
import Engine
import TrainingSettings

/// One of the three pretext tasks the paper compares its pre-training with (method-spec §6), with the
/// corruption it trains on.
public enum PretextTask: Sendable, Hashable, Codable {
    case rotation
    case inpainting(InpaintingCorruption)
    case contextRestoration(ContextRestorationCorruption)

    /// The stable name used in methods, run keys and reports.
    public var name: String {
        switch self {
        case .rotation: "rotation"
        case .inpainting: "inpainting"
        case .contextRestoration: "context"
        }
    }
}

/// What one pretext step feeds the network and the loss.
///
/// - images: the network's input `[count, 1, side, side]` row-major (rotated or corrupted slices);
/// - target: the rotation classes, or the uncorrupted slices with per-pixel loss weights;
/// - sources: the pool slice each image was made from.
public struct PretextBatch: Sendable {
    public enum Target: Sendable {
        /// The quarter-turn count of each image, 0–3.
        case rotation(classes: [Int])
        /// `[count, 1, side, side]` original pixels, and the weight of each pixel in the squared error.
        case restoration(images: [Float], weights: [Float])
    }

    public let count: Int
    public let side: Int
    public let images: [Float]
    public let target: Target
    public let sources: [SliceAddress]

    public var tensor: Tensor { Tensor(shape: [count, 1, side, side], data: images) }
}

/// Draws pretext batches from the unlabelled pool: slices uniformly with replacement from every slice
/// of every pool volume, as the original's `shuffle_minibatch` samples (utils.py), then the task's
/// transformation.
///
/// Loss regions, which the original leaves open (it has no pretext training script): inpainting is
/// scored on the zeroed box only, as Pathak et al.'s reconstruction loss is (elsewhere the U-Net's skip
/// connections make copying the input trivial); context restoration on the whole slice, as Chen et al.
/// score it, since every pixel may have moved.
public struct PretextBatchBuilder: Sendable {
    public let pool: ContrastivePool
    public let task: PretextTask
    public let batchSize: Int

    public init(pool: ContrastivePool, task: PretextTask, batchSize: Int) throws {
        guard pool.height == pool.width else { throw ContrastiveError("pretext pool", "slices are \(pool.height)×\(pool.width), not square") }
        guard batchSize >= 1 else { throw ContrastiveError("pretext batch", "batch size \(batchSize)") }
        switch task {
        case .rotation: break
        case .inpainting(let c):
            guard c.boxSide < pool.height else { throw ContrastiveError("inpainting", "box of \(c.boxSide) pixels does not fit \(pool.height)² slices") }
        case .contextRestoration(let c):
            guard pool.height > 2 * c.patchSide else { throw ContrastiveError("context restoration", "\(c.patchSide)-pixel patches do not fit \(pool.height)² slices") }
        }
        self.pool = pool
        self.task = task
        self.batchSize = batchSize
    }

    public func batch(using stream: inout RandomStream) -> PretextBatch {
        let side = pool.height
        let draws = if case .rotation = task { RotationPretext.sourcesNeeded(batchSize: batchSize) } else { batchSize }
        let sources = (0..<draws).map { _ in pool.allSlices[stream.int(in: 0...(pool.allSlices.count - 1))] }
        let originals = sources.map(pool.pixels)
        switch task {
        case .rotation:
            let (images, classes) = RotationPretext.batch(sources: originals, side: side, batchSize: batchSize)
            return PretextBatch(count: batchSize, side: side, images: images.flatMap { $0 }, target: .rotation(classes: classes),
                                sources: (0..<batchSize).map { sources[$0 / RotationPretext.classes] })
        case .inpainting(let c):
            var images: [Float] = [], weights: [Float] = []
            for o in originals {
                let (corrupted, mask) = InpaintingCorruption.apply(o, side: side, box: c.box(side: side, stream: &stream))
                images += corrupted
                weights += mask
            }
            return PretextBatch(count: batchSize, side: side, images: images,
                                target: .restoration(images: originals.flatMap { $0 }, weights: weights), sources: sources)
        case .contextRestoration(let c):
            let images = originals.flatMap { c.apply($0, side: side, swaps: c.draw(side: side, stream: &stream)) }
            return PretextBatch(count: batchSize, side: side, images: images,
                                target: .restoration(images: originals.flatMap { $0 }, weights: [Float](repeating: 1, count: images.count)),
                                sources: sources)
        }
    }
}
