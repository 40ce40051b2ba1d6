import Determinism
import Engine

/// The original's random elastic deformation (method-spec §5.4 step 2, `calc_deform` + the deformation
/// graph + `create_rand_augs`).
///
/// For each image of the batch, in order: a 3×3 grid of N(0, σ²) row displacements, then a 3×3 grid of
/// column displacements (the original's `flow[..., 0]`, which `dense_image_warp` applies to rows, then
/// `flow[..., 1]`), each upsampled to the image size by `BicubicUpsampling` and rounded to float32 (TF's
/// placeholder). Then one k uniform in 1...(N − 2) (`np.random.randint(1, mtask_bs − 1)`: 1...18 for
/// N = 20): images at batch index ≥ k, and their one-hot labels, are replaced by their `DenseWarp`ed
/// versions; images 0..<k stay as they are. Grids are drawn for every image, so the stream does not depend
/// on k; only the warped ones are upsampled.
public struct ElasticDeformation: Sendable, Equatable {
    /// Displacement standard deviation in pixels: 5 in the paper's runs (`--sigma 5`); the function's own
    /// default is 10.
    public var sigma: Double
    /// Control grid size per axis (3 in the original).
    public var gridSize: Int

    public init(sigma: Double = 5, gridSize: Int = 3) {
        self.sigma = sigma
        self.gridSize = gridSize
    }

    /// Draws for one batch.
    public struct Draw: Sendable, Equatable {
        /// Per image, `[gridSize, gridSize]` row then column displacements (pixels).
        public var rowGrids: [[Double]]
        public var columnGrids: [[Double]]
        /// First deformed batch index.
        public var firstDeformed: Int
    }

    /// The first-deformed index range for a batch of `count`: 1...(count − 2), or 1...1 for tiny batches.
    public static func firstDeformedRange(count: Int) -> ClosedRange<Int> { 1...max(1, count - 2) }

    public func draw(count: Int, using rng: inout RandomStream) -> Draw {
        let g = gridSize * gridSize
        var rows = [[Double]](), cols = [[Double]]()
        for _ in 0..<count {
            rows.append((0..<g).map { _ in sigma * rng.normal() })
            cols.append((0..<g).map { _ in sigma * rng.normal() })
        }
        return Draw(rowGrids: rows, columnGrids: cols,
                    firstDeformed: rng.int(in: ElasticDeformation.firstDeformedRange(count: count)))
    }

    /// A grid upsampled to `[height, width]` float32 displacements.
    public func field(_ grid: [Double], height: Int, width: Int) -> [Float] {
        BicubicUpsampling.resize(grid, rows: gridSize, columns: gridSize, toRows: height, columns: width).map { Float($0) }
    }

    /// Applies `draw` to a batch with one-hot (or soft) labels.
    public func apply(_ draw: Draw, to batch: SliceBatch) -> SliceBatch {
        var out = batch
        let h = batch.height, w = batch.width, plane = h * w, lp = batch.classes * plane
        for i in draw.firstDeformed..<batch.count {
            let dr = field(draw.rowGrids[i], height: h, width: w)
            let dc = field(draw.columnGrids[i], height: h, width: w)
            let img = DenseWarp.warp(Array(batch.images[(i * plane)..<((i + 1) * plane)]), channels: 1, rows: h, columns: w,
                                     rowDisplacement: dr, columnDisplacement: dc)
            out.images.replaceSubrange((i * plane)..<((i + 1) * plane), with: img)
            if let labels = batch.labels {
                let lab = DenseWarp.warp(Array(labels[(i * lp)..<((i + 1) * lp)]), channels: batch.classes, rows: h, columns: w,
                                         rowDisplacement: dr, columnDisplacement: dc)
                out.labels!.replaceSubrange((i * lp)..<((i + 1) * lp), with: lab)
            }
        }
        return out
    }
}
