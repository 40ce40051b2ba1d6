import Determinism
import Engine
import Imaging

/// Why a slice pool could not be built: names the volume and the problem.
public struct SlicePoolError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var problem: String
    public var description: String { "\(source): \(problem)" }
}

/// Every preprocessed slice of a set of volumes, stacked so that a batch can be drawn uniformly over
/// slices (method-spec §5.3: the original concatenates all volumes along z and draws slice indices with
/// `np.random.choice(..., replace=True)`, so a volume with more slices is drawn proportionally more often
/// and empty slices are kept).
///
/// - images: `[S, n, n]` row-major, S = total slice count over the volumes, in the order given;
/// - labels: `[S, n, n]` class indices stored as floats, or nil for an unlabelled pool.
public struct SlicePool: Sendable, Equatable {
    public let size: Int
    public let count: Int
    public let images: [Float]
    public let labels: [Float]?
    /// Per stacked slice, which volume (index into the list given) and which z it came from.
    public let origins: [SliceOrigin]

    public struct SliceOrigin: Sendable, Equatable, Hashable {
        public var volume: Int
        public var z: Int
    }

    /// A labelled pool (fine-tuning, baseline, benchmark): every volume must carry a label.
    public init(labelled volumes: [PreprocessedSlices], sources: [String]) throws {
        try self.init(volumes, sources: sources, labelled: true)
    }

    /// An unlabelled pool (pre-training, self-training's pseudo-labelling): labels are ignored.
    public init(unlabelled volumes: [PreprocessedSlices], sources: [String]) throws {
        try self.init(volumes, sources: sources, labelled: false)
    }

    private init(_ volumes: [PreprocessedSlices], sources: [String], labelled: Bool) throws {
        precondition(volumes.count == sources.count, "SlicePool: \(volumes.count) volumes but \(sources.count) source names")
        guard let first = volumes.first else {
            throw SlicePoolError(source: "slice pool", problem: "no volumes given")
        }
        let n = first.geometry.size
        var images = [Float](), labels = [Float](), origins = [SliceOrigin]()
        for (v, volume) in volumes.enumerated() {
            let source = sources[v]
            guard volume.geometry.size == n else {
                throw SlicePoolError(source: source, problem: "slices are \(volume.geometry.size)² but the pool's first volume has \(n)²")
            }
            let z = volume.geometry.sliceCount
            guard z > 0 else { throw SlicePoolError(source: source, problem: "volume has no slices") }
            guard volume.images.count == z * n * n else {
                throw SlicePoolError(source: source, problem: "\(volume.images.count) image values for [\(z), \(n), \(n)]")
            }
            images += volume.images
            if labelled {
                guard let l = volume.labels else { throw SlicePoolError(source: source, problem: "no label, but the pool is labelled") }
                guard l.count == z * n * n else {
                    throw SlicePoolError(source: source, problem: "\(l.count) label values for [\(z), \(n), \(n)]")
                }
                labels += l
            }
            for k in 0..<z { origins.append(SliceOrigin(volume: v, z: k)) }
        }
        self.size = n
        self.count = origins.count
        self.images = images
        self.labels = labelled ? labels : nil
        self.origins = origins
    }

    /// `count` stacked-slice indices, uniform with replacement, in draw order.
    public func drawIndices(_ count: Int, using rng: inout RandomStream) -> [Int] {
        (0..<count).map { _ in rng.int(in: 0...(self.count - 1)) }
    }

    /// The slices at `indices`: images `[N, n, n]` and, for a labelled pool, label indices `[N, n, n]`.
    public func gather(_ indices: [Int]) -> SampledSlices {
        let plane = size * size
        var img = [Float](), lab: [Float]? = labels == nil ? nil : []
        img.reserveCapacity(indices.count * plane)
        for i in indices {
            img += images[(i * plane)..<((i + 1) * plane)]
            if let labels { lab! += labels[(i * plane)..<((i + 1) * plane)] }
        }
        return SampledSlices(size: size, indices: indices, images: img, labelIndices: lab)
    }

    /// A batch of `batchSize` slices (`mtask_bs` = 20 in the paper) drawn uniformly with replacement.
    public func sample(batchSize: Int = 20, using rng: inout RandomStream) -> SampledSlices {
        gather(drawIndices(batchSize, using: &rng))
    }
}

/// Slices drawn from a `SlicePool`, before augmentation.
/// - images: `[N, n, n]`; labelIndices: `[N, n, n]` class indices (nil when unlabelled);
/// - indices: the stacked-slice index of each, for provenance.
public struct SampledSlices: Sendable, Equatable {
    public var size: Int
    public var indices: [Int]
    public var images: [Float]
    public var labelIndices: [Float]?
    public var count: Int { indices.count }
}
