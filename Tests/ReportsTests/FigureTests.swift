import Foundation
import Imaging
import Testing
@testable import Reports

@Suite("Bitmap font, ticks and charts")
struct FigureTests {
    static func exampleChart() -> Chart {
        var c = Chart(title: "Dice vs labelled volumes", xLabel: "labelled volumes", yLabel: "Dice (mean ± std)")
        c.series = [
            .init("baseline", points: [.init(1, 0.42, error: 0.08), .init(2, 0.55, error: 0.06), .init(8, 0.81, error: 0.03)]),
            .init("G^D + L", points: [.init(1, 0.61, error: 0.05), .init(2, 0.70, error: 0.04), .init(8, 0.85, error: 0.02)]),
            .init("scatter", points: [.init(4, 0.3), .init(6, 0.35)], style: .scatter),
        ]
        return c
    }

    static func exampleBoxes() -> Chart {
        var c = Chart(title: "Per-volume Dice", xLabel: "label budget", yLabel: "Dice",
                      xAxis: .categorical(["1 vol", "2 vols", "8 vols"]), yRange: 0...1)
        c.distributions = [
            .init("baseline", valuesPerCategory: [[0.3, 0.42, 0.5, 0.55, 0.2], [0.5, 0.55, 0.6, 0.58], [0.8, 0.82, 0.79, 0.85]]),
            .init("random", valuesPerCategory: [[0.5, 0.6, 0.62, 0.7], [0.65, 0.7, 0.72, 0.74], [0.83, 0.86, 0.88, 0.87]]),
        ]
        return c
    }

