import Determinism
import Engine
import Networks
import Testing

/// Central differences through whole networks, on parameters chosen from every kind of layer.
/// Tolerance: |analytic − numeric| ≤ 3e-2 · max(1, max |numeric|) per network (float32 forward passes,
/// h = 2e-3; ReLU kinks crossed by a difference are rare at this size and would show as single outliers).
@Suite("Whole-network gradients")
struct NetworkGradientTests {
    static let tolerance = 3e-2

    /// Compares analytic and numeric gradients of `loss()` for a few elements of each parameter.
    func check(_ params: [Tensor], elements: Int = 3, h: Float = 2e-3, _ loss: () -> Tensor) {
        for p in params { p.zeroGrad() }
        loss().backward()
        var worst = 0.0, scale = 1.0
        var rows: [(String, Int, Double, Double)] = []
        for p in params {
            let analytic = p.grad ?? [Float](repeating: 0, count: p.count)
            for e in 0..<min(elements, p.count) {
                let i = (e * 7919) % p.count
                let saved = p.data[i]
                p.data[i] = saved + h
                let up = Double(loss().item)
                p.data[i] = saved - h
                let down = Double(loss().item)
                p.data[i] = saved
                let numeric = (up - down) / (2 * Double(h))
                scale = max(scale, abs(numeric))
                rows.append((p.name ?? "?", i, Double(analytic[i]), numeric))
            }
        }
        for (name, i, a, n) in rows {
            let err = abs(a - n) / scale
            worst = max(worst, err)
            #expect(err <= Self.tolerance, "\(name)[\(i)]: analytic \(a), numeric \(n)")
        }
        for p in params { p.zeroGrad() }
    }

    @Test("U-Net with Dice loss: every layer kind, encoder to output")
    func unet() {
        let cfg = UNetConfig(inputSize: 32, numClasses: 3, filters: [2, 3, 3, 4, 4, 4])
        let net = UNet(config: cfg, seed: 5)
        let (x, _) = SyntheticDiscs.batch(count: 2, size: 32, seed: 5)
        var s = RandomStream(seed: 5, purpose: "labels")
        var y = [Float](repeating: 0, count: 2 * 3 * 32 * 32)
        for b in 0..<2 { for p in 0..<(32 * 32) { y[(b * 3 + s.int(in: 0...2)) * 1024 + p] = 1 } }
        let labels = Tensor(shape: [2, 3, 32, 32], data: y)
        let params = [net.encoder.levels[0].0.weight, net.encoder.levels[2].1.gamma!, net.encoder.levels[5].1.bias!,
                      net.decoder[0].upConv.weight, net.decoder[2].convs[0].weight, net.decoder[4].convs[0].beta!,
                      net.head[1].weight, net.output.weight]
        check(params) { softDiceLoss(probabilities: softmax(net(x, mode: .training)), labels: labels) }
    }

    @Test("encoder + g1 with an InfoNCE loss")
    func globalNet() {
        // 64² keeps a 2×2 map at level 6: at 1×1, batch statistics over four values make the loss so
        // curved that central differences stop being a reference.
        let cfg = UNetConfig(inputSize: 64, numClasses: 2, filters: [3, 4, 4, 6, 6, 6], g1Hidden: 8, embeddingSize: 5)
        let net = GlobalContrastiveNet(config: cfg, seed: 6)
        let (x, _) = SyntheticDiscs.batch(count: 4, size: 64, seed: 6)
        let terms = [ContrastiveTerm(anchor: 0, positive: 1, negatives: [2, 3]),
                     ContrastiveTerm(anchor: 2, positive: 3, negatives: [0, 1])]
        check([net.encoder.levels[0].0.weight, net.encoder.levels[5].1.weight, net.head.fc1, net.head.fc2], h: 1e-4) {
            // The first layer reaches this loss only through five max-pools, so a step of 2e-3 already
            // flips near-tied pool windows and the central difference averages over kinks (measured: it
            // drifts towards the analytic value as h shrinks, 15 % off at 2e-3, within 3 % at 1e-4).
            // τ = 1 keeps the loss smooth enough for h = 1e-4 in float32.
            infoNCE(embeddings: l2Normalize(net(x)), terms: terms, temperature: 1, normaliser: 4)
        }
    }

    @Test("frozen encoder + 3 decoder blocks + g2 with window embeddings")
    func localNet() {
        let cfg = UNetConfig(inputSize: 64, numClasses: 2, filters: [2, 2, 3, 3, 4, 4], embeddingSize: 6)
        let net = LocalContrastiveNet(config: cfg, decoderBlocks: 3, seed: 7)
        let (x, _) = SyntheticDiscs.batch(count: 2, size: 64, seed: 7)
        let pos = [WindowPosition(row: 0, col: 0), WindowPosition(row: 5, col: 5), WindowPosition(row: 12, col: 3)]
        let terms = [ContrastiveTerm(anchor: 0, positive: 3, negatives: [1, 2, 4, 5]),
                     ContrastiveTerm(anchor: 4, positive: 1, negatives: [0, 2, 3, 5])]
        let params = [net.decoder[0].upConv.weight, net.decoder[2].convs[1].weight, net.head.convA.weight,
                      net.head.convB.weight, net.head.windowMap!]
        check(params) {
            infoNCE(embeddings: l2Normalize(net.head.embed(net.features(x), at: pos)), terms: terms,
                    temperature: 0.1, normaliser: 2)
        }
        // Single pixels (local_reg_size = 0): no seg_pred; the C-vector after g2 is the embedding.
        let pixels = LocalContrastiveNet(config: cfg, decoderBlocks: 3, regionSize: 0, seed: 7)
        #expect(pixels.head.windowMap == nil && !pixels.variables.contains { $0.name == "seg_pred/W" })
        check([pixels.decoder[1].convs[0].weight, pixels.head.convA.weight, pixels.head.convB.weight]) {
            infoNCE(embeddings: l2Normalize(pixels.head.embed(pixels.features(x), at: pos)), terms: terms,
                    temperature: 0.1, normaliser: 2)
        }
        // Row n·P + p is the C-vector of image n at pixel p, unchanged: C = filters[5 − l] = 3 channels.
        let f = pixels.features(x), e = pixels.head.embed(f, at: pos)
        #expect(e.shape == [2 * 3, 3])
        let side = f.shape[2]
        for n in 0..<2 { for (k, q) in pos.enumerated() { for ch in 0..<3 {
            #expect(e.data[(n * 3 + k) * 3 + ch] == f.data[((n * 3 + ch) * side + q.row) * side + q.col])
        } } }
        // The encoder ran without a tape: its parameters received no gradient.
        _ = infoNCE(embeddings: l2Normalize(net.head.embed(net.features(x), at: pos)), terms: terms,
                    temperature: 0.1, normaliser: 2).backward()
        #expect(net.encoder.levels[0].0.weight.grad == nil)
    }
}
