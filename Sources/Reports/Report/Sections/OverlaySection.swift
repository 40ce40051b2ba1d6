import Datasets
import Imaging
import Planning
import RunStore

/// Section 4: for chosen test volumes, the base, mid and apex slices with the image, the reference and
/// each method's prediction as coloured contours, in one labelled grid per volume.
enum OverlaySection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument, figures: inout [ReportFigure]) throws {
        let g = c.grid
        doc.heading("4. Qualitative overlays", level: 2)
        let volumes = c.options.overlayVolumes ?? Array(c.split.test.prefix(2))
        for v in volumes where !c.split.test.contains(v) {
            throw ReportError(c.split.path, "overlay volume \"\(v)\" is not a test volume (test: \(c.split.test.joined(separator: ", ")))")
        }
        let smallest = g.budgets.min { $0.labelledCount < $1.labelledCount }
        let budget: Budget?
        if let key = c.options.overlayBudget {
            guard let b = g.budgets.first(where: { $0.key == key }) else {
                throw ReportError(c.experiment.path, "overlay budget \"\(key)\" is not a budget of the grid (\(g.budgets.map(\.key).joined(separator: ", ")))")
            }
            budget = b
        } else {
            budget = smallest
        }
        doc.paragraph(c.commandLine() + "\n\n" + c.sourceLine(c.entries(stage: .finetune), what: "fine-tuning",
                                                              reads: "`/predictions` (label maps on the native grid) and `/metrics`")
                      + " Images and references: the data root `\(c.experiment.data.root)`.")
        guard let dataset = c.dataset else {
            doc.paragraph("The data root `\(c.experiment.data.root)` does not exist here, so there are no images to draw the predictions on.")
            return
        }
        guard let budget else {
            doc.paragraph("The grid has no label budget: no predictions to show.")
            return
        }
        // One run per method: the first combination and seed present (the benchmark at its own budget).
        var columns: [(arm: Arm, run: ScoredRun)] = []
        for arm in g.arms {
            if let r = g.runs(arm, budget.key).min(by: { ($0.combination, $0.seed) < ($1.combination, $1.seed) }) { columns.append((arm, r)) }
        }
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget,
           let r = g.runs(bench, bb.key).min(by: { $0.seed < $1.seed }) { columns.append((bench, r)) }
        let colours = classColours(count: g.classNames.count)
        var notes: [String] = []
        for id in volumes {
            let loaded = try dataset.load(id)
            let recorded = Set(columns.flatMap { $0.run.record.inputs.volumes.filter { $0.id == id }.map(\.labelSHA256) })
            if !recorded.isEmpty && recorded != [loaded.labelSHA256] {
                notes.append("**Volume \(id): the reference label file in the data root differs from the one the runs read** (SHA-256 \(loaded.labelSHA256.prefix(16))…); the picture may not match the scores.")
            }
            let picture = try overlay(id: id, image: loaded.image, label: loaded.label, columns: columns, classColours: colours,
                                      classNames: g.classNames)
            let name = "overlay-\(FileName.safe(id)).png"
            figures.append(ReportFigure(name: name, canvas: picture.canvas))
            doc.heading("Test volume \(id)", level: 3)
            doc.image(name, alt: "Volume \(id): image, reference and predictions at base, mid and apex")
            doc.paragraph("Slices z = \(picture.slices.map(String.init).joined(separator: ", ")) of \(loaded.label.sliceCount): the first, middle and "
                          + "last slice with any labelled voxel in the reference, named base, mid and apex as in ACDC's slice order. "
                          + "Each prediction column is one run: "
                          + columns.map { "\($0.arm.id) = `\($0.run.runKey)`" }.joined(separator: ", ")
                          + ". The number under each name is that run's score for this volume (mean foreground Dice, 3-D).")
        }
        doc.paragraph(["Predictions at budget \(budget.title)" + (c.options.overlayBudget == nil ? " (the smallest; `--overlay-budget` picks another)" : "")
                       + "; volumes \(volumes.joined(separator: ", "))" + (c.options.overlayVolumes == nil ? " (the first test volumes of the split; `--overlay-volumes` picks others)" : "")
                       + ". Contours are each structure's inner boundary, one native pixel wide before upscaling; the image is windowed on the volume's 0.5–99.5th percentiles and cropped to the reference's bounding box plus 15 mm."]
                      .joined() + (notes.isEmpty ? "" : "\n\n" + notes.joined(separator: "\n\n")))
    }

    /// ACDC's colours for labels 1–3 (RV blue, myocardium green, LV red), then Okabe–Ito colours.
    static func classColours(count: Int) -> [RGB] {
        let acdc = [1, 2, 3].map { LabelColours.acdc[$0]! }
        let more = [RGB(230, 159, 0), RGB(204, 121, 167), RGB(86, 180, 233), RGB(240, 228, 66), RGB(0, 158, 115)]
        return (0..<count).map { $0 < 3 ? acdc[$0] : more[($0 - 3) % more.count] }
    }

    /// Base, mid and apex: the first, middle and last slice with a labelled voxel (the whole stack without one).
    static func chosenSlices(_ label: Volume) -> [Int] {
        let n = label.shape[0] * label.shape[1]
        let labelled = (0..<label.sliceCount).filter { z in label.voxels[(z * n)..<((z + 1) * n)].contains { $0 > 0 } }
        let first = labelled.first ?? 0, last = labelled.last ?? label.sliceCount - 1
        return [first, (first + last) / 2, last]
    }

    static func overlay(id: String, image: Volume, label: Volume, columns: [(arm: Arm, run: ScoredRun)],
                        classColours: [RGB], classNames: [String]) throws -> (canvas: RGBCanvas, slices: [Int]) {
        let (nx, ny, nz) = (label.shape[0], label.shape[1], label.shape[2])
        // Crop: the reference's in-plane bounding box over all slices, plus 15 mm, clipped to the image.
        var x0 = nx, x1 = -1, y0 = ny, y1 = -1
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx where label[x, y, z] > 0 {
            x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
        } } }
        if x1 < 0 { (x0, x1, y0, y1) = (0, nx - 1, 0, ny - 1) }
        let mx = Int((15 / label.spacing[0]).rounded(.up)), my = Int((15 / label.spacing[1]).rounded(.up))
        (x0, x1, y0, y1) = (max(0, x0 - mx), min(nx - 1, x1 + mx), max(0, y0 - my), min(ny - 1, y1 + my))
        let rows = x1 - x0 + 1, cols = y1 - y0 + 1
        // Integer upscaling keeps contours one crisp pixel; about 200 px per panel leaves room between them.
        let factor = max(1, min(4, 200 / max(rows, cols)))
        let window = IntensityWindow.percentiles(of: image.voxels, low: 0.5, high: 99.5)
        let colourMap = LabelColours(Dictionary(uniqueKeysWithValues: classColours.enumerated().map { ($0.offset + 1, $0.element) }))

        // Slices are shown as volume[:, :, z]: x down, y across, the array the network sees.
        func crop(_ value: (Int, Int) -> Float) -> Image2D {
            var px: [Float] = []
            px.reserveCapacity(rows * cols)
            for x in x0...x1 { for y in y0...y1 { px.append(value(x, y)) } }
            return Image2D(rows: rows, columns: cols, pixels: px)
        }
        func panel(_ z: Int, labels: ((Int, Int) -> Int)?) -> RGBCanvas {
            var canvas = RGBCanvas(crop { image[$0, $1, z] }, window: window).upscaled(by: factor)
            if let labels {
                var map: [Int] = []
                for x in x0...x1 { for y in y0...y1 { map.append(labels(x, y)) } }
                LabelContours.draw(LabelContours.upscale(map, width: cols, height: rows, by: factor), on: &canvas, colours: colourMap)
            }
            return canvas
        }
        var predictions: [VolumePrediction?] = []
        for col in columns {
            let p = col.run.record.predictions.first { $0.volumeID == id }
            if let p, p.shape != [nx, ny, nz] {
                throw ReportError(col.run.runKey, "prediction of \(id) is \(p.shape), the reference is \([nx, ny, nz])")
            }
            predictions.append(p)
        }
        let slices = chosenSlices(label)
        let names = ["base", "mid", "apex"]
        var grid: [[RGBCanvas]] = []
        for z in slices {
            var row = [panel(z, labels: nil), panel(z, labels: { Int(label[$0, $1, z]) })]
            for p in predictions {
                if let p {
                    row.append(panel(z, labels: { Int(p.labels[($0 * ny + $1) * nz + z]) }))
                } else {
                    var blank = RGBCanvas(width: cols * factor, height: rows * factor, fill: RGB(235, 235, 235))
                    blank.drawText("no prediction", x: 4, y: 4, color: RGB(0, 0, 0))
                    row.append(blank)
                }
            }
            grid.append(row)
        }
        let headers = [["image"], ["reference"]] + columns.map { col in
            wrap(col.arm.id) + [col.run.volumes.first { $0.volumeID == id }.map { "Dice " + NumberText.fixed($0.meanDice, decimals: 3) } ?? "no score"]
        }
        let labels = zip(names, slices).map { [$0.0, "z = \($0.1)"] }
        var figure = PanelGrid(columnHeaders: headers, rowLabels: labels, panels: grid)
        figure.keys = zip(classColours, classNames).map { ($0.0, $0.1) }
        return (figure.render(), slices)
    }

    /// Arm names broken after each "+", so long names stack instead of widening the column.
    static func wrap(_ id: String) -> [String] {
        let parts = id.split(separator: "+").map(String.init)
        return parts.enumerated().map { $0.offset < parts.count - 1 ? $0.element + "+" : $0.element }
    }
}
