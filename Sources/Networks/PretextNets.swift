import Engine

/// The rotation pretext's classifier (method-spec §6 gives no head): g1's shape (spec §2.4) with the 4
/// angles as output, `rot_fc1/W`, `rot_fc2/W`. Only the encoder moves on to fine-tuning, as with G^R.
public enum RotationHead {
    public static let angles = 4

    public static func make(config: UNetConfig, seed: UInt64) -> DenseHead {
        DenseHead(prefix: "rot", input: config.encoderOutputLength, hidden: config.g1Hidden, output: angles, seed: seed)
    }
}

/// Rotation-pretext network: encoder + the 4-way head; its output is the logits `[N, 4]`.
public final class RotationNet: EncoderHeadNet {
    public init(config: UNetConfig, seed: UInt64) {
        super.init(config: config, encoder: Encoder(config: config, seed: seed), head: RotationHead.make(config: config, seed: seed))
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
