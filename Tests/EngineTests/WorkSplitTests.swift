@testable import Engine
import Determinism
import Testing
import TestSupport

/// The finer work splits that let two threads help at small maps: the forward (and so dX) cut into
/// panel ranges by worker count, the weight gradient's product cut into ranges of dW columns when there
/// are few chunks, and max-pool and concat spread over planes. None may change a bit.
@Suite("Work splits for small maps", .serialized)
struct WorkSplitTests {
    /// (N, C_in, C_out, H = W): the deeper U-Net levels at the quick preset's batch (one or two chunks),
    /// a map that is cut into bands (two chunks), and two one-sample chunks of width 48 (panels read
    /// from the input; dW cut into column ranges).
    static let shapes: [(Int, Int, Int, Int)] = [(10, 16, 64, 6), (10, 64, 32, 3), (10, 8, 12, 12), (1, 4, 8, 130),
                                                 (2, 8, 8, 48)]

    @Test("the forward's items cover every panel of every chunk exactly once, and split when there are few chunks")
    func forwardItemsPartition() {
        for (n, _, _, s) in Self.shapes {
            let chunks = ConvPlan.chunks(batch: n, height: s, width: s)
            for workers in [1, 2, 3] {
                let items = Convolution.forwardItems(chunks, width: s, workers: workers)
                for (c, chunk) in chunks.enumerated() {
                    let np = (chunk.samples * chunk.rows * s + 47) / 48
                    let ranges = items.filter { $0.chunk == c }.map(\.panels)
                    #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == np)
                    #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
                }
                if workers == 1 { #expect(items.count == chunks.count) }
            }
        }
        // The 6² map of batch 10 is one chunk of 8 panels: two workers must get more than one item.
        let small = ConvPlan.chunks(batch: 10, height: 6, width: 6)
        #expect(small.count == 1 && Convolution.forwardItems(small, width: 6, workers: 2).count == 8)
        #expect(Convolution.weightGradientColumnSplits(chunks: 1, patch: 144, workers: 2) == 8)
        #expect(Convolution.weightGradientColumnSplits(chunks: 10, patch: 144, workers: 2) == 1)
    }

    @Test("conv forward, dX, dW and bias gradient, max-pool and concat: the same bits at 1, 2 and 3 workers",
          arguments: 0..<shapes.count)
    func sameBitsAnyWorkers(index: Int) {
        let (n, cin, cout, s) = Self.shapes[index]
        let x0 = randomTensor([n, cin, s, s], seed: 11, purpose: "x\(index)", requiresGrad: false)
        let w0 = randomTensor([cout, cin, 3, 3], seed: 11, purpose: "w\(index)", requiresGrad: false)
        let b0 = randomTensor([cout], seed: 11, purpose: "b\(index)", requiresGrad: false)
        let even = s % 2 == 0
        let r = randomTensor([n, cout + cin, even ? s / 2 : s, even ? s / 2 : s], seed: 11, purpose: "r\(index)",
                             requiresGrad: false)
        func run(workers: Int) -> [UInt32] {
            Parallel.setWorkerCount(workers)
            defer { Parallel.setWorkerCount(1) }
            let x = Tensor(shape: x0.shape, data: x0.data, requiresGrad: true)
            let w = Tensor(shape: w0.shape, data: w0.data, requiresGrad: true)
            let b = Tensor(shape: b0.shape, data: b0.data, requiresGrad: true)
            let joined = concatChannels([conv2d(x, weight: w, bias: b), x])
            let out = even ? maxPool2x2(joined) : joined
            weightedSum(out, r).backward()
            return (out.data + x.grad! + w.grad! + b.grad!).map(\.bitPattern)
        }
        let one = run(workers: 1)
        #expect(run(workers: 2) == one)
        #expect(run(workers: 3) == one)
    }
}
