import Determinism
import Engine
import Testing
import TestSupport

@Suite("Finite-difference gradients of every op")
struct OpGradientTests {
    @Test("conv2d 3×3 with bias: input, weight and bias")
    func conv3x3() {
        let x = randomTensor([2, 3, 5, 6], seed: 1, purpose: "x")
        let w = randomTensor([4, 3, 3, 3], seed: 1, purpose: "w")
        let b = randomTensor([4], seed: 1, purpose: "b")
        GradientCheck().run([x, w, b]) { conv2d(x, weight: w, bias: b) }
    }

    @Test("conv2d 2×2 (asymmetric SAME padding) and 1×1, no bias")
    func conv2x2and1x1() {
        let x = randomTensor([2, 3, 4, 5], seed: 2, purpose: "x")
        let w2 = randomTensor([2, 3, 2, 2], seed: 2, purpose: "w2")
        GradientCheck().run([x, w2]) { conv2d(x, weight: w2) }
        let w1 = randomTensor([5, 3, 1, 1], seed: 2, purpose: "w1")
        GradientCheck().run([x, w1]) { conv2d(x, weight: w1) }
    }

    @Test("conv2d on a map large enough to be cut into several chunks")
    func convChunked() {
        // 1 × 2 × 130 × 130: one sample whose plane (16900) exceeds a chunk, so it is cut into bands.
        let x = randomTensor([1, 2, 130, 130], seed: 3, purpose: "x")
        let w = randomTensor([3, 2, 3, 3], seed: 3, purpose: "w")
        GradientCheck(maxElements: 24).run([x, w]) { conv2d(x, weight: w) }
        // 40 samples of 6×6: grouped chunks.
        let xs = randomTensor([40, 2, 6, 6], seed: 3, purpose: "xs")
        GradientCheck(maxElements: 24).run([xs, w]) { conv2d(xs, weight: w) }
    }

    @Test("batch norm, training and inference mode, with and without fused ReLU", arguments: [false, true])
    func batchNormGradients(relu: Bool) {
        let x = randomTensor([3, 2, 3, 4], seed: 4, purpose: "x", scale: 2)
        let g = randomTensor([2], seed: 4, purpose: "g")
        let b = randomTensor([2], seed: 4, purpose: "b")
        let stats = BatchNormStatistics(channels: 2)
        GradientCheck(h: 1e-3, tolerance: 2e-2).run([x, g, b]) {
            batchNorm(x, gamma: g, beta: b, statistics: stats, mode: .training, updateStatistics: false, relu: relu)
        }
        stats.movingMean.data = [0.3, -0.2]
        stats.movingVariance.data = [1.5, 0.7]
        GradientCheck().run([x, g, b]) {
            batchNorm(x, gamma: g, beta: b, statistics: stats, mode: .inference, relu: relu)
        }
    }

    @Test("batch norm on [N, C] (dense features)")
    func batchNorm2D() {
        let x = randomTensor([5, 3], seed: 5, purpose: "x", scale: 2)
        let g = randomTensor([3], seed: 5, purpose: "g")
        let b = randomTensor([3], seed: 5, purpose: "b")
        GradientCheck(h: 1e-3, tolerance: 2e-2).run([x, g, b]) {
            batchNorm(x, gamma: g, beta: b, statistics: BatchNormStatistics(channels: 3), mode: .training)
        }
    }

    @Test("relu, max-pool, nearest upsampling, concat, reshape")
    func shapeOps() {
        // Piecewise-linear ops: keep every value (and every pair of values) more than 2h apart, so no
        // central difference straddles a kink or a tie.
        var stream = RandomStream(seed: 6, purpose: "x")
        var values = (0..<144).map { Float($0 - 72) * 0.05 + 0.025 }
        stream.shuffle(&values)
        let x = Tensor(shape: [2, 3, 4, 6], data: values, requiresGrad: true)
        GradientCheck(h: 1e-2).run([x]) { relu(x) }
        GradientCheck().run([x]) { maxPool2x2(x) }
        GradientCheck().run([x]) { upsampleNearest2x(x) }
        let y = randomTensor([2, 2, 4, 6], seed: 6, purpose: "y")
        GradientCheck().run([x, y]) { concatChannels([x, y]) }
        GradientCheck().run([x]) { flatten(x) }
    }

    @Test("dense with and without bias")
    func denseGradients() {
        let x = randomTensor([4, 300], seed: 7, purpose: "x")
        let w = randomTensor([300, 270], seed: 7, purpose: "w", scale: 0.1)
        let b = randomTensor([270], seed: 7, purpose: "b")
        GradientCheck().run([x, w, b]) { dense(x, weight: w, bias: b) }
        GradientCheck().run([x, w]) { dense(x, weight: w) }
    }

    @Test("softmax over channels and rows; L2 normalisation")
    func softmaxAndNormalize() {
        let x = randomTensor([2, 4, 3, 3], seed: 8, purpose: "x", scale: 3)
        GradientCheck().run([x]) { softmax(x) }
        let z = randomTensor([5, 7], seed: 8, purpose: "z")
        GradientCheck().run([z]) { softmax(z) }
        GradientCheck().run([z]) { l2Normalize(z) }
    }

    @Test("window gathering for the local head")
    func windows() {
        let x = randomTensor([2, 3, 7, 7], seed: 9, purpose: "x")
        let pos = [WindowPosition(row: 0, col: 0), WindowPosition(row: 2, col: 3), WindowPosition(row: 1, col: 1)]
        GradientCheck().run([x]) { gatherWindows(x, at: pos, size: 3) }
    }
}

@Suite("Finite-difference gradients of the losses")
struct LossGradientTests {
    func labels(_ n: Int, _ k: Int, _ h: Int, _ w: Int, seed: UInt64) -> Tensor {
        var s = RandomStream(seed: seed, purpose: "labels")
        var y = [Float](repeating: 0, count: n * k * h * w)
        for b in 0..<n { for p in 0..<(h * w) { y[(b * k + s.int(in: 0...(k - 1))) * h * w + p] = 1 } }
        return Tensor(shape: [n, k, h, w], data: y)
    }

    @Test("soft Dice (with and without background) through softmax", arguments: [true, false])
    func dice(includeBackground: Bool) {
        let z = randomTensor([2, 3, 4, 4], seed: 10, purpose: "z", scale: 2)
        let y = labels(2, 3, 4, 4, seed: 10)
        GradientCheck(h: 1e-2).run([z]) {
            softDiceLoss(probabilities: softmax(z), labels: y, includeBackground: includeBackground)
        }
    }

    @Test("weighted cross-entropy")
    func crossEntropy() {
        let z = randomTensor([2, 4, 3, 3], seed: 11, purpose: "z", scale: 2)
        let y = labels(2, 4, 3, 3, seed: 11)
        GradientCheck().run([z]) { weightedCrossEntropy(logits: z, labels: y, classWeights: [0.1, 0.3, 0.3, 0.3]) }
    }

    @Test("InfoNCE through L2 normalisation")
    func infoNCEGradient() {
        let z = randomTensor([6, 5], seed: 12, purpose: "z")
        let terms = [ContrastiveTerm(anchor: 0, positive: 1, negatives: [2, 3, 4, 5]),
                     ContrastiveTerm(anchor: 1, positive: 0, negatives: [2, 3]),
                     ContrastiveTerm(anchor: 4, positive: 5, negatives: [0, 1, 2])]
        GradientCheck(h: 1e-3).run([z]) {
            infoNCE(embeddings: l2Normalize(z), terms: terms, temperature: 0.1, normaliser: 3)
        }
    }
}
