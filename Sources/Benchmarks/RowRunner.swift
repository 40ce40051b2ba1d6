import Determinism
import Engine
import Foundation
import Networks
import Training

/// What one benchmark row measured in one process.
public struct RowMeasurement: Codable, Sendable {
    public var name: String
    public var title: String
    public var imageSize: Int
    public var batch: Int
    public var threads: Int
    public var kernel: String
    /// What computed the matrix products ("engine" or "openblas:<core>").
    public var matrixKernels: String
    public var medianSeconds: Double
    public var timesSeconds: [Double]
    public var gflopPerStep: Double
    public var gflops: Double
    public var peakRSSMiB: Double
    /// Loss after each step (warm-up included), to compare kernels numerically.
    public var losses: [Float]
    /// With `profile`: mean seconds per timed step in each `Profile.Phase` (by label), plus
    /// "kernel (system) time" and "minor page faults" (count) from getrusage: what allocation costs.
    public var profile: [String: Double]? = nil

    enum CodingKeys: String, CodingKey {
        case name, title, threads, kernel, batch, losses, profile
        case matrixKernels = "matrix_kernels"
        case imageSize = "image_size"
        case medianSeconds = "median_s"
        case timesSeconds = "times_s"
        case gflopPerStep = "gflop_per_step"
        case gflops = "achieved_gflops"
        case peakRSSMiB = "peak_rss_mib"
    }
}

/// Runs one row: builds the network and a seeded batch, does `warmup` untimed then `steps` timed steps.
public enum RowRunner {
    public static func run(_ row: BenchmarkRow, steps: Int, warmup: Int = 1, seed: UInt64 = 1,
                           profile: Bool = false) -> RowMeasurement {
        let step = makeStep(row, seed: seed)
        var losses: [Float] = []
        var times: [Double] = []
        var usage0 = rusage()
        for i in 0..<(warmup + steps) {
            if profile && i == warmup {
                Profile.reset()
                Profile.setEnabled(true)
                getrusage(RUSAGE_SELF.rawValue, &usage0)
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let loss = step()
            let t1 = DispatchTime.now().uptimeNanoseconds
            losses.append(loss)
            if i >= warmup { times.append(Double(t1 - t0) / 1e9) }
        }
        var phases: [String: Double]? = nil
        if profile {
            Profile.setEnabled(false)
            var usage1 = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage1)
            let n = Double(steps)
            var p: [String: Double] = [:]
            for (phase, ns) in Profile.snapshot() { p[phase.label] = Double(ns) / 1e9 / n }
            func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            p["kernel (system) time"] = (seconds(usage1.ru_stime) - seconds(usage0.ru_stime)) / n
            p["minor page faults"] = Double(usage1.ru_minflt - usage0.ru_minflt) / n
            p["step (mean)"] = times.reduce(0, +) / n
            phases = p
        }
        let median = times.sorted()[times.count / 2]
        let flops = row.flopsPerStep
        return RowMeasurement(name: row.rawValue, title: row.title, imageSize: row.imageSize, batch: row.batch,
                              threads: Parallel.workerCount, kernel: BLAS.coreName,
                              matrixKernels: MatrixKernels.provenance, medianSeconds: median,
                              timesSeconds: times, gflopPerStep: flops / 1e9, gflops: flops / 1e9 / median,
                              peakRSSMiB: ProcessMemory.peakResidentMiB, losses: losses, profile: phases)
    }

    /// A closure doing one step and returning its loss (for inference: the mean logit).
    static func makeStep(_ row: BenchmarkRow, seed: UInt64) -> () -> Float {
        let size = row.imageSize, n = row.batch
        var s = RandomStream(seed: seed, purpose: "bench/\(row.rawValue)/images")
        let images = Tensor(shape: [n, 1, size, size], data: (0..<(n * size * size)).map { _ in s.uniform() })
        switch row {
        case .a, .b64, .b128, .d, .qh, .qf:
            let cfg = row.config
            let net = UNet(config: cfg, seed: seed)
            if row == .d {
                return {
                    let logits = GradMode.disabled { net(images, mode: .inference) }
                    return Float(logits.data.reduce(0, +) / Float(logits.count))
                }
            }
            var ls = RandomStream(seed: seed, purpose: "bench/\(row.rawValue)/labels")
            var onehot = [Float](repeating: 0, count: n * cfg.numClasses * size * size)
            for b in 0..<n {
                for p in 0..<(size * size) {
                    onehot[(b * cfg.numClasses + ls.int(in: 0...(cfg.numClasses - 1))) * size * size + p] = 1
                }
            }
            let labels = Tensor(shape: [n, cfg.numClasses, size, size], data: onehot)
            let opt = Adam(groups: [ParameterGroup(name: "unet", parameters: net.parameters)])
            return {
                let loss = softDiceLoss(probabilities: softmax(net(images, mode: .training)), labels: labels)
                loss.backward()
                opt.update()
                return loss.item
            }
        case .c:
            let cfg = UNetConfig.paper(inputSize: size)
            let net = GlobalContrastiveNet(config: cfg, seed: seed)
            let terms = GlobalTerms.domain(batch: n, parts: 4)
            let opt = Adam(groups: [ParameterGroup(name: "enc+g1", parameters: net.encoder.units.flatMap(\.parameters) + net.head.parameters)])
            return {
                let z = l2Normalize(net(images))
                let loss = infoNCE(embeddings: z, terms: terms, temperature: 0.1, normaliser: Float(n))
                loss.backward()
                opt.update()
                return loss.item
            }
        case .e:
            let cfg = UNetConfig.paper(inputSize: size)
            let net = LocalContrastiveNet(config: cfg, decoderBlocks: 3, seed: seed)
            let regions = try! LocalRegions.paper(featureSize: size / 4)  // ≥ 8 for every benchmark size
            let positions = regions.uniquePositions
            let terms = regions.randomTerms(pairs: n / 2)
            let trainable = net.decoder.flatMap(\.units).flatMap(\.parameters) + net.head.parameters
            let opt = Adam(groups: [ParameterGroup(name: "enc", parameters: net.encoder.units.flatMap(\.parameters), frozen: true),
                                    ParameterGroup(name: "dec+g2", parameters: trainable)])
            return {
                let f = net.features(images)
                let z = l2Normalize(net.head.embed(f, at: positions))
                let loss = infoNCE(embeddings: z, terms: terms, temperature: 0.1,
                                   normaliser: Float(regions.anchors.count * n))
                loss.backward()
                opt.update()
                return loss.item
            }
        }
    }
}

public enum ProcessMemory {
    /// Peak resident set size of this process so far (getrusage, KiB on Linux).
    public static var peakResidentMiB: Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
