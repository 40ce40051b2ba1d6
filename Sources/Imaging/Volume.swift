/// A 3D scalar volume in NIfTI storage order: `[X, Y, Z]`, x fastest, voxel (x, y, z) at
/// `x + X·(y + Y·z)`. Axis 2 (z) is the slice axis of every dataset here (method-spec §1.1 step 4).
///
/// Values are float32 after scl_slope/scl_inter; the original's pipeline computes in float32 too.
/// The geometry travels with the voxels so that predictions can be written back on the native grid.
public struct Volume: Sendable, Equatable {
    /// `[X, Y, Z]`.
    public var shape: [Int]
    public var voxels: [Float]
    /// Voxel size in mm along x, y, z (pixdim[1...3]).
    public var spacing: [Double]
    /// Voxel index → world (mm) transform, the one a reader would use (sform if set, else qform).
    public var affine: Affine

    public init(shape: [Int], voxels: [Float], spacing: [Double], affine: Affine) {
        precondition(shape.count == 3 && shape.allSatisfy { $0 > 0 }, "Volume: shape must be [X, Y, Z] > 0, got \(shape)")
        precondition(voxels.count == shape[0] * shape[1] * shape[2],
                     "Volume: \(voxels.count) voxels for shape \(shape)")
        precondition(spacing.count == 3, "Volume: spacing must have 3 entries, got \(spacing)")
        self.shape = shape
        self.voxels = voxels
        self.spacing = spacing
        self.affine = affine
    }

    public var sliceCount: Int { shape[2] }

    @inlinable public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + shape[0] * (y + shape[1] * z) }

    @inlinable public subscript(x: Int, y: Int, z: Int) -> Float {
        get { voxels[index(x, y, z)] }
        set { voxels[index(x, y, z)] = newValue }
    }

    /// Slice z as a row-major image `[X rows, Y columns]`: the 2D array `volume[:, :, z]` of NumPy
    /// on a nibabel-loaded volume, which is what the original network sees.
    public func slice(_ z: Int) -> Image2D {
        let (nx, ny) = (shape[0], shape[1])
        var pixels = [Float](repeating: 0, count: nx * ny)
        let base = nx * ny * z
        for y in 0..<ny { for x in 0..<nx { pixels[x * ny + y] = voxels[base + x + nx * y] } }
        return Image2D(rows: nx, columns: ny, pixels: pixels)
    }

    /// Builds a volume from slices `[X rows, Y columns]` (the inverse of `slice`).
    public init(slices: [Image2D], spacing: [Double], affine: Affine) {
        precondition(!slices.isEmpty, "Volume: no slices")
        let (nx, ny) = (slices[0].rows, slices[0].columns)
        var voxels = [Float](repeating: 0, count: nx * ny * slices.count)
        for (z, s) in slices.enumerated() {
            precondition(s.rows == nx && s.columns == ny, "Volume: slice \(z) is \(s.rows)×\(s.columns), not \(nx)×\(ny)")
            let base = nx * ny * z
            for x in 0..<nx { for y in 0..<ny { voxels[base + x + nx * y] = s.pixels[x * ny + y] } }
        }
        self.init(shape: [nx, ny, slices.count], voxels: voxels, spacing: spacing, affine: affine)
    }
}

/// A row-major 2D image `[rows, columns]`.
public struct Image2D: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var pixels: [Float]

    public init(rows: Int, columns: Int, pixels: [Float]) {
        precondition(pixels.count == rows * columns, "Image2D: \(pixels.count) pixels for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.init(rows: rows, columns: columns, pixels: [Float](repeating: value, count: rows * columns))
    }

    @inlinable public subscript(r: Int, c: Int) -> Float {
        get { pixels[r * columns + c] }
        set { pixels[r * columns + c] = newValue }
    }
}

/// A 4×4 affine, row-major, mapping voxel indices (i, j, k, 1) to world millimetres.
public struct Affine: Sendable, Equatable, Codable {
    public var m: [Double]

    public init(_ m: [Double]) {
        precondition(m.count == 16, "Affine: 16 entries, got \(m.count)")
        self.m = m
    }

    /// Diagonal scaling by the spacing, origin 0: what NIfTI implies when neither qform nor sform is set.
    public static func scaling(_ spacing: [Double]) -> Affine {
        Affine([spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1])
    }

    public subscript(r: Int, c: Int) -> Double { m[r * 4 + c] }
}
