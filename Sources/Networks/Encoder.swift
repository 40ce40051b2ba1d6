import Engine

/// Encoder e (spec §2.2): six levels of two 3×3 conv units (`enc_c1_a` … `enc_c6_b`), a 2×2 max-pool
/// after levels 1–5. Returns the level-6 map `[N, f6, S/32, S/32]` and the skips s1…s5 (pre-pool maps).
public final class Encoder {
    public let levels: [(ConvUnit, ConvUnit)]

    public init(config: UNetConfig, seed: UInt64) {
        var cin = config.inputChannels
        var levels: [(ConvUnit, ConvUnit)] = []
        for (i, f) in config.filters.enumerated() {
            let a = ConvUnit(name: "enc_c\(i + 1)_a", inChannels: cin, outChannels: f, kernel: 3, seed: seed)
            let b = ConvUnit(name: "enc_c\(i + 1)_b", inChannels: f, outChannels: f, kernel: 3, seed: seed)
            levels.append((a, b))
            cin = f
        }
        self.levels = levels
    }

    public var units: [ConvUnit] { levels.flatMap { [$0.0, $0.1] } }

    public func callAsFunction(_ x: Tensor, mode: BatchNormMode) -> (output: Tensor, skips: [Tensor]) {
        var h = x
        var skips: [Tensor] = []
        for (i, (a, b)) in levels.enumerated() {
            h = b(a(h, mode: mode), mode: mode)
            if i < levels.count - 1 {
                skips.append(h)
                h = maxPool2x2(h)
            }
        }
        return (h, skips)
    }
}

/// Decoder up-block (spec §2.3): nearest ×2 → 2×2 conv unit → concat [that, skip] → one or two 3×3 conv
/// units. Block b (1…5) is named `dec_dc{7−b}` / `dec_c{6−b}_a,_b`, as in the original.
public final class DecoderBlock {
    public let index: Int
    public let upConv: ConvUnit
    public let convs: [ConvUnit]

    /// `inChannels`: channels arriving from below; `filters`: this block's width (= its skip's width).
    public init(index: Int, inChannels: Int, filters: Int, seed: UInt64) {
        self.index = index
        upConv = ConvUnit(name: "dec_dc\(7 - index)", inChannels: inChannels, outChannels: filters, kernel: 2, seed: seed)
        var convs = [ConvUnit(name: "dec_c\(6 - index)_a", inChannels: 2 * filters, outChannels: filters, kernel: 3, seed: seed)]
        if index < 5 {
            convs.append(ConvUnit(name: "dec_c\(6 - index)_b", inChannels: filters, outChannels: filters, kernel: 3, seed: seed))
        }
        self.convs = convs
    }

    public var units: [ConvUnit] { [upConv] + convs }

    public func callAsFunction(_ x: Tensor, skip: Tensor, mode: BatchNormMode) -> Tensor {
        var h = concatChannels([upConv(upsampleNearest2x(x), mode: mode), skip])
        for c in convs { h = c(h, mode: mode) }
        return h
    }

    /// The first `count` blocks on top of an encoder with `config`'s filters (spec §2.5: l = count).
    public static func stack(_ count: Int, config: UNetConfig, seed: UInt64) -> [DecoderBlock] {
        precondition((1...5).contains(count), "decoder blocks: l must be 1…5, got \(count)")
        var cin = config.filters[5]
        return (1...count).map { b in
            let f = config.filters[5 - b]
            defer { cin = f }
            return DecoderBlock(index: b, inChannels: cin, filters: f, seed: seed)
        }
    }
}
