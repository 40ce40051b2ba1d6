import Foundation
import Imaging
import Testing

/// Golden outputs of NumPy / scikit-image (scripts/fixtures/make_preprocess_fixtures.py): intensities to
/// 1e-6, labels exactly.
@Suite("Preprocessing against NumPy and scikit-image")
struct PreprocessingFixtureTests {
    struct Expectations: Decodable {
        var percentiles: [PercentileCase]
        var rescales: [RescaleCase]
        var resizes: [ResizeCase]
        var pipelines: [PipelineCase]
    }
    struct PercentileCase: Decodable { var name: String; var values: [Float]; var p1: Float; var p99: Float; var normalised: [Float] }
    struct RescaleCase: Decodable {
        var name: String; var rows: Int; var columns: Int; var input: [Float]; var scale: [Double]; var order: Int
        var outRows: Int; var outColumns: Int; var output: [Float]
    }
    struct ResizeCase: Decodable {
        var name: String; var classes: Int; var rows: Int; var columns: Int; var input: [Float]
        var outRows: Int; var outColumns: Int; var output: [Float]
    }
    struct PipelineCase: Decodable {
        var name: String; var shape: [Int]; var spacing: [Double]; var targetSpacing: [Double]; var size: Int
        var classes: Int; var image: [Float]; var label: [Float]; var p1: Float; var p99: Float
        var rescaledRows: Int; var rescaledColumns: Int; var slices: [Float]; var labelSlices: [Float]
        var probabilities: [Float]; var nativeLabels: [Float]
    }

    static let expectations: Expectations = {
        let url = Bundle.module.url(forResource: "preprocess_expectations", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Expectations.self, from: Data(contentsOf: url))
    }()

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    @Test("percentiles 1 and 99 and the normalised values match NumPy exactly")
    func percentiles() throws {
        for c in Self.expectations.percentiles {
            #expect(Percentile.numpyLinear(c.values, percents: [1, 99]) == [c.p1, c.p99], "\(c.name)")
            let v = Volume(shape: [c.values.count, 1, 1], voxels: c.values, spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
            let n = try PercentileNormalisation(fitting: v, source: c.name)
            #expect(n.apply(to: v).voxels == c.normalised, "\(c.name)")
        }
    }

    @Test("rescale matches skimage.transform.rescale (order 1 to 1e-6, order 0 exactly)")
    func rescales() {
        #expect(Self.expectations.rescales.count >= 10)
        for c in Self.expectations.rescales {
            let image = Image2D(rows: c.rows, columns: c.columns, pixels: c.input)
            let out = image.rescaled(rowScale: c.scale[0], columnScale: c.scale[1],
                                     interpolation: c.order == 0 ? .nearest : .linear)
            #expect(out.rows == c.outRows && out.columns == c.outColumns, "\(c.name)")
            guard out.pixels.count == c.output.count else { continue }
            if c.order == 0 {
                #expect(out.pixels == c.output, "\(c.name)")
            } else {
                #expect(Self.maxDifference(out.pixels, c.output) <= 1e-6, "\(c.name)")
            }
        }
    }

    @Test("resizing [C, rows, columns] probabilities matches skimage.transform.resize of [rows, columns, C]")
    func probabilityResize() {
        for c in Self.expectations.resizes {
            let out = Resample.resample(c.input, channels: c.classes, rows: c.rows, columns: c.columns,
                                        toRows: c.outRows, columns: c.outColumns, interpolation: .linear)
            #expect(Self.maxDifference(out, c.output) <= 1e-6, "\(c.name)")
        }
    }

    @Test("the whole forward pipeline and its inverse match the NumPy/scikit-image version")
    func pipelines() throws {
        for c in Self.expectations.pipelines {
            let image = Volume(shape: c.shape, voxels: c.image, spacing: c.spacing, affine: .scaling(c.spacing))
            let label = Volume(shape: c.shape, voxels: c.label, spacing: c.spacing, affine: .scaling(c.spacing))
            let pre = SlicePreprocessor(targetSpacing: c.targetSpacing, size: c.size)
            let out = try pre(image: image, label: label, source: c.name)
            #expect(out.normalisation == PercentileNormalisation(low: c.p1, high: c.p99), "\(c.name)")
            #expect(out.geometry.rescaledRows == c.rescaledRows && out.geometry.rescaledColumns == c.rescaledColumns,
                    "\(c.name)")
            #expect(out.shape == [c.shape[2], c.size, c.size])
            #expect(Self.maxDifference(out.images, c.slices) <= 1e-6, "\(c.name)")
            #expect(out.labels == c.labelSlices, "\(c.name)")
            let native = try out.geometry.nativeLabels(probabilities: c.probabilities, classes: c.classes, source: c.name)
            #expect(native.shape == c.shape && native.spacing == c.spacing)
            #expect(native.voxels == c.nativeLabels, "\(c.name)")
        }
    }
}
