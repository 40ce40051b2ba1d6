import Engine
import Foundation
import HDF5
import Networks
import Benchmarks
import Testing

@Suite("Weight files")
struct WeightFileTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-weights-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let cfg = UNetConfig(inputSize: 32, numClasses: 4, filters: [2, 3, 3, 4, 4, 4], g1Hidden: 8, embeddingSize: 5)

    @Test("a U-Net saved and loaded into a differently seeded one reproduces its outputs; names are stable")
    func roundTrip() throws {
        let path = dir.appendingPathComponent("unet.h5").path
        let a = UNet(config: cfg, seed: 1), b = UNet(config: cfg, seed: 2)
        let (x, _) = SyntheticDiscs.batch(count: 2, size: 32, seed: 1)
        _ = a(x, mode: .training)   // moves the moving averages away from zero
        try WeightFile.save(a.variables, to: path)
        let names = try WeightFile.load(into: b.variables, from: path)
        #expect(names.count == a.variables.count)
        #expect(a(x, mode: .inference).data == b(x, mode: .inference).data)
        let file = try HDF5File.open(path)
        let stored = file.datasetPaths()
        #expect(stored.contains("enc_c1_a/W") && stored.contains("enc_c1_a/bn/moving_variance")
                && stored.contains("dec_dc6/W") && stored.contains("seg_fin_layer/W") && !stored.contains("seg_fin_layer/b"))
        #expect(try file.datasetShape("enc_c1_a/W") == [2, 1, 3, 3])
    }

    @Test("stage hand-over: encoder only, or encoder + l decoder blocks, never heads or moving averages")
    func selections() throws {
        let path = dir.appendingPathComponent("local.h5").path
        let local = LocalContrastiveNet(config: cfg, decoderBlocks: 3, seed: 3)
        try WeightFile.save(local.variables, to: path)
        let unet = UNet(config: cfg, seed: 4)
        let loaded = Set(try WeightFile.load(into: unet.variables, from: path, where: WeightSelection.encoderAndDecoder(blocks: 3)))
        #expect(loaded.contains("enc_c6_b/W") && loaded.contains("dec_dc4/W") && loaded.contains("dec_c3_b/bn/gamma"))
        #expect(!loaded.contains("dec_dc3/W") && !loaded.contains("seg_c1_a/W"))
        #expect(!loaded.contains { WeightSelection.isMovingStatistic($0) })
        #expect(unet.decoder[2].convs[1].weight.data == local.decoder[2].convs[1].weight.data)
        let global = GlobalContrastiveNet(config: cfg, seed: 5)
        let encOnly = Set(try WeightFile.load(into: global.variables, from: path, where: WeightSelection.encoder))
        #expect(encOnly.allSatisfy { $0.hasPrefix("enc_") } && encOnly.count == 12 * 4)
    }

    @Test("a file missing a variable or with a wrong shape is refused, naming file and variable, and nothing changes")
    func errors() throws {
        let path = dir.appendingPathComponent("small.h5").path
        try WeightFile.save(UNet(config: cfg, seed: 1).encoder.units.flatMap(\.variables), to: path)
        let unet = UNet(config: cfg, seed: 2)
        let before = unet.encoder.levels[0].0.weight.data
        #expect {
            try WeightFile.load(into: unet.variables, from: path)
        } throws: { error in
            "\(error)".contains("small.h5") && "\(error)".contains("dec_")
        }
        #expect(unet.encoder.levels[0].0.weight.data == before)
        let wide = UNet(config: cfg.scaled(by: 2), seed: 2)
        #expect {
            try WeightFile.load(into: wide.variables, from: path, where: WeightSelection.encoder)
        } throws: { error in
            "\(error)".contains("enc_c1_a/W") && "\(error)".contains("shape")
        }
        #expect {
            try WeightFile.load(into: unet.variables, from: dir.appendingPathComponent("absent.h5").path)
        } throws: { error in "\(error)".contains("absent.h5") }
    }
}

@Suite("FLOP accounting")
struct FlopTests {
    @Test("forward FLOPs of the paper's U-Net match the PyTorch reference's analytic count")
    func matchesReference() {
        // From the reference script's model description (2·MACs per image): 64² 0.441843712 GFLOP,
        // 192² 3.976593408 GFLOP, encoder at 192² 1.051066368 GFLOP, g1 at 192² 0.009699328 GFLOP.
        #expect(FlopCount.unet(.paper(inputSize: 64)) == 441_843_712)
        #expect(FlopCount.unet(.paper(inputSize: 192)) == 3_976_593_408)
        #expect(FlopCount.encoder(.paper(inputSize: 192)) == 1_051_066_368)
        #expect(FlopCount.globalHead(.paper(inputSize: 192)) == 9_699_328)
    }
}
