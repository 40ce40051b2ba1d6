import Imaging

/// One preprocessed volume of the unlabelled pool: its slices along the original axis 2, each
/// row-major `[H, W]` (`Volume.slice(z)`), in slice order, because partitions are contiguous runs of them.
public struct PoolVolume: Sendable, Equatable {
    public let id: String
    public let slices: [[Float]]

    public init(id: String, slices: [[Float]]) {
        self.id = id
        self.slices = slices
    }

    /// The slices of a preprocessed volume (`[X, Y, Z]` → Z images of `[X rows, Y columns]`).
    public init(id: String, volume: Volume) {
        self.init(id: id, slices: (0..<volume.sliceCount).map { volume.slice($0).pixels })
    }
}

/// The unlabelled volumes stage 1 and stage 2 draw from, all with slices of one size `height × width`.
public struct ContrastivePool: Sendable {
    public let volumes: [PoolVolume]
    public let height: Int
    public let width: Int
    /// `(volume, slice)` of every slice in pool order: the concatenation G^R and L^R draw from.
    public let allSlices: [SliceAddress]

    public init(volumes: [PoolVolume], height: Int, width: Int) throws {
        guard !volumes.isEmpty else { throw ContrastiveError("unlabelled pool", "no volumes") }
        var all: [SliceAddress] = []
        for (v, vol) in volumes.enumerated() {
            guard !vol.slices.isEmpty else { throw ContrastiveError(vol.id, "volume has no slices") }
            for (z, s) in vol.slices.enumerated() {
                guard s.count == height * width else {
                    throw ContrastiveError(vol.id, "slice \(z) has \(s.count) pixels, expected \(height)×\(width)")
                }
                all.append(SliceAddress(volume: v, slice: z))
            }
        }
        self.volumes = volumes
        self.height = height
        self.width = width
        self.allSlices = all
    }

    public func pixels(_ a: SliceAddress) -> [Float] { volumes[a.volume].slices[a.slice] }
}

/// A slice of the pool: index of its volume in `ContrastivePool.volumes` and its index along axis 2.
public struct SliceAddress: Sendable, Hashable {
    public let volume: Int
    public let slice: Int

    public init(volume: Int, slice: Int) {
        self.volume = volume
        self.slice = slice
    }
}
