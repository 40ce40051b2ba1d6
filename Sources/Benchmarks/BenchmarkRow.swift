import Engine
import Networks
import Training

/// The benchmark rows of the engine issue, each one training (or inference) step of a network the paper
/// uses, at the paper's batch sizes. Inputs are seeded synthetic tensors: speed does not depend on them.
public enum BenchmarkRow: String, CaseIterable, Sendable, Codable {
    /// The quick preset's fine-tuning step: 96², batch 10, half the paper's channels (8 first-layer).
    case qh = "qh"
    /// The same at the paper's full width.
    case qf = "qf"
    case a = "a"
    case b64 = "b64"
    case b128 = "b128"
    case c = "c"
    case e = "e"
    case d = "d"

    public var title: String {
        switch self {
        case .qh: "supervised step, half-width U-Net 96² b10 (the quick preset's fine-tuning step)"
        case .qf: "supervised step, U-Net 96² b10"
        case .a: "supervised step, U-Net 192² b20 (Dice, backward, Adam)"
        case .b64: "supervised step, U-Net 64² b20"
        case .b128: "supervised step, U-Net 128² b20"
        case .c: "global contrastive step, encoder + g1 192² b48 (G^D terms)"
        case .e: "local contrastive step, frozen encoder + 3 decoder blocks + g2 192² b20 (L^R terms)"
        case .d: "inference, U-Net 192² b20"
        }
    }

    public var imageSize: Int {
        switch self {
        case .b64: 64
        case .b128: 128
        case .qh, .qf: 96
        default: 192
        }
    }

    public var batch: Int {
        switch self {
        case .c: 48
        case .qh, .qf: 10
        default: 20
        }
    }

    /// The U-Net's size: the paper's, halved in every layer for `qh`.
    public var config: UNetConfig {
        let cfg = UNetConfig.paper(inputSize: imageSize)
        return self == .qh ? cfg.scaled(by: 0.5) : cfg
    }

    /// FLOPs per step: 2 × multiply-adds of every conv and dense layer; a trained part counts 3× its
    /// forward (forward, input gradient, weight gradient), a frozen or inference part 1× (the convention
    /// of the PyTorch reference script, so the GFLOP/s columns compare).
    public var flopsPerStep: Double {
        let cfg = config
        let n = Double(batch)
        switch self {
        case .a, .b64, .b128, .qh, .qf: return 3 * n * FlopCount.unet(cfg)
        case .d: return n * FlopCount.unet(cfg)
        case .c: return 3 * n * (FlopCount.encoder(cfg) + FlopCount.globalHead(cfg))
        case .e:
            return n * FlopCount.encoder(cfg)
                + 3 * n * (FlopCount.decoder(cfg, blocks: 3) + FlopCount.localHead(cfg, blocks: 3,
                                                                                   windows: (try! LocalRegions.paper(featureSize: imageSize / 4)).uniquePositions.count))
        }
    }
}

/// Forward FLOPs per image (2 × MACs) of the paper's layers, from the same configuration the networks use.
public enum FlopCount {
    static func conv(_ size: Int, _ cin: Int, _ cout: Int, _ k: Int) -> Double {
        2 * Double(size * size * cin * cout * k * k)
    }

    public static func encoder(_ c: UNetConfig) -> Double {
        var total = 0.0, s = c.inputSize, cin = c.inputChannels
        for f in c.filters {
            total += conv(s, cin, f, 3) + conv(s, f, f, 3)
            cin = f
            s /= 2
        }
        return total
    }

    public static func decoder(_ c: UNetConfig, blocks: Int) -> Double {
        var total = 0.0, s = c.encoderOutputSize, cin = c.filters[5]
        for b in 1...blocks {
            let f = c.filters[5 - b]
            s *= 2
            total += conv(s, cin, f, 2) + conv(s, 2 * f, f, 3) + (b < 5 ? conv(s, f, f, 3) : 0)
            cin = f
        }
        return total
    }

    public static func unet(_ c: UNetConfig) -> Double {
        let f = c.filters[0], s = c.inputSize
        return encoder(c) + decoder(c, blocks: 5) + 2 * conv(s, f, f, 3) + conv(s, f, c.numClasses, 3)
    }

    public static func globalHead(_ c: UNetConfig) -> Double {
        2 * Double(c.encoderOutputLength * c.g1Hidden + c.g1Hidden * c.embeddingSize)
    }

    public static func localHead(_ c: UNetConfig, blocks: Int, windows: Int) -> Double {
        let ch = c.filters[5 - blocks], s = c.inputSize >> (5 - blocks)
        return 2 * conv(s, ch, ch, 1) + 2 * Double(windows * 9 * ch * c.embeddingSize)
    }
}
