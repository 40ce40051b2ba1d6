import Foundation

/// A smooth random field on a pixel grid: unit-variance Gaussian values on a coarse lattice (one node
/// every `cell` pixels), interpolated with smoothstep weights, then rescaled to unit SD over the grid.
/// Used for tissue texture (cells of a few mm) and nothing that needs an exact spectrum.
struct SmoothField {
    let width: Int, height: Int
    private(set) var values: [Double]   // row-major [height, width]: index y * width + x

    init(width: Int, height: Int, cell: Double, draw: inout PhantomDraw) {
        self.width = width
        self.height = height
        let cell = max(1, cell)
        let nx = Int((Double(width) / cell).rounded(.up)) + 2, ny = Int((Double(height) / cell).rounded(.up)) + 2
        var lattice = [Double](repeating: 0, count: nx * ny)
        for i in lattice.indices { lattice[i] = draw.normal() }
        var out = [Double](repeating: 0, count: width * height)
        for y in 0..<height {
            let fy = Double(y) / cell, iy = Int(fy), ty = fy - Double(iy), wy = ty * ty * (3 - 2 * ty)
            for x in 0..<width {
                let fx = Double(x) / cell, ix = Int(fx), tx = fx - Double(ix), wx = tx * tx * (3 - 2 * tx)
                let a = lattice[iy * nx + ix], b = lattice[iy * nx + ix + 1]
                let c = lattice[(iy + 1) * nx + ix], d = lattice[(iy + 1) * nx + ix + 1]
                out[y * width + x] = (a + (b - a) * wx) + ((c + (d - c) * wx) - (a + (b - a) * wx)) * wy
            }
        }
        let mean = out.reduce(0, +) / Double(out.count)
        let sd = (out.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(out.count)).squareRoot()
        values = out.map { sd > 0 ? ($0 - mean) / sd : 0 }
    }

    subscript(x: Int, y: Int) -> Double { values[y * width + x] }
}
