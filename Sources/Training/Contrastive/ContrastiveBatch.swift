import Engine

/// What one pre-training step feeds the network and the loss.
///
/// - images: `[count, 1, height, width]` row-major;
/// - terms: InfoNCE terms over the rows of the embeddings computed from `images` (global losses), or
///   over image · windows + window rows (local losses, see `LocalRegions.embeddingRow`);
/// - normaliser: the constant the summed terms are divided by (spec §3.2, §4.3–4.4);
/// - sources: where each image came from (nil for the blank images of faithful G^D), kept so that
///   tests and run files can say which volumes and partitions a batch held.
public struct ContrastiveBatch: Sendable {
    public let count: Int
    public let height: Int
    public let width: Int
    public let images: [Float]
    public let terms: [ContrastiveTerm]
    public let normaliser: Float
    public let sources: [ImageSource?]

    public init(height: Int, width: Int, images: [[Float]], sources: [ImageSource?], terms: [ContrastiveTerm],
                normaliser: Float) {
        precondition(images.count == sources.count, "ContrastiveBatch: \(images.count) images, \(sources.count) sources")
        precondition(images.allSatisfy { $0.count == height * width }, "ContrastiveBatch: image not \(height)×\(width)")
        count = images.count
        self.height = height
        self.width = width
        self.images = images.flatMap { $0 }
        self.sources = sources
        self.terms = terms
        self.normaliser = normaliser
    }

    /// The images as the network's input `[count, 1, height, width]`.
    public var tensor: Tensor { Tensor(shape: [count, 1, height, width], data: images) }

    /// Image i as `[height, width]`.
    public func image(_ i: Int) -> ArraySlice<Float> { images[(i * height * width)..<((i + 1) * height * width)] }
}

/// The slice an image shows, its partition (nil where partitions play no part, G^R and L^R) and
/// which view of it (0 = un-augmented for G^D-/G^D, otherwise the view number).
public struct ImageSource: Sendable, Hashable {
    public let slice: SliceAddress
    public let partition: Int?
    public let view: Int

    public init(slice: SliceAddress, partition: Int?, view: Int) {
        self.slice = slice
        self.partition = partition
        self.view = view
    }
}
