import Imaging

/// Where a chart's plot area lies and how data coordinates map to pixels (y grows downward in pixels).
public struct ChartLayout: Sendable, Equatable {
    /// Plot area, inclusive pixel bounds; the axes are drawn on `left` (y axis) and `bottom` (x axis).
    public let left: Int, right: Int, top: Int, bottom: Int
    public let xRange: ClosedRange<Double>, yRange: ClosedRange<Double>
    public let xTicks: [(value: Double, label: String)]
    public let yTicks: NiceTicks

    public func pixelX(_ x: Double) -> Int {
        left + Int(((x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * Double(right - left)).rounded())
    }
    public func pixelY(_ y: Double) -> Int {
        bottom - Int(((y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * Double(bottom - top)).rounded())
    }

    public static func == (a: ChartLayout, b: ChartLayout) -> Bool {
        (a.left, a.right, a.top, a.bottom) == (b.left, b.right, b.top, b.bottom) && a.xRange == b.xRange
            && a.yRange == b.yRange && a.yTicks == b.yTicks
            && a.xTicks.map(\.value) == b.xTicks.map(\.value) && a.xTicks.map(\.label) == b.xTicks.map(\.label)
    }
}

/// Draws a `Chart`: title on top, y label (read upward) and tick labels on the left, x tick labels and
/// label below, legend to the right of the plot area so it never hides data. Integer pixels throughout.
public enum ChartRenderer {
    public static let background = RGB(255, 255, 255)
    public static let ink = RGB(0, 0, 0)
    public static let grid = RGB(228, 228, 228)
    static let tickLength = 5
    static let markerRadius = 3

    public static func render(_ chart: Chart) -> RGBCanvas { layoutAndRender(chart).canvas }

    public static func layoutAndRender(_ chart: Chart) -> (canvas: RGBCanvas, layout: ChartLayout) {
        let s = chart.textScale, font = BitmapFont.standard
        let textH = BitmapFont.glyphHeight * s
        var canvas = RGBCanvas(width: chart.width, height: chart.height, fill: background)

        // Ranges. y covers points, error bars and distributions; x covers points (numeric) or the slots.
        var ys: [Double] = chart.series.flatMap { $0.points.flatMap { [$0.y, $0.errorLow, $0.errorHigh].compactMap { $0 } } }
        ys += chart.distributions.flatMap { $0.valuesPerCategory.flatMap { $0 } }
        ys += chart.referenceLines.map(\.y)
        ys = ys.filter(\.isFinite)  // a missing value (NaN) is not drawn and must not stretch the axis
        let yTicks: NiceTicks
        let yRange: ClosedRange<Double>
        if let r = chart.yRange {
            let t = NiceTicks(lower: r.lowerBound, upper: r.upperBound)
            (yTicks, yRange) = (t, r)
        } else {
            let t = NiceTicks(lower: ys.min() ?? 0, upper: ys.max() ?? 1)
            (yTicks, yRange) = (t, t.lower...t.upper)
        }
        let xTicks: [(value: Double, label: String)]
        let xRange: ClosedRange<Double>
        switch chart.xAxis {
        case .categorical(let names):
            precondition(!names.isEmpty, "Chart: a categorical axis needs at least one category")
            xTicks = names.enumerated().map { (Double($0.offset), $0.element) }
            xRange = -0.5...(Double(names.count) - 0.5)
        case .numeric(let range):
            let xs = chart.series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
            let t = NiceTicks(lower: range?.lowerBound ?? xs.min() ?? 0, upper: range?.upperBound ?? xs.max() ?? 1)
            xRange = range ?? (t.lower...t.upper)
            xTicks = zip(t.values, t.labels).filter { xRange.contains($0.0) || abs($0.0 - xRange.upperBound) < 1e-9 * t.step }
                .map { ($0.0, $0.1) }
        }
        let yLabels = zip(yTicks.values, yTicks.labels).filter { $0.0 >= yRange.lowerBound - 1e-9 * yTicks.step
            && $0.0 <= yRange.upperBound + 1e-9 * yTicks.step }

        // Margins from the text they must hold.
        let legend = legendEntries(chart)
        let legendW = legend.isEmpty ? 0 : 24 + 8 + legend.map { font.size(of: $0.name, scale: s).width }.max()! + 16
        let yTickW = yLabels.map { font.size(of: $0.1, scale: s).width }.max() ?? 0
        let left = 10 + (chart.yLabel.isEmpty ? 0 : textH + 10) + yTickW + 6 + tickLength
        let top = 10 + (chart.title.isEmpty ? 0 : textH + 12)
        let bottom = chart.height - (10 + (chart.xLabel.isEmpty ? 0 : textH + 8) + textH + 6 + tickLength)
        // The last x tick label is centred on the axis end: leave room for its right half.
        let lastTickHalf = (xTicks.last.map { font.size(of: $0.label, scale: s).width } ?? 0) / 2 + 4
        let rightGap = max(16, lastTickHalf)
        let right = chart.width - rightGap - legendW
        precondition(right - left > 40 && bottom - top > 40, "Chart: \(chart.width)×\(chart.height) is too small for its text")
        let layout = ChartLayout(left: left, right: right, top: top, bottom: bottom,
                                 xRange: xRange, yRange: yRange, xTicks: xTicks, yTicks: yTicks)

        // Grid and ticks.
        for (v, label) in yLabels {
            let y = layout.pixelY(v)
            canvas.fillRect(left + 1, y, right, y, grid)
            canvas.fillRect(left - tickLength, y, left - 1, y, ink)
            let w = font.size(of: label, scale: s).width
            canvas.drawText(label, x: left - tickLength - 6 - w, y: y - textH / 2, color: ink, scale: s)
        }
        for (v, label) in xTicks {
            let x = layout.pixelX(v)
            canvas.fillRect(x, bottom + 1, x, bottom + tickLength, ink)
            let w = font.size(of: label, scale: s).width
            canvas.drawText(label, x: x - w / 2, y: bottom + tickLength + 6, color: ink, scale: s)
        }

        drawDistributions(chart, layout, &canvas)
        for line in chart.referenceLines {
            let y = layout.pixelY(line.y)
            canvas.drawLine(left + 1, y, right, y, line.color, thickness: 2, dash: (on: 8, off: 6))
        }
        let isCategorical = if case .categorical = chart.xAxis { true } else { false }
        for (i, series) in chart.series.enumerated() {
            let shift = isCategorical ? (Double(i) - Double(chart.series.count - 1) / 2) * chart.dodge : 0
            drawSeries(series, color: series.color ?? Chart.palette[i % Chart.palette.count], xShift: shift, layout, &canvas)
        }

        // Axes last so that data never covers them.
        canvas.fillRect(left, top, left, bottom, ink)
        canvas.fillRect(left, bottom, right, bottom, ink)

        if !chart.title.isEmpty {
            let w = font.size(of: chart.title, scale: s).width
            canvas.drawText(chart.title, x: (left + right) / 2 - w / 2, y: 10, color: ink, scale: s)
        }
        if !chart.xLabel.isEmpty {
            let w = font.size(of: chart.xLabel, scale: s).width
            canvas.drawText(chart.xLabel, x: (left + right) / 2 - w / 2, y: chart.height - 10 - textH, color: ink, scale: s)
        }
        if !chart.yLabel.isEmpty {
            let w = font.size(of: chart.yLabel, scale: s).width
            canvas.drawText(chart.yLabel, x: 10, y: (top + bottom) / 2 - w / 2, color: ink, scale: s, direction: .upward)
        }
        drawLegend(legend, x: right + rightGap, y: top, scale: s, &canvas)
        return (canvas, layout)
    }

    struct LegendEntry { let name: String; let color: RGB; let kind: Kind; enum Kind { case series(Chart.Style), box, reference } }

    /// Series and groups with an empty name are drawn but not listed (e.g. a second panel sharing a legend).
    static func legendEntries(_ chart: Chart) -> [LegendEntry] {
        allLegendEntries(chart).filter { !$0.name.isEmpty }
    }

    static func allLegendEntries(_ chart: Chart) -> [LegendEntry] {
        chart.series.enumerated().map { i, s in
            LegendEntry(name: s.name, color: s.color ?? Chart.palette[i % Chart.palette.count], kind: .series(s.style))
        } + chart.distributions.enumerated().map { i, d in
            LegendEntry(name: d.name, color: d.color ?? Chart.palette[i % Chart.palette.count], kind: .box)
        } + chart.referenceLines.map { LegendEntry(name: $0.name, color: $0.color, kind: .reference) }
    }

    static func drawLegend(_ entries: [LegendEntry], x: Int, y: Int, scale s: Int, _ canvas: inout RGBCanvas) {
        let textH = BitmapFont.glyphHeight * s, rowH = textH + 8
        for (i, e) in entries.enumerated() {
            let cy = y + i * rowH + textH / 2
            switch e.kind {
            case .series(let style):
                if style != .scatter { canvas.drawLine(x, cy, x + 24, cy, e.color, thickness: 2) }
                if style != .line { canvas.fillDisc(x + 12, cy, radius: markerRadius, e.color) }
            case .reference:
                canvas.drawLine(x, cy, x + 24, cy, e.color, thickness: 2, dash: (on: 8, off: 6))
            case .box:
                canvas.fillRect(x + 4, cy - textH / 2 + 1, x + 20, cy + textH / 2 - 1, tint(e.color))
                canvas.strokeRect(x + 4, cy - textH / 2 + 1, x + 20, cy + textH / 2 - 1, e.color)
            }
            canvas.drawText(e.name, x: x + 32, y: cy - textH / 2, color: ink, scale: s)
        }
    }

    static func drawSeries(_ series: Chart.Series, color: RGB, xShift: Double = 0, _ layout: ChartLayout,
                           _ canvas: inout RGBCanvas) {
        let shifted = series.points.map { p in var q = p; q.x += xShift; return q }
        let pts = shifted.filter { $0.x.isFinite && $0.y.isFinite }
        for p in pts {
            guard let lo = p.errorLow, let hi = p.errorHigh, lo.isFinite, hi.isFinite else { continue }
            let x = layout.pixelX(p.x), y0 = layout.pixelY(lo), y1 = layout.pixelY(hi)
            canvas.fillRect(x, min(y0, y1), x, max(y0, y1), color)
            canvas.fillRect(x - 4, y0, x + 4, y0, color)
            canvas.fillRect(x - 4, y1, x + 4, y1, color)
        }
        if series.style != .scatter {
            // Segments join neighbours only: a missing point (NaN) leaves a gap rather than a made-up line.
            for (a, b) in zip(shifted, shifted.dropFirst()) where a.x.isFinite && a.y.isFinite && b.x.isFinite && b.y.isFinite {
                canvas.drawLine(layout.pixelX(a.x), layout.pixelY(a.y), layout.pixelX(b.x), layout.pixelY(b.y), color, thickness: 2)
            }
        }
        if series.style != .line {
            for p in pts {
                let (x, y) = (layout.pixelX(p.x), layout.pixelY(p.y))
                if p.open {
                    // A ring one pixel larger than a disc, so an open marker is as easy to see as a filled one.
                    canvas.fillDisc(x, y, radius: markerRadius + 1, color)
                    canvas.fillDisc(x, y, radius: markerRadius - 1, background)
                } else {
                    canvas.fillDisc(x, y, radius: markerRadius, color)
                }
            }
        }
    }

    /// Boxes of the groups side by side within each category's band, every value shown as a dot spread
    /// sideways by a fixed pattern (not random) so that equal values stay visible.
    static func drawDistributions(_ chart: Chart, _ layout: ChartLayout, _ canvas: inout RGBCanvas) {
        let groups = chart.distributions
        guard !groups.isEmpty else { return }
        let band = Double(layout.pixelX(1) - layout.pixelX(0))
        let boxW = max(6, Int(band * 0.75 / Double(groups.count)))
        for (g, group) in groups.enumerated() {
            let color = group.color ?? Chart.palette[g % Chart.palette.count]
            for (c, values) in group.valuesPerCategory.enumerated() where !values.isEmpty {
                let centre = layout.pixelX(Double(c)) + Int((Double(g) - Double(groups.count - 1) / 2) * Double(boxW + 4))
                let b = BoxSummary(values)
                let (x0, x1) = (centre - boxW / 2, centre + boxW / 2)
                canvas.fillRect(centre, layout.pixelY(b.upperWhisker), centre, layout.pixelY(b.lowerWhisker), color)
                for w in [b.lowerWhisker, b.upperWhisker] { canvas.fillRect(centre - boxW / 4, layout.pixelY(w), centre + boxW / 4, layout.pixelY(w), color) }
                canvas.fillRect(x0, layout.pixelY(b.upperQuartile), x1, layout.pixelY(b.lowerQuartile), tint(color))
                canvas.strokeRect(x0, layout.pixelY(b.upperQuartile), x1, layout.pixelY(b.lowerQuartile), color)
                canvas.fillRect(x0, layout.pixelY(b.median) - 1, x1, layout.pixelY(b.median), color)
                let spread = max(1, boxW / 2 - 3)
                for (j, v) in values.enumerated() {
                    let offset = ((j * 37) % 9 - 4) * spread / 4
                    canvas.fillDisc(centre + offset, layout.pixelY(v), radius: 2, darken(color))
                }
            }
        }
    }

    /// The colour mixed three parts white to one part colour, for box fills.
    static func tint(_ c: RGB) -> RGB {
        func mix(_ v: UInt8) -> UInt8 { UInt8((Int(v) + 3 * 255) / 4) }
        return RGB(mix(c.r), mix(c.g), mix(c.b))
    }

    static func darken(_ c: RGB) -> RGB { RGB(UInt8(Int(c.r) * 2 / 3), UInt8(Int(c.g) * 2 / 3), UInt8(Int(c.b) * 2 / 3)) }
}
