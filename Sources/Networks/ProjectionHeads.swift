import Determinism
import Engine

/// Two dense layers on the flattened encoder output: dense to `hidden` + ReLU, dense to `output`, no
/// biases, Glorot-uniform kernels `<prefix>_fc1/W` `[in, hidden]` and `<prefix>_fc2/W` `[hidden, output]`,
/// each from its own stream. The flatten order is (C, H, W) of our `[N, C, H, W]` maps.
/// - g1 (spec §2.4, `reg_*`): `g1Hidden` then `embeddingSize`, `DenseHead(g1: config, seed:)`;
/// - the rotation pretext's classifier (`rot_*`): g1's shape with the 4 angles as output.
public final class DenseHead {
    public let fc1: Tensor
    public let fc2: Tensor

    public init(prefix: String, input din: Int, hidden: Int, output: Int, seed: UInt64) {
        var s1 = RandomStream(seed: seed, purpose: "init/\(prefix)_fc1/W")
        var s2 = RandomStream(seed: seed, purpose: "init/\(prefix)_fc2/W")
        fc1 = Tensor(shape: [din, hidden], data: Initializer.glorotUniform([din, hidden], fanIn: din, fanOut: hidden, stream: &s1),
                     requiresGrad: true, name: "\(prefix)_fc1/W")
        fc2 = Tensor(shape: [hidden, output], data: Initializer.glorotUniform([hidden, output], fanIn: hidden, fanOut: output, stream: &s2),
                     requiresGrad: true, name: "\(prefix)_fc2/W")
    }

    /// g1 of `config`'s network.
    public convenience init(g1 config: UNetConfig, seed: UInt64) {
        self.init(prefix: "reg", input: config.encoderOutputLength, hidden: config.g1Hidden, output: config.embeddingSize, seed: seed)
    }

    public var parameters: [Tensor] { [fc1, fc2] }

    /// `[N, C, h, w]` → `[N, output]` (for g1 the embedding z, not normalised).
    public func callAsFunction(_ encoderOutput: Tensor) -> Tensor {
        dense(relu(dense(flatten(encoderOutput), weight: fc1)), weight: fc2)
    }
}

/// g2 (spec §2.4) on the l-th decoder block's map with C channels: 1×1 conv C→C (no bias) + BN + ReLU
/// (`seg_g2_a`), 1×1 conv C→C (no bias, linear; `seg_g2_b`), and for 3×3 regions the shared dense map
/// 9C → embeddingSize (`seg_pred/W`, no bias) applied to each flattened window.
public final class LocalHead {
    public let convA: ConvUnit
    public let convB: ConvUnit
    /// `seg_pred`, the dense 9C → embedding map of a flattened 3×3 window; nil for single pixels, whose
    /// C-vector is the embedding itself (spec §2.4: with 1×1 regions the original has no such layer).
    public let windowMap: Tensor?
    public let windowSize: Int

    public init(channels: Int, embeddingSize: Int, windowSize: Int = 3, seed: UInt64) {
        convA = ConvUnit(name: "seg_g2_a", inChannels: channels, outChannels: channels, kernel: 1, bias: false, seed: seed)
        convB = ConvUnit(name: "seg_g2_b", inChannels: channels, outChannels: channels, kernel: 1, bias: false,
                         batchNorm: false, relu: false, seed: seed)
        let din = windowSize * windowSize * channels
        var s = RandomStream(seed: seed, purpose: "init/seg_pred/W")
        windowMap = windowSize == 1 ? nil
            : Tensor(shape: [din, embeddingSize],
                     data: Initializer.glorotUniform([din, embeddingSize], fanIn: din, fanOut: embeddingSize, stream: &s),
                     requiresGrad: true, name: "seg_pred/W")
        self.windowSize = windowSize
    }

    public var units: [ConvUnit] { [convA, convB] }
    public var parameters: [Tensor] { units.flatMap(\.parameters) + (windowMap.map { [$0] } ?? []) }
    public var variables: [Tensor] { units.flatMap(\.variables) + (windowMap.map { [$0] } ?? []) }

    /// Feature map after g2's two 1×1 conv units: `[N, C, F, F]`.
    public func features(_ x: Tensor, mode: BatchNormMode) -> Tensor { convB(convA(x, mode: mode), mode: mode) }

    /// Embeddings of the regions at `positions`: `[N·P, embeddingSize]` for windows, `[N·P, C]` for
    /// pixels (row n·P + p), not normalised.
    public func embed(_ features: Tensor, at positions: [WindowPosition]) -> Tensor {
        let gathered = gatherWindows(features, at: positions, size: windowSize)
        return windowMap.map { dense(gathered, weight: $0) } ?? gathered
    }
}

/// An encoder with a dense head on its output: the stage-1 network (g1) and the rotation pretext's
/// (`RotationNet`) differ only in the head.
public class EncoderHeadNet {
    public let config: UNetConfig
    public let encoder: Encoder
    public let head: DenseHead

    init(config: UNetConfig, encoder: Encoder, head: DenseHead) {
        self.config = config
        self.encoder = encoder
        self.head = head
    }

    public var variables: [Tensor] { encoder.units.flatMap(\.variables) + head.parameters }

    /// `[N, 1, S, S]` → the head's output `[N, D]`; pre-training always runs batch norm in training mode.
    public func callAsFunction(_ x: Tensor, mode: BatchNormMode = .training) -> Tensor {
        head(encoder(x, mode: mode).output)
    }
}

/// Stage-1 network: encoder + g1; its output is z `[N, embeddingSize]`.
public final class GlobalContrastiveNet: EncoderHeadNet {
    public init(config: UNetConfig, seed: UInt64) {
        super.init(config: config, encoder: Encoder(config: config, seed: seed), head: DenseHead(g1: config, seed: seed))
    }
}

/// Stage-2 network: encoder (frozen by the caller) + the first l decoder blocks + g2.
public final class LocalContrastiveNet {
    public let config: UNetConfig
    public let encoder: Encoder
    public let decoder: [DecoderBlock]
    public let head: LocalHead

    /// `regionSize` 1: 3×3 windows through `seg_pred`; 0: single pixels (`local_reg_size`).
    public init(config: UNetConfig, decoderBlocks l: Int, regionSize: Int = 1, seed: UInt64) {
        self.config = config
        encoder = Encoder(config: config, seed: seed)
        decoder = DecoderBlock.stack(l, config: config, seed: seed)
        head = LocalHead(channels: config.filters[5 - l], embeddingSize: config.embeddingSize, windowSize: regionSize == 1 ? 3 : 1, seed: seed)
    }

    public var variables: [Tensor] {
        encoder.units.flatMap(\.variables) + decoder.flatMap(\.units).flatMap(\.variables) + head.variables
    }

    /// g2 feature map `[N, C_l, S/2^(5−l), …]`. The encoder runs without a tape when its parameters are
    /// frozen, which saves its backward pass entirely.
    public func features(_ x: Tensor, mode: BatchNormMode = .training, encoderFrozen: Bool = true) -> Tensor {
        let (h0, skips) = encoderFrozen
            ? GradMode.disabled { encoder(x, mode: mode) }
            : encoder(x, mode: mode)
        var h = h0
        var remaining = skips
        for block in decoder { h = block(h, skip: remaining.removeLast(), mode: mode) }
        return head.features(h, mode: mode)
    }
}