    @Test("every printable ASCII character has its own glyph, and ± − × differ from ASCII")
    func glyphsDistinct() {
        let f = BitmapFont.standard
        let glyphs = (32...126).map { f.glyph(Unicode.Scalar($0)!) }
        #expect(Set(glyphs).count == 95)
        // Only the space is blank; every other character leaves ink.
        #expect(glyphs.dropFirst().allSatisfy { $0.rows.contains { $0 != 0 } })
        for extra in ["±", "−", "×"] { #expect(!glyphs.contains(f.glyph(extra.unicodeScalars.first!)), "\(extra)") }
        #expect(f.glyph("é") == f.replacement)
        #expect(f.size(of: "0.25", scale: 2) == (46, 18))
    }

    @Test("rendered text puts a glyph's ink where the font says, horizontally and rotated upward")
    func textPixels() {
        var c = RGBCanvas(width: 20, height: 20, fill: RGB(255, 255, 255))
        c.drawText("L", x: 2, y: 3, color: RGB(0, 0, 0))
        // "L": left column rows 0-6 and bottom row 6.
        #expect(c[2, 3] == RGB(0, 0, 0) && c[2, 9] == RGB(0, 0, 0) && c[6, 9] == RGB(0, 0, 0) && c[3, 3] == RGB(255, 255, 255))
        var u = RGBCanvas(width: 20, height: 20, fill: RGB(255, 255, 255))
        u.drawText("L", x: 2, y: 3, color: RGB(0, 0, 0), direction: .upward)
        // Rotated anticlockwise: the stem runs along the bottom row (y = 3 + 5 − 1), the foot up column 2 + 6.
        #expect((2...8).allSatisfy { u[$0, 7] == RGB(0, 0, 0) })
        #expect((3...7).allSatisfy { u[8, $0] == RGB(0, 0, 0) })
        #expect(u[2, 3] == RGB(255, 255, 255))
    }

    @Test("drawing off the canvas is clipped, never a crash: rectangles, lines and text partly or wholly outside")
    func clipping() {
        var c = RGBCanvas(width: 10, height: 8, fill: RGB(255, 255, 255))
        let before = c
        c.fillRect(-5, -9, 20, -1, RGB(0, 0, 0))       // wholly above
        c.fillRect(12, 0, 30, 7, RGB(0, 0, 0))         // wholly right
        c.drawText("1000", x: 4, y: -20, color: RGB(0, 0, 0), scale: 2)
        #expect(c == before)
        c.fillRect(-3, 6, 2, 12, RGB(0, 0, 0))         // corner inside: (0…2, 6…7)
        #expect(c[2, 7] == RGB(0, 0, 0) && c[0, 6] == RGB(0, 0, 0) && c[3, 7] == RGB(255, 255, 255) && c[2, 5] == RGB(255, 255, 255))
        c.drawLine(-4, -4, 14, 12, RGB(255, 0, 0), thickness: 3)
        #expect(c[5, 5] == RGB(255, 0, 0))
    }

    @Test("nice ticks in 1-2-5 steps, by hand")
    func ticks() {
        let t = NiceTicks(lower: 0.13, upper: 0.87)
        #expect(t.step == 0.2 && t.lower == 0 && t.upper == 1)
        #expect(t.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let u = NiceTicks(lower: 0, upper: 1)
        #expect(u.step == 0.2 && u.labels.last == "1.0")
        let v = NiceTicks(lower: 3, upper: 97)
        #expect(v.step == 20 && v.labels == ["0", "20", "40", "60", "80", "100"])
        let w = NiceTicks(lower: -0.031, upper: 0.012)
        #expect(w.step == 0.01 && w.labels == ["-0.04", "-0.03", "-0.02", "-0.01", "0.00", "0.01", "0.02"])
        let one = NiceTicks(lower: 5, upper: 5)
        #expect(one.step == 0.2 && one.lower == 4.4 && one.upper.isApproximatelyEqual(5.6))
        let big = NiceTicks(lower: 1, upper: 50_000)
        #expect(big.step == 10_000 && big.decimals == 0)
    }

    @Test("box summary: type-7 quartiles and Tukey whiskers, by hand")
    func boxSummary() {
        let b = BoxSummary([1, 2, 3, 4, 100])
        #expect(b.lowerQuartile == 2 && b.median == 3 && b.upperQuartile == 4)
        #expect(b.lowerWhisker == 1 && b.upperWhisker == 4)  // 100 > 4 + 1.5·2
        #expect(BoxSummary([1, 2, 3, 4]).lowerQuartile == 1.75)
    }

    @Test("a chart rendered twice is byte-identical, and its PNG reads back at its size through libpng")
    func determinismAndPNG() throws {
        let a = ChartRenderer.render(Self.exampleChart()), b = ChartRenderer.render(Self.exampleChart())
        #expect(a == b)
        #expect(ChartRenderer.render(Self.exampleBoxes()) == ChartRenderer.render(Self.exampleBoxes()))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-fig-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("chart.png").path
        try a.writePNG(to: path)
        let back = try PNGFile.read(path, as: .rgb)
        #expect(back.width == 800 && back.height == 500)
        #expect(back.pixels == a.pixels)
    }

    @Test("a small golden chart: axis lines, a data point and the tick positions by pixel probes")
    func goldenProbes() {
        var c = Chart(title: "", xLabel: "", yLabel: "", xAxis: .numeric(range: 0...10), yRange: 0...1,
                      width: 200, height: 120, textScale: 1)
        c.series = [.init("a", points: [.init(5, 0.5)], style: .scatter, color: RGB(255, 0, 0))]
        let (img, layout) = ChartRenderer.layoutAndRender(c)
        // Layout by hand: left = 10 + width("0.0") 17 + 6 + 5 = 38; top = 10; bottom = 120 − (10 + 9 + 6 + 5) = 90;
        // legend width = 24 + 8 + width("a") 5 + 16 = 53, right = 200 − 16 − 53 = 131.
        #expect((layout.left, layout.top, layout.bottom, layout.right) == (38, 10, 90, 131))
        #expect((10...90).allSatisfy { img[38, $0] == RGB(0, 0, 0) })      // y axis
        #expect((38...131).allSatisfy { img[$0, 90] == RGB(0, 0, 0) })     // x axis
        // (5, 0.5) → x = 38 + round(0.5 · 93) = 85 (46.5 rounds away from zero), y = 90 − 40 = 50.
        #expect(layout.pixelX(5) == 85 && layout.pixelY(0.5) == 50)
        #expect(img[85, 50] == RGB(255, 0, 0) && img[88, 50] == RGB(255, 0, 0) && img[89, 50] != RGB(255, 0, 0))
        // Grid line at y = 0.2 → row 90 − 16 = 74; tick mark left of the axis.
        #expect(img[60, 74] == ChartRenderer.grid && img[34, 74] == RGB(0, 0, 0))
        #expect(layout.xTicks.map(\.label) == ["0", "2", "4", "6", "8", "10"])
    }

    @Test("an open point is a ring one pixel wider than a filled one, hollow in the background colour")
    func openMarker() {
        var c = Chart(title: "", xLabel: "", yLabel: "", xAxis: .numeric(range: 0...10), yRange: 0...1,
                      width: 200, height: 120, textScale: 1)
        let red = RGB(255, 0, 0)
        c.series = [.init("a", points: [.init(5, 0.5, open: true), .init(2, 0.5)], style: .scatter, color: red)]
        let (img, layout) = ChartRenderer.layoutAndRender(c)
        let (ox, oy) = (layout.pixelX(5), layout.pixelY(0.5)), fx = layout.pixelX(2)
        // Open: centre and radius 2 (r² + r = 6 ≥ 4) hollow; radius 3 and 4 (r² + r = 20 ≥ 16) inked; 5 untouched.
        #expect(img[ox, oy] == ChartRenderer.background && img[ox + 2, oy] == ChartRenderer.background)
        #expect(img[ox + 3, oy] == red && img[ox + 4, oy] == red && img[ox + 5, oy] != red)
        // Filled: inked from the centre out to radius 3.
        #expect(img[fx, oy] == red && img[fx + 3, oy] == red && img[fx + 4, oy] != red)
    }

    @Test("example figures render with ink in them (and are written for looking at when REPORTS_EXAMPLE_DIR is set)")
    func examples() throws {
        let chart = ChartRenderer.render(Self.exampleChart()), boxes = ChartRenderer.render(Self.exampleBoxes())
        var t = RGBCanvas(width: 600, height: 120, fill: RGB(255, 255, 255))
        let all = String((32...126).map { Character(Unicode.Scalar($0)!) })
        t.drawText(String(all.prefix(48)), x: 4, y: 4, color: RGB(0, 0, 0), scale: 2)
        t.drawText(String(all.dropFirst(48)), x: 4, y: 28, color: RGB(0, 0, 0), scale: 2)
        t.drawText("Dice 0.812 ± 0.034 (12)  p < 0.001  −1.5×", x: 4, y: 52, color: RGB(0, 0, 0), scale: 2)
        t.drawText("scale 1: The quick brown fox jumps over the lazy dog 0123456789", x: 4, y: 80, color: RGB(0, 0, 0))
        // Every line of text left black pixels in its own band of rows; both charts drew more than their background.
        for rows in [4..<20, 28..<44, 52..<68, 80..<90] {
            #expect(rows.contains { y in (0..<t.width).contains { t[$0, y] == RGB(0, 0, 0) } }, "no text in rows \(rows)")
        }
        for canvas in [chart, boxes] { #expect(Set(stride(from: 0, to: canvas.pixels.count, by: 3).map { canvas.pixels[$0] }).count > 2) }
        guard let dir = ProcessInfo.processInfo.environment["REPORTS_EXAMPLE_DIR"] else { return }
        try chart.writePNG(to: dir + "/example-chart.png")
        try boxes.writePNG(to: dir + "/example-boxes.png")
        try t.writePNG(to: dir + "/example-text.png")
    }
}

extension Double {
    func isApproximatelyEqual(_ other: Double) -> Bool { abs(self - other) <= 1e-12 * max(1, abs(other)) }
}
