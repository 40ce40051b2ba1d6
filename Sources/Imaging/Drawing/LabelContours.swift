/// Label outlines drawn over a picture.
public enum LabelContours {
    /// Pixels of label `l` (≠ 0) with a 4-neighbour of another label (or the image border) are painted
    /// `colours[l]`: the inner boundary of each structure, 1 pixel wide, so neighbouring labels show
    /// two touching lines rather than one ambiguous one. `labels` is row-major `[canvas.height, canvas.width]`.
    public static func draw(_ labels: [Int], on canvas: inout RGBCanvas, colours: LabelColours) {
        let (w, h) = (canvas.width, canvas.height)
        precondition(labels.count == w * h, "LabelContours: \(labels.count) labels for a \(w)×\(h) canvas")
        for y in 0..<h {
            for x in 0..<w {
                let l = labels[y * w + x]
                guard l != 0, let colour = colours[l] else { continue }
                let edge = x == 0 || y == 0 || x == w - 1 || y == h - 1
                    || labels[y * w + x - 1] != l || labels[y * w + x + 1] != l
                    || labels[(y - 1) * w + x] != l || labels[(y + 1) * w + x] != l
                if edge { canvas[x, y] = colour }
            }
        }
    }

    /// Nearest-neighbour upscaling of a row-major label map `[height, width]`.
    public static func upscale(_ labels: [Int], width: Int, height: Int, by factor: Int) -> [Int] {
        var out = [Int](repeating: 0, count: width * height * factor * factor)
        let ow = width * factor
        for y in 0..<(height * factor) { for x in 0..<ow { out[y * ow + x] = labels[(y / factor) * width + x / factor] } }
        return out
    }
}

/// Colours for label values; a label without a colour is not drawn.
public struct LabelColours: Sendable {
    public var colours: [Int: RGB]
    public init(_ colours: [Int: RGB]) { self.colours = colours }
    public subscript(label: Int) -> RGB? { colours[label] }

    /// ACDC: 1 RV blue, 2 myocardium green, 3 LV red (distinguishable for red–green colour blindness by
    /// brightness: the green is light, the red dark).
    public static let acdc = LabelColours([1: RGB(40, 120, 255), 2: RGB(80, 230, 80), 3: RGB(230, 40, 40)])
}
