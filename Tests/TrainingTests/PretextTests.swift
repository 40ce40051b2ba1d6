import Determinism
import Engine
import Foundation
import Networks
import TestSupport
import Testing
import Training
import TrainingSettings

/// The three pretext baselines (method-spec §6): their batches as the original's helpers build them,
/// their losses, and tiny runs that learn.
@Suite("Pretext tasks")
struct PretextTests {
    static let grid3: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]

    @Test("quarter turns equal np.rot90 on a 3×3 grid (hand-written from numpy's definition)")
    func quarterTurns() {
        #expect(RotationPretext.quarterTurns(Self.grid3, side: 3, k: 0) == Self.grid3)
        #expect(RotationPretext.quarterTurns(Self.grid3, side: 3, k: 1) == [3, 6, 9, 2, 5, 8, 1, 4, 7])
        #expect(RotationPretext.quarterTurns(Self.grid3, side: 3, k: 2) == [9, 8, 7, 6, 5, 4, 3, 2, 1])
        #expect(RotationPretext.quarterTurns(Self.grid3, side: 3, k: 3) == [7, 4, 1, 8, 5, 2, 9, 6, 3])
        var x = Self.grid3
        for _ in 0..<4 { x = RotationPretext.quarterTurns(x, side: 3, k: 1) }
        #expect(x == Self.grid3)
    }

    @Test("a rotation batch shows each source at 0°, 90°, 180°, 270° in turn, labelled 0–3 (create_rotated_imgs)")
    func rotationBatchOrder() {
        let a = Self.grid3, b = Self.grid3.map { $0 + 10 }
        let (images, labels) = RotationPretext.batch(sources: [a, b], side: 3, batchSize: 6)
        #expect(labels == [0, 1, 2, 3, 0, 1])
        #expect(images[0] == a && images[4] == b)
        #expect(images[2] == RotationPretext.quarterTurns(a, side: 3, k: 2))
        #expect(images[5] == RotationPretext.quarterTurns(b, side: 3, k: 1))
        #expect(RotationPretext.sourcesNeeded(batchSize: 6) == 2 && RotationPretext.sourcesNeeded(batchSize: 8) == 2)
    }

    @Test("the inpainting box scales with the slice: 100 of 192 px is 50 of 96; variable sizes 30..<90 become 15..<45")
    func inpaintingScale() {
        let c = InpaintingCorruption.original.scaled(toSide: 96)
        #expect(c.boxSide == 50 && c.variableSizes == 15..<45)
        #expect(InpaintingCorruption.original.scaled(toSide: 192) == .original)
    }

    @Test("random boxes: a full box² of zeros inside the slice, corners over the whole range 0…side−box−1, the rest untouched")
    func inpaintingRandom() {
        let side = 24
        let c = InpaintingCorruption(boxSide: 10, placement: .random, variableSizes: 4..<12)
        let image = (0..<(side * side)).map { Float($0 + 1) }
        var s = RandomStream(seed: 3, purpose: "test/inpaint")
        var corners = Set<Int>()
        for _ in 0..<2000 {
            let box = c.box(side: side, stream: &s)
            #expect(box.rows.count == 10 && box.columns.count == 10)
            corners.insert(box.rows.lowerBound)
            let (corrupted, mask) = InpaintingCorruption.apply(image, side: side, box: box)
            #expect(mask.reduce(0, +) == 100)
            for i in 0..<image.count { #expect(corrupted[i] == (mask[i] == 1 ? 0 : image[i])) }
        }
        #expect(corners == Set(0...13))
    }

    @Test("centred box at side/2 − box/2; variable placement keeps the box width and is cut by the border (the original's quirk)")
    func inpaintingCentreAndVariable() {
        var s = RandomStream(seed: 4, purpose: "test/inpaint")
        let centre = InpaintingCorruption(boxSide: 5, placement: .centre, variableSizes: 1..<2).box(side: 16, stream: &s)
        #expect(centre.rows == 6..<11 && centre.columns == 6..<11)   // 16/2 − 5/2 = 8 − 2
        let variable = InpaintingCorruption(boxSide: 10, placement: .variable, variableSizes: 3..<4)
        var cut = false
        for _ in 0..<500 {
            let box = variable.box(side: 16, stream: &s)
            #expect(box.rows.lowerBound <= 12 && box.rows.upperBound <= 16)
            if box.rows.count < 10 { cut = true }
        }
        #expect(cut)
    }

    @Test("context restoration: 5 px at 192² is 3 px at 96²; the swaps are non-overlapping, in range, and exactly as many as asked")
    func contextDraws() {
        #expect(ContextRestorationCorruption.original.scaled(toSide: 96) == ContextRestorationCorruption(patchSide: 3, swaps: 10))
        let c = ContextRestorationCorruption.original.scaled(toSide: 96)
        var s = RandomStream(seed: 5, purpose: "test/context")
        for _ in 0..<200 {
            let pairs = c.draw(side: 96, stream: &s)
            #expect(pairs.count == 10)
            for p in pairs {
                for v in [p.first.row, p.first.column, p.second.row, p.second.column] { #expect((3...92).contains(v)) }
                let overlap = p.first.row < p.second.row + 3 && p.second.row < p.first.row + 3
                    && p.first.column < p.second.column + 3 && p.second.column < p.first.column + 3
                #expect(!overlap)
            }
        }
    }

    @Test("a slice with no room for two separate patches gets no swap after 10·N draws, instead of looping")
    func contextNoRoom() {
        var s = RandomStream(seed: 6, purpose: "test/context")
        #expect(ContextRestorationCorruption(patchSide: 3, swaps: 10).draw(side: 8, stream: &s).isEmpty)
    }

    @Test("swaps copy from the uncorrupted slice: a later pair overwrites an earlier patch with original pixels")
    func contextApply() {
        let side = 6
        let image = (0..<(side * side)).map { Float($0) }
        let c = ContextRestorationCorruption(patchSide: 1, swaps: 2)
        typealias S = ContextRestorationCorruption.Swap
        let one = c.apply(image, side: side, swaps: [S(first: (1, 1), second: (3, 4))])
        #expect(one[1 * 6 + 1] == 22 && one[3 * 6 + 4] == 7)
        #expect(zip(one, image).filter { $0 != $1 }.count == 2)
        let two = c.apply(image, side: side, swaps: [S(first: (1, 1), second: (2, 2)), S(first: (2, 2), second: (4, 4))])
        // In-place swaps would leave pixel (4, 4) = 7 (the value moved to (2, 2) by the first swap).
        #expect(two[1 * 6 + 1] == 14 && two[2 * 6 + 2] == 28 && two[4 * 6 + 4] == 14)
    }

    @Test("weighted squared error and its gradient, by hand: p = (1, 2, 3), t = (0, 2, 5), w = (1, 0, 2)")
    func squaredErrorHand() {
        let p = Tensor(shape: [3], data: [1, 2, 3], requiresGrad: true)
        let l = meanSquaredError(p, target: [0, 2, 5], weights: [1, 0, 2])
        #expect(abs(l.item - 3) < 1e-6)   // (1·1 + 0 + 2·4) / 3
        l.backward()
        let g = p.grad!
        #expect(abs(g[0] - 2.0 / 3) < 1e-6 && g[1] == 0 && abs(g[2] + 8.0 / 3) < 1e-6)
    }

    @Test("squared error: central differences")
    func squaredErrorGradient() {
        var s = RandomStream(seed: 7, purpose: "test/mse")
        let p = Tensor(shape: [2, 1, 4, 4], data: (0..<32).map { _ in s.uniform(-1, 1) }, requiresGrad: true)
        let t = (0..<32).map { _ in s.uniform(-1, 1) }
        let w = (0..<32).map { Float($0 % 3) }
        GradientCheck().run([p]) { meanSquaredError(p, target: t, weights: w) }
    }

    static func rampPool(size: Int = 32) throws -> ContrastivePool {
        // Ramps in a different direction per slice plus an off-centre blob: the angle of a turned slice
        // is visible, the restoration has structure to recover.
        let volumes = (0..<3).map { v in
            PoolVolume(id: "v\(v)", slices: (0..<4).map { z in
                (0..<(size * size)).map { i in
                    let (r, c) = (Float(i / size), Float(i % size))
                    let blob: Float = ((r - 8) * (r - 8) + (c - 10) * (c - 10)) < 20 ? 0.5 : 0
                    return (r * Float(1 + z) + c * Float(v)) / Float(size * 5) + blob
                }
            })
        }
        return try ContrastivePool(volumes: volumes, height: size, width: size)
    }

    @Test("builders: rotation batches repeat each drawn slice 4 times; restoration targets are the drawn slices; inpainting weighs the box only")
    func builders() throws {
        let pool = try Self.rampPool()
        var s = RandomStream(seed: 8, purpose: "test/builder")
        let rot = try PretextBatchBuilder(pool: pool, task: .rotation, batchSize: 8).batch(using: &s)
        #expect(rot.count == 8 && rot.images.count == 8 * 32 * 32)
        #expect(rot.sources[0] == rot.sources[3] && rot.sources[4] == rot.sources[7])
        guard case .rotation(let classes) = rot.target else { Issue.record("not a rotation target"); return }
        #expect(classes == [0, 1, 2, 3, 0, 1, 2, 3])
        let inpaint = InpaintingCorruption(boxSide: 8, placement: .random, variableSizes: 4..<8)
        let ip = try PretextBatchBuilder(pool: pool, task: .inpainting(inpaint), batchSize: 3).batch(using: &s)
        guard case .restoration(let target, let weights) = ip.target else { Issue.record("not a restoration target"); return }
        for i in 0..<3 {
            let original = pool.pixels(ip.sources[i])
            #expect(Array(target[(i * 1024)..<((i + 1) * 1024)]) == original)
            #expect(weights[(i * 1024)..<((i + 1) * 1024)].reduce(0, +) == 64)
            for p in 0..<1024 where weights[i * 1024 + p] == 0 { #expect(ip.images[i * 1024 + p] == original[p]) }
        }
        #expect(throws: ContrastiveError.self) { try PretextBatchBuilder(pool: pool, task: .inpainting(.original), batchSize: 2) }
    }

    static let config = UNetConfig(inputSize: 32, numClasses: 2, filters: [4, 4, 4, 4, 4, 4], g1Hidden: 8, embeddingSize: 8)

    @Test("rotation head and loss: central differences on the head and the last encoder level")
    func rotationGradient() throws {
        let net = RotationNet(config: Self.config, seed: 9)
        var s = RandomStream(seed: 9, purpose: "test/rot")
        let batch = try PretextBatchBuilder(pool: Self.rampPool(), task: .rotation, batchSize: 4).batch(using: &s)
        GradientCheck(h: 1e-3, tolerance: 3e-2, maxElements: 8).run([net.head.fc1, net.head.fc2, net.encoder.levels[5].1.weight]) {
            rotationLoss(net, batch)
        }
    }

    @Test("rotation loss starts near ln 4 (chance) and falls below 0.95 within 160 steps on a tiny pool")
    func rotationLearns() throws {
        let net = RotationNet(config: Self.config, seed: 10)
        let builder = try PretextBatchBuilder(pool: Self.rampPool(), task: .rotation, batchSize: 8)
        var s = RandomStream(seed: 10, purpose: "test/rot-run")
        let losses = try PretextPretrainer(iterations: 160, learningRate: 1e-3).train(net, batches: builder, stream: &s)
        #expect(abs(losses[0] - log(4)) < 0.5)
        // Chance is ln 4 = 1.386; measured 0.84 over steps 140–160 (0.72 by step 300).
        #expect(losses.suffix(10).reduce(0, +) / 10 < 0.95, "last losses \(losses.suffix(10))")
    }

    @Test("context-restoration and inpainting losses fall by at least a third within 60 steps on a tiny pool")
    func restorationLearns() throws {
        for task: PretextTask in [.contextRestoration(ContextRestorationCorruption(patchSide: 3, swaps: 4)),
                                  .inpainting(InpaintingCorruption(boxSide: 8, placement: .random, variableSizes: 4..<8))] {
            let net = UNet(config: Self.config.restoration, seed: 11)
            let builder = try PretextBatchBuilder(pool: Self.rampPool(), task: task, batchSize: 4)
            var s = RandomStream(seed: 11, purpose: "test/restore-run")
            let losses = try PretextPretrainer(iterations: 60, learningRate: 1e-3).train(net, batches: builder, stream: &s)
            let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
            #expect(last < first * 2 / 3, "\(task.name): first \(first), last \(last)")
        }
    }

    @Test("restoration pre-training hands on every U-Net variable but the one-channel output layer; moving statistics never move")
    func restorationTransfer() throws {
        let source = UNet(config: Self.config.restoration, seed: 1)
        let target = UNet(config: Self.config, seed: 2)
        let output = target.output.weight.data
        let copied = try WeightTransfer.copy(from: source.variables, into: target.variables, where: WeightSelection.allButOutput)
        let trainable = source.variables.filter { !WeightSelection.isMovingStatistic($0.name!) }
        #expect(copied.count == trainable.count - 1 && !copied.contains("seg_fin_layer/W"))
        #expect(copied.contains("seg_c1_b/W") && copied.contains("dec_c1_a/W") && copied.contains("enc_c1_a/W"))
        let byName = Dictionary(uniqueKeysWithValues: target.variables.map { ($0.name!, $0.data) })
        for v in trainable where v.name != "seg_fin_layer/W" { #expect(byName[v.name!] == v.data, "\(v.name!)") }
        #expect(target.output.weight.data == output)
    }
}
