import Engine
import Training

/// Synthetic pools for the contrastive tests: pixel (r, c) of slice z of volume v is
/// `0.08·v + 0.005·z + (r·W + c)/200` (values in [0, 1] for small pools), different for every slice and
/// varying across the image so that crops change it.
enum PoolFixture {
    static func pool(sliceCounts: [Int], size: Int = 8) throws -> ContrastivePool {
        let volumes = sliceCounts.enumerated().map { v, n in
            PoolVolume(id: "vol\(v)", slices: (0..<n).map { z in
                (0..<(size * size)).map { 0.08 * Float(v) + 0.005 * Float(z) + Float($0) / 200 }
            })
        }
        return try ContrastivePool(volumes: volumes, height: size, width: size)
    }

    /// A crop box that fits `size`-pixel test slices under both fidelities.
    static func augmentation(_ fidelity: ContrastiveFidelity, size: Int = 8) -> ViewAugmentation {
        ViewAugmentation(fidelity: fidelity, cropBox: size / 2, cropOffsets: 1...(size / 2 - 1))
    }
}
