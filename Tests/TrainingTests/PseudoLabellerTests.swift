import Engine
import Imaging
import Networks
import Testing
import Training

@Suite("Self-training pseudo-labels")
struct PseudoLabellerTests {
    @Test("a slice joins when its mean top-class probability reaches the threshold; labels are the argmax")
    func thresholds() throws {
        // A network whose output layer is zero gives uniform probabilities 1/C: confidence exactly 1/3.
        let config = UNetConfig(inputSize: 32, numClasses: 3, filters: [2, 2, 2, 2, 2, 2], g1Hidden: 4, embeddingSize: 4)
        let net = UNet(config: config, seed: 1)
        for v in net.output.parameters { v.data = [Float](repeating: 0, count: v.count) }
        let slices = PreprocessedSlices(
            images: [Float](repeating: 0.5, count: 2 * 1024), labels: nil,
            geometry: SliceGeometry(nativeRows: 32, nativeColumns: 32, sliceCount: 2, rescaledRows: 32, rescaledColumns: 32,
                                    size: 32, spacing: [1, 1, 1], affine: .scaling([1, 1, 1])),
            normalisation: PercentileNormalisation(low: 0, high: 1))
        let accept = PseudoLabeller(threshold: 0.33).label(net, pool: [("007", slices)])
        #expect(accept.count == 2 && accept.allSatisfy { abs($0.confidence - 1.0 / 3) < 1e-6 })
        #expect(accept.map(\.index) == [0, 1] && accept[0].volumeID == "007")
        #expect(accept[0].labels.allSatisfy { $0 == 0 })   // ties go to the lowest class
        #expect(PseudoLabeller(threshold: 0.34).label(net, pool: [("007", slices)]).isEmpty)
    }
}
