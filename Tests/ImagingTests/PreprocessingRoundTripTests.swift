import Imaging
import Testing

/// inverse(forward) on the label path (method-spec §5.6 steps 3–4).
@Suite("Preprocessing round trips")
struct PreprocessingRoundTripTests {
    /// A deterministic label volume with classes 0..<classes.
    static func labels(_ shape: [Int], classes: Int, spacing: [Double]) -> Volume {
        var voxels = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in voxels.indices { voxels[i] = Float((i * 7 + i / 5 * 3) % classes) }
        return Volume(shape: shape, voxels: voxels, spacing: spacing, affine: .scaling(spacing))
    }

    /// One-hot `[Z, C, n, n]` from label slices `[Z, n, n]`.
    static func oneHot(_ labels: [Float], sliceCount: Int, size: Int, classes: Int) -> [Float] {
        let plane = size * size
        var out = [Float](repeating: 0, count: sliceCount * classes * plane)
        for z in 0..<sliceCount { for i in 0..<plane {
            out[(z * classes + Int(labels[z * plane + i])) * plane + i] = 1
        } }
        return out
    }

    @Test("scale 1 and padding only: labels come back exactly", arguments: [[7, 5, 3], [8, 8, 2], [9, 4, 1]])
    func exactRoundTrip(shape: [Int]) throws {
        let spacing = [1.25, 1.25, 8.0]
        let label = Self.labels(shape, classes: 4, spacing: spacing)
        let image = Volume(shape: shape, voxels: label.voxels.enumerated().map { Float($0.offset) }, spacing: spacing,
                           affine: .scaling(spacing))
        let pre = SlicePreprocessor(targetSpacing: [1.25, 1.25], size: 10)
        let out = try pre(image: image, label: label, source: "rt")
        #expect(out.geometry.rescaledRows == shape[0] && out.geometry.rescaledColumns == shape[1])
        let back = try out.geometry.nativeLabels(
            probabilities: Self.oneHot(out.labels!, sliceCount: shape[2], size: 10, classes: 4), classes: 4, source: "rt")
        #expect(back == label)
    }

    @Test("scale 1 with a crop: kept voxels come back, cropped-away ones become background")
    func cropRoundTrip() throws {
        let shape = [9, 6, 2], spacing = [2.0, 2.0, 5.0]
        let label = Self.labels(shape, classes: 3, spacing: spacing)
        let pre = SlicePreprocessor(targetSpacing: [2, 2], size: 5)
        let out = try pre(image: label, label: label, source: "crop")
        let back = try out.geometry.nativeLabels(
            probabilities: Self.oneHot(out.labels!, sliceCount: 2, size: 5, classes: 3), classes: 3, source: "crop")
        // Rows keep [2, 7), columns keep [0, 5) (6 → 5 crops from (6 − 5) div 2 = 0).
        for z in 0..<2 { for y in 0..<6 { for x in 0..<9 {
            let kept = (2..<7).contains(x) && y < 5
            #expect(back[x, y, z] == (kept ? label[x, y, z] : 0))
        } } }
    }

    @Test("a real rescale and back keeps most labels of smooth regions and the native geometry")
    func rescaleRoundTrip() throws {
        // Four quadrant-like blobs: boundaries move by at most a pixel under rescale and back.
        let shape = [40, 36, 2], spacing = [1.5625, 1.5625, 10.0]
        var voxels = [Float](repeating: 0, count: 40 * 36 * 2)
        for z in 0..<2 { for y in 0..<36 { for x in 0..<40 {
            voxels[x + 40 * (y + 36 * z)] = Float((x >= 20 ? 1 : 0) + (y >= 18 ? 2 : 0))
        } } }
        let label = Volume(shape: shape, voxels: voxels, spacing: spacing, affine: .scaling(spacing))
        let out = try SlicePreprocessor.acdc(image: label, label: label, source: "blob")
        let back = try out.geometry.nativeLabels(
            probabilities: Self.oneHot(out.labels!, sliceCount: 2, size: 192, classes: 4), classes: 4, source: "blob")
        #expect(back.shape == shape && back.spacing == spacing && back.affine == label.affine)
        let agree = zip(back.voxels, label.voxels).filter { $0 == $1 }.count
        #expect(Double(agree) / Double(voxels.count) > 0.95)
    }

    @Test("wrong inputs are errors naming the source")
    func errors() throws {
        let v = Self.labels([4, 4, 2], classes: 2, spacing: [1, 1, 1])
        let w = Self.labels([4, 5, 2], classes: 2, spacing: [1, 1, 1])
        #expect(throws: PreprocessingError.shapeMismatch(source: "a", image: [4, 4, 2], label: [4, 5, 2])) {
            try SlicePreprocessor.acdc(image: v, label: w, source: "a")
        }
        var zeroSpacing = v
        zeroSpacing.spacing = [0, 1, 1]
        #expect(throws: PreprocessingError.invalidSpacing(source: "b", spacing: [0, 1, 1])) {
            try SlicePreprocessor.acdc(image: zeroSpacing, source: "b")
        }
        let out = try SlicePreprocessor(targetSpacing: [1, 1], size: 4)(image: v, source: "c")
        #expect(throws: PreprocessingError.self) { try out.geometry.nativeLabels(probabilities: [0, 1], classes: 2, source: "c") }
    }
}
