import Datasets
import Imaging
import Planning
import RunStore

/// Section 5: what the pre-training learned, from the probes the pre-training run files store before and
/// after training: a 2-D PCA of the g1 embeddings of the test slices coloured by partition (random init,
/// then each global variant and each pretext baseline), and the local features' cosine similarity to a
/// query pixel.
enum PretrainingSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument, figures: inout [ReportFigure]) throws {
        doc.heading("5. What the pre-training learned", level: 2)
        let global = c.entries(stage: .pretrainGlobal), local = c.entries(stage: .pretrainLocal)
        let pretext = c.entries(stage: .pretrainPretext)
        guard !(global + local + pretext).isEmpty else {
            doc.paragraph("This experiment has no pre-training stage.")
            return
        }
        doc.paragraph(c.commandLine(only: "pretrain-*") + "\n\n" + c.sourceLine(global + local + pretext, what: "pre-training",
                                                                                          reads: "`/activations_initial`, `/activations` and `/curves`"))
        let seed = c.experiment.grid.seeds.first
        let globals = global.compactMap(PretrainingRun.init).filter { $0.seed == seed }
            .sorted { variantOrder($0.variant) < variantOrder($1.variant) }
        let locals = local.compactMap(PretrainingRun.init).filter { $0.seed == seed }
        let pretexts = pretext.compactMap(PretrainingRun.init).filter { $0.seed == seed }
            .sorted { variantOrder($0.variant) < variantOrder($1.variant) }
        if globals.isEmpty && locals.isEmpty && pretexts.isEmpty {
            doc.paragraph("No pre-training run file of seed \(seed.map(String.init) ?? "—") is present: nothing to show.")
            return
        }
        try embeddings(c, globals, pretexts, &doc, &figures)
        try similarity(c, locals, &doc, &figures)
        curves(globals + locals + pretexts, &doc, &figures)
    }

    static func variantOrder(_ v: String) -> Int {
        GlobalVariant.allCases.firstIndex { $0.rawValue == v }
            ?? Method.Pretraining.pretext.firstIndex { $0.rawValue == v }.map { 10 + $0 } ?? 99
    }

    static func variantTitle(_ v: String) -> String {
        switch v {
        case "GR": "G^R"
        case "GDminus": "G^D-"
        case "GD": "G^D"
        case "LR": "L^R"
        case "LD": "L^D"
        case "context-restoration": "context restoration"
        default: v
        }
    }

    // MARK: g1 embeddings

    struct EmbeddingPanel {
        let title: String
        let runKey: String
        let activations: RunActivations
    }

    static func embeddings(_ c: ReportContext, _ globals: [PretrainingRun], _ pretexts: [PretrainingRun], _ doc: inout MarkdownDocument,
                           _ figures: inout [ReportFigure]) throws {
        doc.heading("Global features: PCA of the g1 embeddings", level: 3)
        var panels: [EmbeddingPanel] = []
        // Random init from a global run where there is one (its g1 is the one G^R/G^D start from).
        if let first = (globals + pretexts).first(where: { $0.record.initialActivations != nil }), let initial = first.record.initialActivations {
            panels.append(EmbeddingPanel(title: "random init", runKey: first.record.runKey, activations: initial))
        }
        for g in globals + pretexts {
            if let a = g.record.activations { panels.append(EmbeddingPanel(title: variantTitle(g.variant), runKey: g.record.runKey, activations: a)) }
        }
        let lacking = (globals + pretexts).filter { $0.record.initialActivations == nil || $0.record.activations == nil }.map(\.record.runKey)
        panels = panels.filter { $0.activations.embeddingSize > 0 && $0.activations.embeddingVolumeIDs.count >= 2 }
        guard !panels.isEmpty else {
            doc.paragraph("No global pre-training run file holds embedding probes"
                          + (lacking.isEmpty ? "." : " (\(lacking.joined(separator: ", ")) predate `/activations_initial`; re-run them to add the probes)."))
            return
        }
        var charts: [RGBCanvas] = []
        var table = MarkdownTable(columns: [.init("panel"), .init("run"), .init("slices", .right), .init("D", .right),
                                            .init("PC1", .right), .init("PC2", .right), .init("η² (partition)", .right)])
        let partitions = Array(Set(panels.flatMap(\.activations.embeddingPartitions))).sorted { ($0 < 0 ? Int64.max : $0) < ($1 < 0 ? Int64.max : $1) }
        for p in panels {
            let a = p.activations
            let pca = try PrincipalComponents(rows: a.embeddings, dimension: a.embeddingSize, keep: min(2, a.embeddingSize),
                                              context: "\(p.runKey): PCA")
            func pc(_ row: Int, _ k: Int) -> Double { k < pca.keptCount ? pca.score(row: row, component: k) : 0 }
            let ratio2 = pca.keptCount > 1 ? pca.explainedRatios[1] : .nan
            let eta = (try? PartitionSeparation.etaSquared(rows: a.embeddings, dimension: a.embeddingSize, partitions: a.embeddingPartitions)) ?? .nan
            table.addRow([p.title, p.runKey, "\(pca.rowCount)", "\(a.embeddingSize)", percent(pca.explainedRatios[0]),
                          percent(ratio2), NumberText.fixed(eta, decimals: 3)])
            var chart = Chart(title: p.title, xLabel: "PC1 (\(percent(pca.explainedRatios[0])))", yLabel: "PC2 (\(percent(ratio2)))",
                              width: 520, height: 460)
            for (k, part) in partitions.enumerated() {
                let rows = a.embeddingPartitions.indices.filter { a.embeddingPartitions[$0] == part }
                let isLast = p.title == panels.last!.title
                chart.series.append(.init(isLast ? (part < 0 ? "none" : "partition \(part + 1)") : "",
                                          points: rows.map { .init(pc($0, 0), pc($0, 1)) },
                                          style: .scatter, color: part < 0 ? RGB(160, 160, 160) : partitionColours[k % partitionColours.count]))
            }
            charts.append(ChartRenderer.render(chart))
        }
        figures.append(ReportFigure(name: "embeddings-pca.png", canvas: RGBCanvas.row(charts, gap: 0, background: ChartRenderer.background)))
        doc.image("embeddings-pca.png", alt: "PCA of g1 embeddings of the test slices, coloured by partition")
        doc.table(table)
        let s = c.experiment.settings.pretrainGlobal
        doc.paragraph("""
            Each dot is one test slice's g1 embedding (encoder, then the g1 head, in inference mode), projected on the first \
            two principal components of that panel's own embeddings (sample covariance, Jacobi eigen-decomposition in Double, \
            each component's largest loading made positive). Colour: the slice's partition, the position along the volume \
            (base to apex) that the global loss cuts each volume into (\(s.partitions) partitions, spec §3.1); grey: slices no \
            partition covers. Random init: the same probe through the network as stage 1 started (`/activations_initial` of \
            \(panels.first!.runKey)). η² = between-partition / total sum of squares in the full D-dimensional space (1: each \
            partition collapses to a point; 0: partition means coincide): G^D is trained to pull same-partition slices of \
            different volumes together, so its η² should rise above random init; G^R is not told partitions. PC percentages are \
            each component's share of the total variance.
            """ + (pretexts.isEmpty ? "" : " The pretext baselines (rotation, inpainting, context restoration) train no g1: "
                + "their panels project their trained encoder through the fixed-seed g1 that every run without a global ancestor "
                + "is projected with, so they show what the encoder learned, through an untrained head.") + (lacking.isEmpty ? "" : " Not shown: \(lacking.joined(separator: ", ")) (no `/activations_initial` or `/activations`)."))
    }

    static let partitionColours: [RGB] = [RGB(0, 114, 178), RGB(230, 159, 0), RGB(0, 158, 115), RGB(204, 121, 167),
                                          RGB(213, 94, 0), RGB(86, 180, 233), RGB(240, 228, 66), RGB(0, 0, 0)]

    static func percent(_ r: Double) -> String { r.isFinite ? NumberText.fixed(100 * r, decimals: 1) + "%" : NumberText.missing }

    // MARK: local features

    static func similarity(_ c: ReportContext, _ locals: [PretrainingRun], _ doc: inout MarkdownDocument,
                           _ figures: inout [ReportFigure]) throws {
        guard !c.entries(stage: .pretrainLocal).isEmpty else { return }
        doc.heading("Local features: similarity to a query pixel", level: 3)
        guard let run = locals.first(where: { ($0.record.activations?.decoderShape.first ?? 0) >= 2 && $0.record.initialActivations != nil }),
              let before = run.record.initialActivations, let after = run.record.activations else {
            doc.paragraph("No local pre-training run file holds decoder features before and after training for two or more slices "
                          + "(files written before `/activations_initial` existed lack them; re-run the local stage to add them).")
            return
        }
        let shape = after.decoderShape
        guard before.decoderShape == shape, shape.count == 4 else {
            throw ReportError(run.entry.path, "decoder features before \(before.decoderShape) and after \(shape) differ in shape")
        }
        let (ch, h, w) = (shape[1], shape[2], shape[3])
        let n = c.experiment.settings.scale.inputSize
        let ids = Array(after.decoderVolumeIDs.prefix(2)), zs = Array(after.decoderSliceIndices.prefix(2)).map(Int.init)
        // The slices under the features: preprocessed as the runs preprocess them (no N4), when the data are here.
        var images: [Image2D?] = [nil, nil], labels: [[Int]?] = [nil, nil]
        if let dataset = c.dataset, n % h == 0, n % w == 0, h == w {
            let pre = SlicePreprocessor(targetSpacing: c.experiment.settings.scale.targetSpacing, size: n)
            for k in 0..<2 {
                let loaded = try dataset.load(ids[k])
                let s = try pre(image: loaded.image, label: loaded.label, source: ids[k])
                let plane = n * n
                images[k] = Image2D(rows: n, columns: n, pixels: Array(s.images[(zs[k] * plane)..<((zs[k] + 1) * plane)]))
                if let l = s.labels {
                    labels[k] = FeatureGridLabels.majority(Array(l[(zs[k] * plane)..<((zs[k] + 1) * plane)]).map { Int($0.rounded()) },
                                                           size: n, gridHeight: h, gridWidth: w)
                }
            }
        }
        let query = FeatureGridLabels.queryPixel(labels[0], height: h, width: w)
        let plane = ch * h * w
        func slice(_ a: RunActivations, _ k: Int) -> [Float] { Array(a.decoderFeatures[(k * plane)..<((k + 1) * plane)]) }
        let display = max(1, 192 / h)
        var rowsOfPanels: [[RGBCanvas]] = []
        var table = MarkdownTable(columns: [.init("decoder"), .init("slice"), .init("query's class", .right),
                                            .init("other structures", .right), .init("background", .right)])
        for (name, a) in [("start of stage 2", before), ("after stage 2", after)] {
            let q = FeatureSimilarity.vector(slice(a, 0), channels: ch, height: h, width: w, row: query.row, column: query.column)
            var row: [RGBCanvas] = []
            for k in 0..<2 {
                let sim = FeatureSimilarity.cosine(query: q, map: slice(a, k), channels: ch, height: h, width: w)
                let f = n / h, factor = max(1, h * display / n)  // feature pixel = f image pixels; image shown × factor
                row.append(imagePanel(images[k], factor: factor, size: h * display,
                                      marker: k == 0 ? (x: (query.column * f + f / 2) * factor, y: (query.row * f + f / 2) * factor) : nil))
                row.append(heatPanel(sim, height: h, width: w, factor: display, marker: k == 0 ? query : nil))
                if let l = labels[k], let cls = query.label {
                    let stats = FeatureGridLabels.meanByGroup(sim, labels: l, queryLabel: cls, exclude: k == 0 ? query.row * w + query.column : nil)
                    table.addRow([name, "\(ids[k]) z = \(zs[k])", NumberText.fixed(stats.same, decimals: 3),
                                  NumberText.fixed(stats.otherStructures, decimals: 3), NumberText.fixed(stats.background, decimals: 3)])
                }
            }
            row.append(colourBar(height: h * display))
            rowsOfPanels.append(row)
        }
        let headers = [["image", "\(ids[0]) z = \(zs[0])"], ["similarity", "to the query"], ["image", "\(ids[1]) z = \(zs[1])"],
                       ["similarity", "to the query"], ["cosine"]]
        let grid = PanelGrid(columnHeaders: headers, rowLabels: [["start of", "stage 2"], ["after", "stage 2"]], panels: rowsOfPanels)
        figures.append(ReportFigure(name: "local-similarity.png", canvas: grid.render()))
        doc.image("local-similarity.png", alt: "Cosine similarity of decoder features to a query pixel, before and after local pre-training")
        let queryText = query.label.map { "the pixel of class \($0 <= c.grid.classNames.count && $0 > 0 ? c.grid.classNames[$0 - 1] : "\($0)") closest to that class's centroid in the first slice (the class with the most pixels there)" }
            ?? "the centre pixel (no reference labels available to place it on a structure)"
        let crossVolume = run.variant.contains("LD")
            ? "which is what L^D, the loss of this run, treats as the same partition."
            : "which L^D would treat as the same partition; L^R, the loss of this run, takes its positives within one image only, so the second map shows how far the features carry across volumes, not what the loss optimised."
        doc.paragraph("""
            Run `\(run.record.runKey)`: the output of decoder block \(after.decoderBlock) (\(ch) channels at \(h)×\(w), \
            spec §2.5) for the middle slice of two test volumes, as the local stage started (pre-trained encoder, fresh decoder: \
            `/activations_initial`) and after it (`/activations`). Query (white cross): \(queryText), at feature pixel \
            (\(query.row), \(query.column)). Each map is the cosine similarity of every pixel's feature vector to the query's; \
            the second volume's slice lies at the same position along its volume (the middle), \(crossVolume) The images are the slices as the network sees them (normalised, \(n)² at \
            \(c.experiment.settings.scale.targetSpacing.map { NumberText.fixed($0, decimals: 3) }.joined(separator: " × ")) mm).
            """)
        if !table.rows.isEmpty {
            doc.paragraph("Mean similarity to the query by the reference class of each feature pixel (the majority label of the pixels it covers; the query itself left out):")
            doc.table(table)
        }
    }

    static func imagePanel(_ image: Image2D?, factor: Int, size: Int, marker: (x: Int, y: Int)?) -> RGBCanvas {
        guard let image else {
            var blank = RGBCanvas(width: size, height: size, fill: RGB(235, 235, 235))
            blank.drawText("no data", x: 4, y: 4, color: RGB(0, 0, 0))
            return blank
        }
        let window = IntensityWindow.percentiles(of: image.pixels, low: 0.5, high: 99.5)
        var canvas = RGBCanvas(image, window: window).upscaled(by: factor)
        if let m = marker { drawCross(&canvas, x: m.x, y: m.y) }
        return canvas
    }

    static func heatPanel(_ sim: [Double], height h: Int, width w: Int, factor: Int, marker: QueryPixel?) -> RGBCanvas {
        var canvas = RGBCanvas(width: w, height: h)
        for r in 0..<h { for col in 0..<w { canvas[col, r] = DivergingColourMap.colour(sim[r * w + col]) } }
        var big = canvas.upscaled(by: factor)
        if let m = marker { drawCross(&big, x: m.column * factor + factor / 2, y: m.row * factor + factor / 2) }
        return big
    }

    static func colourBar(height: Int) -> RGBCanvas {
        var out = RGBCanvas(width: 60, height: height, fill: RGB(255, 255, 255))
        out.paste(DivergingColourMap.bar(width: 16, height: height), x: 0, y: 0)
        for (text, y) in [("+1", 0), ("0", height / 2 - 4), ("-1", height - 9)] { out.drawText(text, x: 22, y: y, color: RGB(0, 0, 0)) }
        return out
    }

    /// A white cross with a black outline, 11 px across, visible on any background.
    static func drawCross(_ c: inout RGBCanvas, x: Int, y: Int) {
        for d in -5...5 {
            for o in [-1, 1] { c.plot(x + d, y + o, RGB(0, 0, 0)); c.plot(x + o, y + d, RGB(0, 0, 0)) }
        }
        for d in -5...5 { c.plot(x + d, y, RGB(255, 255, 255)); c.plot(x, y + d, RGB(255, 255, 255)) }
    }

    // MARK: curves

    static func curves(_ runs: [PretrainingRun], _ doc: inout MarkdownDocument, _ figures: inout [ReportFigure]) {
        let withCurves = runs.filter { !$0.record.curves.trainSteps.isEmpty }
        guard !withCurves.isEmpty else { return }
        doc.heading("Pre-training losses", level: 3)
        var charts: [RGBCanvas] = []
        for r in withCurves {
            var chart = Chart(title: r.record.runKey, xLabel: "step", yLabel: "loss (smoothed)", width: 640, height: 420)
            for (k, s) in r.record.curves.losses.enumerated() {
                let smooth = PlotsSection.trailingMean(s.values, window: PlotsSection.smoothingWindow)
                chart.series.append(.init(s.name, points: zip(r.record.curves.trainSteps, smooth).map { .init(Double($0), $1) },
                                          style: .line, color: Chart.palette[k % Chart.palette.count]))
            }
            charts.append(ChartRenderer.render(chart))
        }
        figures.append(ReportFigure(name: "pretraining-losses.png", canvas: RGBCanvas.row(charts, gap: 0, background: ChartRenderer.background)))
        doc.image("pretraining-losses.png", alt: "Pre-training loss curves")
        doc.paragraph("Every loss series each pre-training run logs (`/curves/train`), smoothed by a trailing mean over \(PlotsSection.smoothingWindow) logged steps.")
    }
}
