import Imaging

/// Pictures in a labelled grid: column headers on top (several lines each), row labels on the left, white
/// gaps between panels, and an optional line of colour keys at the bottom. Text uses the built-in font.
public struct PanelGrid: Sendable {
    public var columnHeaders: [[String]]
    public var rowLabels: [[String]]
    /// `panels[row][column]`; panels of a column may differ in width (the widest sets the column).
    public var panels: [[RGBCanvas]]
    /// (colour, name) pairs drawn as swatches under the grid.
    public var keys: [(RGB, String)] = []
    public var textScale = 2
    /// Between panels; columns whose header is wider than their panels are set apart by it too.
    public var gap = 12
    public var margin = 10

    public init(columnHeaders: [[String]], rowLabels: [[String]], panels: [[RGBCanvas]]) {
        precondition(panels.count == rowLabels.count && panels.allSatisfy { $0.count == columnHeaders.count },
                     "PanelGrid: \(panels.count) rows × \(panels.first?.count ?? 0) panels for \(rowLabels.count) labels × \(columnHeaders.count) headers")
        self.columnHeaders = columnHeaders
        self.rowLabels = rowLabels
        self.panels = panels
    }

    public func render() -> RGBCanvas {
        let font = BitmapFont.standard, s = textScale
        let lineH = BitmapFont.lineHeight * s
        let ink = RGB(0, 0, 0)
        let columnW = columnHeaders.indices.map { c in
            max(panels.map { $0[c].width }.max() ?? 0, columnHeaders[c].map { font.size(of: $0, scale: s).width }.max() ?? 0)
        }
        let rowH = panels.map { row in row.map(\.height).max() ?? 0 }
        let labelW = rowLabels.flatMap { $0 }.map { font.size(of: $0, scale: s).width }.max().map { $0 + gap } ?? 0
        let headerH = (columnHeaders.map(\.count).max() ?? 0) * lineH + gap
        let keysH = keys.isEmpty ? 0 : lineH + 2 * gap
        let width = 2 * margin + labelW + columnW.reduce(0, +) + gap * max(0, columnW.count - 1)
        let height = 2 * margin + headerH + rowH.reduce(0, +) + gap * max(0, rowH.count - 1) + keysH
        var out = RGBCanvas(width: width, height: height, fill: RGB(255, 255, 255))

        var x = margin + labelW
        let headerLines = columnHeaders.map(\.count).max() ?? 0
        for (c, lines) in columnHeaders.enumerated() {
            // Bottom-aligned, so the last lines of all headers (e.g. a score) share a row.
            for (k, line) in lines.enumerated() {
                let w = font.size(of: line, scale: s).width
                out.drawText(line, x: x + (columnW[c] - w) / 2, y: margin + (headerLines - lines.count + k) * lineH, color: ink, scale: s)
            }
            x += columnW[c] + gap
        }
        var y = margin + headerH
        for (r, row) in panels.enumerated() {
            for (k, line) in rowLabels[r].enumerated() {
                out.drawText(line, x: margin, y: y + (rowH[r] - rowLabels[r].count * lineH) / 2 + k * lineH, color: ink, scale: s)
            }
            x = margin + labelW
            for (c, panel) in row.enumerated() {
                out.paste(panel, x: x + (columnW[c] - panel.width) / 2, y: y + (rowH[r] - panel.height) / 2)
                x += columnW[c] + gap
            }
            y += rowH[r] + gap
        }
        if !keys.isEmpty {
            var kx = margin + labelW
            let ky = y + gap
            for (colour, name) in keys {
                out.fillRect(kx, ky + 2, kx + lineH - 6, ky + lineH - 4, colour)
                out.drawText(name, x: kx + lineH, y: ky + (lineH - BitmapFont.glyphHeight * s) / 2, color: ink, scale: s)
                kx += lineH + font.size(of: name, scale: s).width + 3 * gap
            }
        }
        return out
    }
}
