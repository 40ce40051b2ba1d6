import Determinism
import Engine
import Networks
import Testing
@testable import Planning
@testable import Running

/// The divergence locator on networks broken on purpose: the layer it names is the one that was broken.
@Suite("Divergence: first non-finite layer")
struct LayerProbeTests {
    static let config = UNetConfig(inputSize: 32, numClasses: 4).scaled(by: 0.125)

    static func input() -> Tensor {
        var s = RandomStream(seed: 5, purpose: "probe input")
        return Tensor(shape: [2, 1, 32, 32], data: (0..<(2 * 32 * 32)).map { _ in s.uniform() })
    }

    static func variable(_ net: [Tensor], _ name: String) -> Tensor { net.first { $0.name == name }! }

    @Test("a healthy U-Net has no non-finite layer")
    func healthy() {
        #expect(LayerProbe.firstNonFinite(UNet(config: Self.config, seed: 1), Self.input()) == nil)
    }

    @Test("weights that overflow in dec_c4_a: that unit is the first with non-finite output")
    func overflowInDecoder() throws {
        let net = UNet(config: Self.config, seed: 1)
        // Positive inputs (after ReLU) times the largest float: the convolution's sums overflow, and batch
        // norm turns the infinities into NaN.
        let w = Self.variable(net.variables, "dec_c4_a/W")
        w.data = w.data.map { _ in .greatestFiniteMagnitude }
        let found = try #require(LayerProbe.firstNonFinite(net, Self.input()))
        #expect(found.layer == "dec_c4_a", "\(found)")
    }

    @Test("a NaN weight is reported as the weight, before any forward pass, with the update that made it")
    func nanWeight() throws {
        let net = UNet(config: Self.config, seed: 1)
        Self.variable(net.variables, "enc_c3_b/bn/gamma").data[2] = .nan
        Self.variable(net.variables, "seg_fin_layer/W").data[0] = .infinity
        let (layer, finding) = try Divergence.locate(step: 12, parameters: net.parameters) { _ in
            Issue.record("the forward pass must not be needed")
            return nil
        }
        #expect(layer == "enc_c3_b")
        #expect(finding == "weight enc_c3_b/bn/gamma[2] is nan after the update of step 11 (a non-finite gradient or step reached it); 1 later variable is non-finite too")
    }

    @Test("finite weights and activations: the loss itself is named")
    func lossItself() throws {
        let net = UNet(config: Self.config, seed: 1)
        let (layer, _) = try Divergence.locate(step: 3, parameters: net.parameters) { _ in LayerProbe.firstNonFinite(net, Self.input()) }
        #expect(layer == "loss")
    }

    @Test("the global stage's network: overflowing g1 weights are found in reg_fc2, not before")
    func globalHead() throws {
        let net = GlobalContrastiveNet(config: Self.config, seed: 1)
        #expect(LayerProbe.firstNonFinite(net, Self.input()) == nil)
        net.head.fc2.data = net.head.fc2.data.map { _ in .greatestFiniteMagnitude }
        #expect(LayerProbe.firstNonFinite(net, Self.input())?.layer == "reg_fc2")
    }

    @Test("the local stage's network: a NaN input is found at the input")
    func localInput() throws {
        let net = LocalContrastiveNet(config: Self.config, decoderBlocks: 2, seed: 1)
        #expect(LayerProbe.firstNonFinite(net, Self.input()) == nil)
        let x = Self.input()
        x.data[100] = .nan
        #expect(LayerProbe.firstNonFinite(net, x)?.layer == "input")
    }

    @Test("a replayed pre-training batch is the batch the loop drew at that step")
    func replay() throws {
        let run = PlannedRun(index: 1, runKey: "pretrain-global-GD_s7", stage: .pretrainGlobal, method: nil, dependencies: [], seed: 7,
                             output: "x.h5", identity: "", configJSON: "{}", provisional: false)
        // The stream the pre-training runs hand to their loop.
        var streams = RunStreams(seed: 7, runKey: run.runKey)
        var loop = streams.stream("batches")
        let drawn = (0..<4).map { _ in loop.next() }
        for step in 0..<4 { #expect(try Divergence.replay(run, step: step) { $0.next() } == drawn[step]) }
    }
}
