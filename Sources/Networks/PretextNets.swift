import Engine

/// The rotation pretext's classifier on the encoder output (method-spec §6 gives no head; ours is
/// g1's shape, spec §2.4): flatten, dense to `g1Hidden` + ReLU, dense to the 4 angles, no biases,
/// Glorot-uniform kernels `rot_fc1/W` `[in, hidden]` and `rot_fc2/W` `[hidden, 4]`. Only the encoder
/// moves on to fine-tuning, as with G^R.
public final class RotationHead {
    public let fc1: Tensor
    public let fc2: Tensor
    public static let angles = 4

    public init(config: UNetConfig, seed: UInt64) {
        let (din, hid, out) = (config.encoderOutputLength, config.g1Hidden, Self.angles)
        var s1 = RandomStream(seed: seed, purpose: "init/rot_fc1/W")
        var s2 = RandomStream(seed: seed, purpose: "init/rot_fc2/W")
        fc1 = Tensor(shape: [din, hid], data: Initializer.glorotUniform([din, hid], fanIn: din, fanOut: hid, stream: &s1),
                     requiresGrad: true, name: "rot_fc1/W")
        fc2 = Tensor(shape: [hid, out], data: Initializer.glorotUniform([hid, out], fanIn: hid, fanOut: out, stream: &s2),
                     requiresGrad: true, name: "rot_fc2/W")
    }

    public var parameters: [Tensor] { [fc1, fc2] }

    /// `[N, C, h, w]` → logits `[N, 4]`.
    public func callAsFunction(_ encoderOutput: Tensor) -> Tensor {
        dense(relu(dense(flatten(encoderOutput), weight: fc1)), weight: fc2)
    }
}

/// Rotation-pretext network: encoder + the 4-way head.
public final class RotationNet {
    public let config: UNetConfig
    public let encoder: Encoder
    public let head: RotationHead

    public init(config: UNetConfig, seed: UInt64) {
        self.config = config
        encoder = Encoder(config: config, seed: seed)
        head = RotationHead(config: config, seed: seed)
    }

    public var variables: [Tensor] { encoder.units.flatMap(\.variables) + head.parameters }

    /// `[N, 1, S, S]` → logits `[N, 4]`.
    public func callAsFunction(_ x: Tensor, mode: BatchNormMode = .training) -> Tensor {
        head(encoder(x, mode: mode).output)
    }
}

extension UNetConfig {
    /// The restoration pretexts' network: the whole U-Net with one linear output channel, the restored
    /// intensity. Everything but `seg_fin_layer` (whose class count differs) moves on to fine-tuning.
    public var restoration: UNetConfig {
        var c = self
        c.numClasses = 1
        return c
    }
}
