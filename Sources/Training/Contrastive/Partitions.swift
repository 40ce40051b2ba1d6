import Determinism
import Engine

/// The S contiguous chunks of a volume of N slices (spec §3.1, quirk Q7): chunk k is
/// `[k·⌊N/S⌋, (k+1)·⌊N/S⌋)`, so the last `N mod S` slices are never drawn.
public struct Partitions: Sendable, Equatable {
    public let chunks: [Range<Int>]

    /// Throws when N < S (an empty chunk), naming `volumeID`; the original crashed there.
    public init(sliceCount n: Int, parts s: Int, volumeID: String) throws {
        precondition(s > 0, "Partitions: need at least one partition")
        guard n >= s else {
            throw ContrastiveError(volumeID, "\(n) slices cannot be cut into \(s) partitions (need at least \(s))")
        }
        let step = n / s
        chunks = (0..<s).map { k in (k * step)..<((k + 1) * step) }
    }
}

/// Draws "volume groups" for the domain-aware losses: volumes without replacement (Python's
/// `random.sample`), then one slice uniformly from each partition, in partition order.
public struct PartitionSampler: Sendable {
    public let pool: ContrastivePool
    public let parts: Int
    private let partitions: [Partitions]

    /// Checks every pool volume up front, so a short volume fails at set-up, not at step 7000.
    public init(pool: ContrastivePool, parts: Int = 4) throws {
        self.pool = pool
        self.parts = parts
        partitions = try pool.volumes.map { try Partitions(sliceCount: $0.slices.count, parts: parts, volumeID: $0.id) }
    }

    /// `count` distinct volume indices in draw order.
    public func drawVolumes(_ count: Int, using stream: inout RandomStream) throws -> [Int] {
        guard count <= pool.volumes.count else {
            throw ContrastiveError("unlabelled pool",
                                   "\(count) distinct volumes needed per batch, the pool has \(pool.volumes.count)")
        }
        // Partial Fisher–Yates: the first `count` entries are a uniform sample without replacement.
        var order = Array(pool.volumes.indices)
        for i in 0..<count { order.swapAt(i, stream.int(in: i...(order.count - 1))) }
        return Array(order.prefix(count))
    }

    /// One slice per partition of volume `v`: S addresses in partition order.
    public func drawGroup(volume v: Int, using stream: inout RandomStream) -> [SliceAddress] {
        partitions[v].chunks.map { SliceAddress(volume: v, slice: stream.int(in: $0.lowerBound...($0.upperBound - 1))) }
    }

    /// Volume groups of `count` distinct volumes, concatenated volume-major: `count · S` addresses,
    /// address i in partition i mod S.
    public func drawGroups(_ count: Int, using stream: inout RandomStream) throws -> [SliceAddress] {
        try drawVolumes(count, using: &stream).flatMap { drawGroup(volume: $0, using: &stream) }
    }
}
