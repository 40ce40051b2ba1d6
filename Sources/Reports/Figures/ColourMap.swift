import Imaging

/// A diverging colour map for values in [−1, 1] (cosine similarities): blue at −1, light grey at 0, red at
/// +1, linear in RGB between Moreland's cool–warm end points. Integer rounding only, so the same value is
/// always the same colour.
public enum DivergingColourMap {
    static let low = (59.0, 76.0, 192.0), middle = (221.0, 221.0, 221.0), high = (180.0, 4.0, 38.0)

    public static func colour(_ value: Double) -> RGB {
        let v = value.isFinite ? max(-1, min(1, value)) : 0
        let (a, b, t) = v < 0 ? (middle, low, -v) : (middle, high, v)
        func mix(_ x: Double, _ y: Double) -> UInt8 { UInt8((x + (y - x) * t).rounded()) }
        return RGB(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// A vertical bar from +1 (top) to −1 (bottom), `width` × `height` pixels.
    public static func bar(width: Int, height: Int) -> RGBCanvas {
        var c = RGBCanvas(width: width, height: height)
        for y in 0..<height {
            let v = 1 - 2 * Double(y) / Double(max(1, height - 1))
            for x in 0..<width { c[x, y] = colour(v) }
        }
        return c
    }
}
