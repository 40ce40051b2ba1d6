import Imaging

/// What a chart shows: series on a numeric or categorical x axis, or per-category distributions
/// (box and strip plots). `ChartRenderer` turns it into pixels.
public struct Chart: Sendable {
    public enum XAxis: Sendable, Equatable {
        /// Numbers; nil range means fit the data.
        case numeric(range: ClosedRange<Double>? = nil)
        /// Named slots 0, 1, …, drawn at the centres of equal bands; series x values are slot indices.
        case categorical([String])
    }

    public enum Style: Sendable, Equatable { case line, scatter, lineAndMarkers }

    /// One data point; `errorLow`/`errorHigh` are the ends of its error bar (e.g. mean ∓ std), if any.
    /// An `open` point is drawn as a ring instead of a disc: a value with less behind it than its
    /// neighbours (a report's cell with fewer runs than planned).
    public struct Point: Sendable, Equatable {
        public var x: Double, y: Double
        public var errorLow: Double?, errorHigh: Double?
        public var open: Bool
        public init(_ x: Double, _ y: Double, errorLow: Double? = nil, errorHigh: Double? = nil, open: Bool = false) {
            self.x = x; self.y = y; self.errorLow = errorLow; self.errorHigh = errorHigh; self.open = open
        }
        /// A point with a symmetric error bar of half-length `error`.
        public init(_ x: Double, _ y: Double, error: Double) { self.init(x, y, errorLow: y - error, errorHigh: y + error) }
    }

    public struct Series: Sendable {
        public var name: String
        public var points: [Point]
        public var style: Style
        public var color: RGB?
        public init(_ name: String, points: [Point], style: Style = .lineAndMarkers, color: RGB? = nil) {
            self.name = name; self.points = points; self.style = style; self.color = color
        }
    }

    /// Values of one group (e.g. a method) in each category (e.g. a label budget): drawn as a box
    /// (quartiles, median, whiskers to the furthest values within 1.5 IQR) with every value as a dot.
    public struct Distribution: Sendable {
        public var name: String
        /// valuesPerCategory[c] are the values in category c; empty means nothing drawn there.
        public var valuesPerCategory: [[Double]]
        public var color: RGB?
        public init(_ name: String, valuesPerCategory: [[Double]], color: RGB? = nil) {
            self.name = name; self.valuesPerCategory = valuesPerCategory; self.color = color
        }
    }

    /// A horizontal line across the plot (e.g. the benchmark's mean), dashed, listed in the legend.
    public struct ReferenceLine: Sendable {
        public var name: String
        public var y: Double
        public var color: RGB
        public init(_ name: String, y: Double, color: RGB = RGB(0, 0, 0)) {
            self.name = name; self.y = y; self.color = color
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xAxis: XAxis
    /// nil: fit the data (and error bars) and widen to nice ticks.
    public var yRange: ClosedRange<Double>?
    public var series: [Series] = []
    public var distributions: [Distribution] = []
    public var referenceLines: [ReferenceLine] = []
    /// On a categorical axis, series k of K is drawn `(k − (K − 1)/2) · dodge` slots right of its
    /// category's centre, so that error bars of different series at one category do not cover each other.
    public var dodge: Double = 0
    public var width: Int
    public var height: Int
    /// Text is drawn at this multiple of the 5×9 font (2 reads well at ~800 pixels wide).
    public var textScale: Int

    public init(title: String, xLabel: String, yLabel: String, xAxis: XAxis = .numeric(),
                yRange: ClosedRange<Double>? = nil, width: Int = 800, height: Int = 500, textScale: Int = 2) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.xAxis = xAxis
        self.yRange = yRange; self.width = width; self.height = height; self.textScale = textScale
    }

    /// Colours told apart by most colour-blind readers (Okabe & Ito 2008), in legend order.
    public static let palette: [RGB] = [
        RGB(0, 114, 178), RGB(230, 159, 0), RGB(0, 158, 115), RGB(204, 121, 167),
        RGB(86, 180, 233), RGB(213, 94, 0), RGB(240, 228, 66), RGB(0, 0, 0),
    ]
}
