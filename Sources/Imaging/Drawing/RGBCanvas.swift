/// An 8-bit RGB picture, row-major `[height, width, 3]`, for previews and report figures.
public struct RGBCanvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, fill: RGB = RGB(0, 0, 0)) {
        precondition(width > 0 && height > 0, "RGBCanvas: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) { pixels[3 * i] = fill.r; pixels[3 * i + 1] = fill.g; pixels[3 * i + 2] = fill.b }
    }

    /// A gray picture of an image's rows and columns, values mapped through `window` (row r, column c of
    /// the image is pixel (x: c, y: r)).
    public init(_ image: Image2D, window: IntensityWindow) {
        self.init(width: image.columns, height: image.rows)
        for i in 0..<(image.rows * image.columns) {
            let g = window.byte(image.pixels[i])
            pixels[3 * i] = g; pixels[3 * i + 1] = g; pixels[3 * i + 2] = g
        }
    }

    public subscript(x: Int, y: Int) -> RGB {
        get { let i = 3 * (y * width + x); return RGB(pixels[i], pixels[i + 1], pixels[i + 2]) }
        set { let i = 3 * (y * width + x); pixels[i] = newValue.r; pixels[i + 1] = newValue.g; pixels[i + 2] = newValue.b }
    }

    /// Each pixel becomes a `factor`×`factor` block (nearest neighbour: no invented detail).
    public func upscaled(by factor: Int) -> RGBCanvas {
        precondition(factor >= 1, "upscale factor must be at least 1, got \(factor)")
        var out = RGBCanvas(width: width * factor, height: height * factor)
        for y in 0..<out.height { for x in 0..<out.width { out[x, y] = self[x / factor, y / factor] } }
        return out
    }

    /// Copies `other` with its top-left corner at (x, y); parts outside are clipped.
    public mutating func paste(_ other: RGBCanvas, x: Int, y: Int) {
        for sy in 0..<other.height where y + sy >= 0 && y + sy < height {
            for sx in 0..<other.width where x + sx >= 0 && x + sx < width { self[x + sx, y + sy] = other[sx, sy] }
        }
    }

    /// Side by side, left to right, separated by `gap` pixels of `background`; heights may differ (top-aligned).
    public static func row(_ panels: [RGBCanvas], gap: Int = 4, background: RGB = RGB(0, 0, 0)) -> RGBCanvas {
        precondition(!panels.isEmpty, "RGBCanvas.row: no panels")
        let width = panels.map(\.width).reduce(0, +) + gap * (panels.count - 1)
        var out = RGBCanvas(width: width, height: panels.map(\.height).max()!, fill: background)
        var x = 0
        for p in panels { out.paste(p, x: x, y: 0); x += p.width + gap }
        return out
    }

    public func writePNG(to path: String) throws {
        try PNGFile.write(pixels, width: width, height: height, channels: .rgb, to: path)
    }
}

/// An 8-bit colour.
public struct RGB: Sendable, Equatable, Hashable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
}
