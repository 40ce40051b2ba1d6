import Foundation

/// Preview pictures of an ACDC-layout dataset (real or phantom): per case the basal, mid and apical
/// slices (first and last slice with myocardium, and the one halfway), windowed on the volume's
/// 0.5–99.5th percentiles, upscaled 2×; top row plain, bottom row with the label outlines
/// (RV blue, myocardium green, LV red). Slices are shown as `volume[:, :, z]` (x down, y across),
/// the array the network sees.
public enum PhantomPreview {
    /// Writes `OUT/patientNNN.png` for each case; returns the files written.
    @discardableResult
    public static func write(datasetRoot: String, to outDir: String, upscale: Int = 2) throws -> [String] {
        let dataset = try Dataset(kind: .acdc, root: datasetRoot)
        try PhantomDatasetWriter.createDirectory(outDir)
        var written: [String] = []
        for id in try dataset.availableIDs() {
            let c = try dataset.load(id)
            let path = "\(outDir)/patient\(id).png"
            try picture(image: c.image, label: c.label, upscale: upscale).writePNG(to: path)
            written.append(path)
        }
        return written
    }

    /// The 2-row, 3-column picture of one case.
    public static func picture(image: Volume, label: Volume, upscale: Int = 2) -> RGBCanvas {
        let slices = chosenSlices(label)
        let window = IntensityWindow.percentiles(of: image.voxels, low: 0.5, high: 99.5)
        var plain: [RGBCanvas] = [], outlined: [RGBCanvas] = []
        for z in slices {
            let img = image.slice(z)
            let canvas = RGBCanvas(img, window: window).upscaled(by: upscale)
            plain.append(canvas)
            var withContours = canvas
            let labels = LabelContours.upscale(label.slice(z).pixels.map { Int($0) }, width: img.columns, height: img.rows, by: upscale)
            LabelContours.draw(labels, on: &withContours, colours: .acdc)
            outlined.append(withContours)
        }
        let top = RGBCanvas.row(plain), bottom = RGBCanvas.row(outlined)
        var out = RGBCanvas(width: top.width, height: top.height + bottom.height + 4)
        out.paste(top, x: 0, y: 0)
        out.paste(bottom, x: 0, y: top.height + 4)
        return out
    }

    /// Base, mid and apex: the first and last slices with myocardium and the middle one between them
    /// (the whole stack when there is no myocardium).
    public static func chosenSlices(_ label: Volume) -> [Int] {
        let n = label.shape[0] * label.shape[1]
        let withMyo = (0..<label.sliceCount).filter { z in label.voxels[(z * n)..<((z + 1) * n)].contains(2) }
        let first = withMyo.first ?? 0, last = withMyo.last ?? label.sliceCount - 1
        return [first, (first + last) / 2, last]
    }
}
