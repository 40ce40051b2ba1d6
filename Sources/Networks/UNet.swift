import Engine

/// The paper's 2D U-Net (spec §2.2–2.3): encoder, five up-blocks, segmentation head `seg_c1_a`,
/// `seg_c1_b` (3×3 conv units of f1 filters) and `seg_fin_layer` (3×3 conv to the classes, no bias,
/// no BN, no activation). `[N, C_in, S, S]` → logits `[N, K, S, S]`.
public final class UNet {
    public let config: UNetConfig
    public let encoder: Encoder
    public let decoder: [DecoderBlock]
    public let head: [ConvUnit]
    public let output: ConvUnit

    /// Every variable's initial value comes from its own stream `(seed, "init/<name>")`.
    public init(config: UNetConfig, seed: UInt64) {
        self.config = config
        encoder = Encoder(config: config, seed: seed)
        decoder = DecoderBlock.stack(5, config: config, seed: seed)
        let f = config.filters[0]
        head = [ConvUnit(name: "seg_c1_a", inChannels: f, outChannels: f, kernel: 3, seed: seed),
                ConvUnit(name: "seg_c1_b", inChannels: f, outChannels: f, kernel: 3, seed: seed)]
        output = ConvUnit(name: "seg_fin_layer", inChannels: f, outChannels: config.numClasses, kernel: 3,
                          bias: false, batchNorm: false, relu: false, seed: seed)
    }

    public var units: [ConvUnit] { encoder.units + decoder.flatMap(\.units) + head + [output] }
    public var parameters: [Tensor] { units.flatMap(\.parameters) }
    public var variables: [Tensor] { units.flatMap(\.variables) }

    public func callAsFunction(_ x: Tensor, mode: BatchNormMode) -> Tensor {
        var (h, skips) = encoder(x, mode: mode)
        for block in decoder { h = block(h, skip: skips.removeLast(), mode: mode) }
        for unit in head { h = unit(h, mode: mode) }
        return output(h, mode: mode)
    }
}
