import Imaging

/// Integer-pixel drawing on `RGBCanvas`, clipped to the canvas. No antialiasing: every pixel is either
/// untouched or set to the colour, so figures are identical bytes on every machine.
extension RGBCanvas {
    /// Sets (x, y) when it lies on the canvas.
    public mutating func plot(_ x: Int, _ y: Int, _ color: RGB) {
        if x >= 0 && x < width && y >= 0 && y < height { self[x, y] = color }
    }

    /// Fills the rectangle with corners (x0, y0) and (x1, y1), both inclusive, in any order.
    public mutating func fillRect(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: RGB) {
        let (left, right) = (max(0, min(x0, x1)), min(width - 1, max(x0, x1)))
        let (top, bottom) = (max(0, min(y0, y1)), min(height - 1, max(y0, y1)))
        guard left <= right, top <= bottom else { return }  // entirely off the canvas
        for y in top...bottom { for x in left...right { self[x, y] = color } }
    }

    /// The outline of that rectangle, one pixel wide.
    public mutating func strokeRect(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: RGB) {
        fillRect(x0, y0, x1, y0, color); fillRect(x0, y1, x1, y1, color)
        fillRect(x0, y0, x0, y1, color); fillRect(x1, y0, x1, y1, color)
    }

    /// A straight line by Bresenham's algorithm, both ends included; `thickness` > 1 stamps a square pen
    /// centred on each pixel. `dash` (on, off) in pixels along the major axis gives dashed lines.
    public mutating func drawLine(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ color: RGB,
                                  thickness: Int = 1, dash: (on: Int, off: Int)? = nil) {
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy, x = x0, y = y0, step = 0
        let lo = -(thickness - 1) / 2, hi = thickness / 2
        while true {
            if dash.map({ step % ($0.on + $0.off) < $0.on }) ?? true {
                if thickness == 1 { plot(x, y, color) } else { fillRect(x + lo, y + lo, x + hi, y + hi, color) }
            }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            step += 1
        }
    }

    /// A filled disc of integer `radius` centred on (cx, cy): pixels with dx² + dy² ≤ r² + r.
    public mutating func fillDisc(_ cx: Int, _ cy: Int, radius: Int, _ color: RGB) {
        let limit = radius * radius + radius
        for dy in -radius...radius { for dx in -radius...radius where dx * dx + dy * dy <= limit { plot(cx + dx, cy + dy, color) } }
    }

    public enum TextDirection: Sendable { case horizontal, upward }

    /// Draws `text` with the built-in font. (x, y) is the top-left corner of the text box for horizontal
    /// text; for upward text (read bottom to top, for y-axis labels) it is the top-left corner of the
    /// rotated box, which is `height` wide and `width` tall.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGB, scale: Int = 1,
                                  direction: TextDirection = .horizontal, font: BitmapFont = .standard) {
        let (w, _) = font.size(of: text, scale: scale)
        var pen = 0
        for scalar in text.unicodeScalars {
            let g = font.glyph(scalar)
            for r in 0..<BitmapFont.glyphHeight {
                for c in 0..<BitmapFont.glyphWidth where g.isInk(column: c, row: r) {
                    let u = (pen + c) * scale, v = r * scale  // position in the unrotated text box
                    switch direction {
                    case .horizontal: fillRect(x + u, y + v, x + u + scale - 1, y + v + scale - 1, color)
                    case .upward:
                        // Rotate 90° anticlockwise: box column u becomes row w−1−u, box row v becomes column v.
                        fillRect(x + v, y + w - u - scale, x + v + scale - 1, y + w - u - 1, color)
                    }
                }
            }
            pen += BitmapFont.advance
        }
    }
}
