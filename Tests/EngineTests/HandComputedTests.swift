import Engine
import Foundation
import Testing

/// Small cases worked out by hand: each number below was computed on paper from the definition.
@Suite("Hand-computed small cases")
struct HandComputedTests {
    @Test("3×3 SAME convolution pads one zero on every side")
    func conv3x3Padding() {
        // x = [[1, 2], [3, 4]], all-ones kernel, bias 0.5: each output sums the 2×2 input (all in reach).
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        let w = Tensor(shape: [1, 1, 3, 3], data: [Float](repeating: 1, count: 9))
        let y = conv2d(x, weight: w, bias: Tensor(shape: [1], data: [0.5]))
        #expect(y.data == [10.5, 10.5, 10.5, 10.5])
        // Centre-only kernel is the identity; the top-left tap reads the pixel up-left (zero at the border).
        var k = [Float](repeating: 0, count: 9); k[0] = 1
        let shifted = conv2d(x, weight: Tensor(shape: [1, 1, 3, 3], data: k))
        #expect(shifted.data == [0, 0, 0, 1])
    }

    @Test("2×2 SAME convolution pads only below and right (TF, spec Q11)")
    func conv2x2Padding() {
        // x = [[1, 2], [3, 4]], kernel [[1, 10], [100, 1000]]: y[r][c] = x[r][c] + 10 x[r][c+1] + 100 x[r+1][c] + 1000 x[r+1][c+1].
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 2, 3, 4])
        let y = conv2d(x, weight: Tensor(shape: [1, 1, 2, 2], data: [1, 10, 100, 1000]))
        let expected: [Float] = [4321, 402, 43, 4]  // 1+20+300+4000, 2+400, 3+40, 4
        #expect(y.data == expected)
    }

    @Test("multi-channel convolution sums over input channels")
    func convChannels() {
        let x = Tensor(shape: [1, 2, 1, 1], data: [2, 3])
        let w = Tensor(shape: [2, 2, 1, 1], data: [1, 1, 10, -1])
        #expect(conv2d(x, weight: w).data == [5, 17])
    }

    @Test("max-pool picks the window maximum; upsampling replicates")
    func poolAndUpsample() {
        let x = Tensor(shape: [1, 1, 2, 4], data: [1, 5, 2, 0, 3, 4, -1, 7])
        #expect(maxPool2x2(x).data == [5, 7])
        let u = upsampleNearest2x(Tensor(shape: [1, 1, 1, 2], data: [1, 2]))
        #expect(u.shape == [1, 1, 2, 4])
        #expect(u.data == [1, 1, 2, 2, 1, 1, 2, 2])
    }

    @Test("max-pool gradient goes to the maximum only; upsampling gradient sums the copies")
    func poolAndUpsampleGradients() {
        let x = Tensor(shape: [1, 1, 2, 2], data: [1, 5, 2, 0], requiresGrad: true)
        reshape(maxPool2x2(x), to: []).backward()
        #expect(x.grad == [0, 1, 0, 0])
        let z = Tensor(shape: [1, 1, 1, 1], data: [3], requiresGrad: true)
        let w = Tensor(shape: [4, 1], data: [1, 2, 3, 4])
        reshape(dense(reshape(upsampleNearest2x(z), to: [1, 4]), weight: w), to: []).backward()
        #expect(z.grad == [10])
    }

    @Test("batch norm, training mode: batch mean and biased variance, then the moving averages")
    func batchNormTraining() {
        // One channel, values 1, 2, 3, 6 over N = 2, H = 1, W = 2: mean 3, biased variance (4+1+0+9)/4 = 3.5.
        let x = Tensor(shape: [2, 1, 1, 2], data: [1, 2, 3, 6])
        let stats = BatchNormStatistics(channels: 1, epsilon: 0.5)
        let y = batchNorm(x, gamma: Tensor(shape: [1], data: [2]), beta: Tensor(shape: [1], data: [1]),
                          statistics: stats, mode: .training)
        // (x − 3) / √(3.5 + 0.5) · 2 + 1 = (x − 3) + 1
        #expect(y.data == [-1, 0, 1, 4])
        // moving mean = 0.99 · 0 + 0.01 · 3; moving variance = 0.99 · 1 + 0.01 · 14/3 (the unbiased batch variance).
        #expect(abs(stats.movingMean.data[0] - 0.03) < 1e-7)
        #expect(abs(stats.movingVariance.data[0] - (0.99 + 0.01 * 14 / 3)) < 1e-6)
    }

    @Test("batch norm, inference mode uses the moving averages; fused ReLU clips")
    func batchNormInference() {
        let x = Tensor(shape: [1, 1, 1, 3], data: [0, 4, 8])
        let stats = BatchNormStatistics(channels: 1)
        stats.movingMean.data = [4]
        stats.movingVariance.data = [4 - 1e-3]
        let y = batchNorm(x, gamma: Tensor(shape: [1], data: [1]), beta: Tensor(shape: [1], data: [0]),
                          statistics: stats, mode: .inference, relu: true)
        #expect(y.data == [0, 0, 2])
        #expect(stats.movingMean.data == [4])  // inference never updates
    }

    @Test("soft Dice of a small case, with and without background")
    func diceSmall() {
        // One image, two classes, two pixels. p = [[0.8, 0.4], [0.2, 0.6]] (class-major), y = pixel0→0, pixel1→1.
        let p = Tensor(shape: [1, 2, 1, 2], data: [0.8, 0.4, 0.2, 0.6])
        let y = Tensor(shape: [1, 2, 1, 2], data: [1, 0, 0, 1])
        // D_0 = 2·0.8 / (1.2 + 1) = 0.727272…, D_1 = 2·0.6 / (0.8 + 1) = 0.666666…
        let withBg = softDiceLoss(probabilities: p, labels: y).item
        #expect(abs(withBg - Float(1 - (1.6 / 2.2 + 1.2 / 1.8) / 2)) < 1e-6)
        let fgOnly = softDiceLoss(probabilities: p, labels: y, includeBackground: false).item
        #expect(abs(fgOnly - Float(1 - 1.2 / 1.8)) < 1e-6)
        // A class absent from label and prediction scores 0 (not 1), as in the original.
        let absent = softDiceLoss(probabilities: Tensor(shape: [1, 2, 1, 1], data: [1, 0]),
                                  labels: Tensor(shape: [1, 2, 1, 1], data: [1, 0])).item
        #expect(abs(absent - 0.5) < 1e-6)
    }

    @Test("weighted cross-entropy of a small case")
    func crossEntropySmall() {
        // Logits (0, ln 3) → p = (1/4, 3/4). Pixel with class 1 and weight 0.9: 0.9 · (−ln 0.75).
        let z = Tensor(shape: [1, 2, 1, 1], data: [0, Float(log(3.0))])
        let y = Tensor(shape: [1, 2, 1, 1], data: [0, 1])
        let l = weightedCrossEntropy(logits: z, labels: y, classWeights: [0.1, 0.9]).item
        #expect(abs(l - Float(0.9 * -log(0.75))) < 1e-6)
    }

    @Test("InfoNCE of a small case")
    func infoNCESmall() {
        // Unit vectors a = (1, 0), p = (0.6, 0.8), n = (0, 1); τ = 0.5.
        // s(a,p) = 1.2, s(a,n) = 0 → ℓ = −log(e^1.2 / (e^1.2 + e^0)) = log(1 + e^−1.2).
        let z = Tensor(shape: [3, 2], data: [1, 0, 0.6, 0.8, 0, 1])
        let l = infoNCE(embeddings: z, terms: [ContrastiveTerm(anchor: 0, positive: 1, negatives: [2])],
                        temperature: 0.5, normaliser: 2).item
        #expect(abs(Double(l) - log(1 + exp(-1.2)) / 2) < 1e-6)
    }

    @Test("L2 normalisation and softmax of small cases")
    func normalizeAndSoftmax() {
        #expect(l2Normalize(Tensor(shape: [1, 2], data: [3, 4])).data == [0.6, 0.8])
        let s = softmax(Tensor(shape: [1, 2], data: [0, Float(log(3.0))])).data
        #expect(abs(s[0] - 0.25) < 1e-7 && abs(s[1] - 0.75) < 1e-7)
    }

    @Test("Adam: first step moves each weight by lr against the gradient's sign (TF 1.x form)")
    func adamFirstStep() {
        // t = 1: m = 0.1 g, v = 0.001 g², lr_t = lr·√0.001/0.1 → step = lr · g / (|g| + ε/√0.001·…) ≈ lr · sign(g).
        let p = Tensor(shape: [2], data: [1, 1], requiresGrad: true)
        let frozen = Tensor(shape: [1], data: [5], requiresGrad: true)
        let opt = Adam(groups: [ParameterGroup(name: "p", parameters: [p]),
                                ParameterGroup(name: "f", parameters: [frozen], frozen: true)], learningRate: 0.01)
        let loss = dense(Tensor(shape: [1, 2], data: [2, -3]), weight: reshape(p, to: [2, 1]))
        let l2 = dense(reshape(loss, to: [1, 1]), weight: reshape(frozen, to: [1, 1]))
        reshape(l2, to: []).backward()  // grads: p = 5·(2, −3) = (10, −15), frozen = −1
        opt.update()
        // lr_t = lr·√(1 − β2)/(1 − β1); m = 0.1 g; √v = √0.001 |g|; Δ = lr_t · m / (√v + ε)
        let lrT = 0.01 * (0.001).squareRoot() / 0.1
        for (i, g) in [10.0, -15.0].enumerated() {
            let delta = lrT * (0.1 * g) / ((0.001).squareRoot() * abs(g) + 1e-8)
            #expect(abs(Double(p.data[i]) - (1 - delta)) < 1e-6)
        }
        #expect(frozen.data == [5])
        #expect(p.grad == nil)
    }
}
