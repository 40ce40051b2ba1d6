import Foundation
import Engine
import Imaging
import Networks
import Testing
import Training

@Suite("Self-training pseudo-labels")
struct PseudoLabellerTests {
    static let config = UNetConfig(inputSize: 32, numClasses: 3, filters: [2, 2, 2, 2, 2, 2], g1Hidden: 4, embeddingSize: 4)

    /// Unlabelled 32² slices `[Z, 32, 32]` of a pool volume, Z = images.count / 1024.
    static func unlabelled(_ images: [Float]) -> PreprocessedSlices {
        PreprocessedSlices(
            images: images, labels: nil,
            geometry: SliceGeometry(nativeRows: 32, nativeColumns: 32, sliceCount: images.count / 1024, rescaledRows: 32,
                                    rescaledColumns: 32, size: 32, spacing: [1, 1, 1], affine: .scaling([1, 1, 1])),
            normalisation: PercentileNormalisation(low: 0, high: 1))
    }

    @Test("a slice joins when its mean top-class probability reaches the threshold; labels are the argmax")
    func thresholds() throws {
        // A network whose output layer is zero gives uniform probabilities 1/C: confidence exactly 1/3.
        let net = UNet(config: Self.config, seed: 1)
        for v in net.output.parameters { v.data = [Float](repeating: 0, count: v.count) }
        let slices = Self.unlabelled([Float](repeating: 0.5, count: 2 * 1024))
        let accept = PseudoLabeller(threshold: 0.33).label(net, pool: [("007", slices)])
        #expect(accept.count == 2 && accept.allSatisfy { abs($0.confidence - 1.0 / 3) < 1e-6 })
        #expect(accept.map(\.index) == [0, 1] && accept[0].volumeID == "007")
        #expect(accept[0].labels.allSatisfy { $0 == 0 })   // ties go to the lowest class
        #expect(PseudoLabeller(threshold: 0.34).label(net, pool: [("007", slices)]).isEmpty)
    }

    @Test("labels are the per-pixel argmax of the network's probabilities, confidence the mean top probability")
    func argmaxOfRealOutput() throws {
        // A randomly initialised network on a varied image: several classes win somewhere, so the labels
        // test the argmax itself (the test above only sees ties). The expectation is computed here, from
        // the same probabilities, with an independent argmax.
        let net = UNet(config: Self.config, seed: 3)
        let images = (0..<2048).map { Float(sin(Double($0) * 0.37) + cos(Double($0 / 32) * 0.21)) }
        let slices = Self.unlabelled(images)
        let p = VolumePredictor.probabilities(net, slices: images, count: 2, size: 32)
        let accept = PseudoLabeller(threshold: 0.3).label(net, pool: [("009", slices)])   // every slice: a top probability is at least 1/3
        #expect(accept.count == 2)
        for (z, slice) in accept.enumerated() {
            let probabilities = (0..<1024).map { i in (0..<3).map { p[(z * 3 + $0) * 1024 + i] } }
            // max(by:) keeps the first of equal elements: ties go to the lowest class, as in the labeller.
            let expected = probabilities.map { row in Float(row.indices.max { row[$0] < row[$1] }!) }
            let confidence = probabilities.map { Double($0.max()!) }.reduce(0, +) / 1024
            #expect(slice.labels == expected)
            #expect(abs(Double(slice.confidence) - confidence) < 1e-6)
            #expect(Set(slice.labels).count >= 2, "slice \(z): one class everywhere, so the argmax is not tested")
        }
    }
}
