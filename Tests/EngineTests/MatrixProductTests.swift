import CConvKernels
@testable import Engine
import Determinism
import Testing
import TestSupport

/// The engine's own matrix product (`ck_gemm_nt` behind `MatrixProduct`): against double-precision
/// sums with the rounding bound of its summation order, against OpenBLAS (the reference it replaces),
/// bit for bit across instruction sets, across splits of the output (what threads do) and across
/// worker counts in the ops that use it.
@Suite("Matrix product: fixed-order kernel against double sums and OpenBLAS", .serialized)
struct MatrixProductTests {
    /// (M, N, K): tile edges (M % 4, N % 6 and N % 3 ≠ 0), K below one 16-lane group, not a multiple
    /// of 16, exactly one block, and several blocks (CK_NT_KB = 1024) with a ragged last one.
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 7), (4, 6, 16), (5, 7, 33), (9, 13, 1024), (6, 4, 2500), (17, 11, 300), (2, 19, 4097),
    ]

    static func operands(_ m: Int, _ n: Int, _ k: Int, seed: UInt64) -> ([Float], [Float]) {
        var s = RandomStream(seed: seed, purpose: "gemm-nt/\(m)x\(n)x\(k)")
        return ((0..<(m * k)).map { _ in s.uniform(-1, 1) }, (0..<(n * k)).map { _ in s.uniform(-1, 1) })
    }

    static func ours(_ a: [Float], _ b: [Float], _ m: Int, _ n: Int, _ k: Int) -> [Float] {
        var c = [Float](repeating: .nan, count: m * n)
        ck_gemm_nt(Int32(m), Int32(n), Int32(k), a, Int32(k), b, Int32(k), &c, Int32(n))
        return c
    }

    /// Worst-case error of the fixed order relative to Σ|a·b|: a lane is a chain of ⌈min(K, KB)/16⌉
    /// FMAs (one rounding each), the lane tree adds 4 roundings and the blocks one each, and every
    /// rounding is at most the unit roundoff u = 2⁻²⁴ relative to the partial sum it rounds.
    static func bound(_ k: Int) -> Double {
        let kb = Int(CK_NT_KB)
        let steps = (min(k, kb) + 15) / 16 + 4 + (k + kb - 1) / kb
        return 1.01 * Double(steps) * 0x1p-24
    }

    @Test("each output is within the bound of its fixed summation order of the double-precision sum", arguments: 0..<shapes.count)
    func againstDouble(index: Int) {
        let (m, n, k) = Self.shapes[index]
        let (a, b) = Self.operands(m, n, k, seed: 1)
        let c = Self.ours(a, b, m, n, k)
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    exact += Double(a[i * k + p]) * Double(b[j * k + p])
                    magnitude += abs(Double(a[i * k + p]) * Double(b[j * k + p]))
                }
                let err = abs(Double(c[i * n + j]) - exact)
                #expect(err <= Self.bound(k) * magnitude, "C[\(i)][\(j)] = \(c[i * n + j]), exact \(exact), Σ|ab| \(magnitude)")
                worst = max(worst, err / max(magnitude, 1e-30))
            }
        }
        #expect(worst <= Self.bound(k))
    }

    @Test("every term reaches its output, at lane and block boundaries too")
    func everyTermCounts() {
        let (m, n, k) = (3, 4, 2500)
        var (a, b) = Self.operands(m, n, k, seed: 2)
        for p in [0, 15, 16, 1023, 1024, 2499] {
            b[p] = 1                                  // column 0 of op(B): C[0][0] moves by the change of a[p]
            let before = Self.ours(a, b, m, n, k)
            a[p] += 64
            let after = Self.ours(a, b, m, n, k)
            a[p] -= 64
            #expect(abs(Double(after[0] - before[0]) - 64) < 0.01, "term \(p): C[0][0] moved by \(after[0] - before[0])")
            #expect(after[n...].map(\.bitPattern) == before[n...].map(\.bitPattern), "rows of A other than 0 must not move")
        }
    }

    @Test("AVX-512, AVX2 and portable C give the same bits", arguments: 0..<shapes.count)
    func instructionSetsAgree(index: Int) {
        let (m, n, k) = Self.shapes[index]
        let (a, b) = Self.operands(m, n, k, seed: 3)
        defer { _ = ck_force_isa(CK_ISA_AUTO) }
        let levels = [CK_ISA_PORTABLE, CK_ISA_AVX2, CK_ISA_AVX512].filter { ck_force_isa($0) == 1 }
        #expect(levels.count >= 2, "this CPU offers fewer than two kernel levels: \(levels)")
        let outs = levels.map { level -> [UInt32] in
            _ = ck_force_isa(level)
            return Self.ours(a, b, m, n, k).map(\.bitPattern)
        }
        for (level, out) in zip(levels, outs).dropFirst() {
            #expect(out == outs[0], "level \(level) differs from portable at \(m)×\(n)×\(k)")
        }
    }

    @Test("computing a block of rows or columns alone gives the same bits (threads split outputs)")
    func splitInvariance() {
        let (m, n, k) = (11, 17, 1500)
        let (a, b) = Self.operands(m, n, k, seed: 4)
        let whole = Self.ours(a, b, m, n, k)
        var parts = [Float](repeating: .nan, count: m * n)
        // Rows 3..<10 × columns 5..<16, then the rest, through offset pointers and leading dimensions.
        for (r0, r1, c0, c1) in [(3, 10, 5, 16), (0, 3, 0, 17), (10, 11, 0, 17), (3, 10, 0, 5), (3, 10, 16, 17)] {
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    parts.withUnsafeMutableBufferPointer { cp in
                        ck_gemm_nt(Int32(r1 - r0), Int32(c1 - c0), Int32(k), ap.baseAddress! + r0 * k, Int32(k),
                                   bp.baseAddress! + c0 * k, Int32(k), cp.baseAddress! + r0 * n + c0, Int32(n))
                    }
                }
            }
        }
        #expect(parts.map(\.bitPattern) == whole.map(\.bitPattern))
    }

    @Test("MatrixProduct agrees with OpenBLAS sgemm for every transpose, alpha and beta",
          arguments: [(false, false), (true, false), (false, true), (true, true)])
    func againstOpenBLAS(transA: Bool, transB: Bool) {
        let (m, n, k) = (7, 9, 1100)
        var s = RandomStream(seed: 5, purpose: "gemm/\(transA)/\(transB)")
        let a = (0..<(m * k)).map { _ in s.uniform(-1, 1) }
        let b = (0..<(n * k)).map { _ in s.uniform(-1, 1) }
        let c0 = (0..<(m * n)).map { _ in s.uniform(-1, 1) }
        let lda = transA ? m : k, ldb = transB ? k : n
        for (alpha, beta) in [(Float(1), Float(0)), (Float(0.5), Float(0)), (Float(-2), Float(0.75))] {
            var ours = c0, theirs = c0
            for (kernels, out) in [(MatrixKernels.engine, 0), (.openblas, 1)] {
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        func run(_ c: inout [Float]) {
                            c.withUnsafeMutableBufferPointer { cp in
                                MatrixProduct.gemm(kernels: kernels, transA: transA, transB: transB, m: m, n: n, k: k,
                                                   alpha: alpha, a: ap.baseAddress!, lda: lda, b: bp.baseAddress!, ldb: ldb,
                                                   beta: beta, c: cp.baseAddress!, ldc: n)
                            }
                        }
                        if out == 0 { run(&ours) } else { run(&theirs) }
                    }
                }
            }
            // Both are within (chain length) · u · Σ|ab| of the exact product, OpenBLAS's chains being at
            // most k long; a transposed operand read the wrong way is off by O(1) instead.
            var err = 0.0
            for i in 0..<m {
                for j in 0..<n {
                    var magnitude = 0.0
                    for p in 0..<k {
                        let av = transA ? a[p * lda + i] : a[i * lda + p], bv = transB ? b[j * ldb + p] : b[p * ldb + j]
                        magnitude += abs(Double(av) * Double(bv))
                    }
                    let tol = Double(abs(alpha)) * (Self.bound(k) + Double(k) * 0x1p-24) * magnitude + 4 * 0x1p-24
                    let d = abs(Double(ours[i * n + j]) - Double(theirs[i * n + j]))
                    #expect(d <= tol, "C[\(i)][\(j)] transA \(transA) transB \(transB) alpha \(alpha) beta \(beta): \(d) > \(tol)")
                    err = max(err, d)
                }
            }
            #expect(err > 0 || k < 16, "the two kernels should round differently somewhere at k = \(k)")
        }
    }

    @Test("conv weight gradient and dense layer: engine kernels against OpenBLAS, and 1 vs 2 workers bit-identical")
    func opsAgainstOpenBLASAndThreads() {
        let x = randomTensor([3, 5, 40, 40], seed: 6, purpose: "x", requiresGrad: false)
        let dy = randomTensor([3, 7, 40, 40], seed: 6, purpose: "dy", requiresGrad: false)
        let g = ConvGeometry(batch: 3, inChannels: 5, outChannels: 7, height: 40, width: 40, kernelH: 3, kernelW: 3,
                             padTop: 1, padLeft: 1)
        func dW(_ kernels: MatrixKernels, workers: Int) -> [Float] {
            Parallel.setWorkerCount(workers)
            defer { Parallel.setWorkerCount(1) }
            var out = [Float](repeating: .nan, count: 7 * 5 * 9)
            x.data.withUnsafeBufferPointer { xp in
                dy.data.withUnsafeBufferPointer { dp in
                    out.withUnsafeMutableBufferPointer { op in
                        Convolution.weightGradient(x: xp.baseAddress!, outputGrad: dp.baseAddress!, into: op.baseAddress!,
                                                   geometry: g, kernels: kernels)
                    }
                }
            }
            return out
        }
        let ours1 = dW(.engine, workers: 1), ours2 = dW(.engine, workers: 2), blas = dW(.openblas, workers: 1)
        #expect(ours1.map(\.bitPattern) == ours2.map(\.bitPattern))
        // Sums of 4800 products of magnitude ≤ 1: both within 4800 · 2⁻²³ of the exact value.
        let err = zip(ours1, blas).map { abs($0 - $1) }.max()!
        #expect(err <= 2 * 4800 * 0x1p-23, "conv dW engine vs OpenBLAS: \(err)")

        let (n, din, dout) = (6, 700, 300)   // dout > Dense.block: two column blocks
        let xs = randomTensor([n, din], seed: 7, purpose: "x", requiresGrad: false).data
        let w = randomTensor([din, dout], seed: 7, purpose: "w", requiresGrad: false).data
        let gy = randomTensor([n, dout], seed: 7, purpose: "gy", requiresGrad: false).data
        func denseAll(_ kernels: MatrixKernels, workers: Int) -> [Float] {
            Parallel.setWorkerCount(workers)
            defer { Parallel.setWorkerCount(1) }
            var y = [Float](repeating: .nan, count: n * dout), dw = [Float](repeating: .nan, count: din * dout)
            var dx = [Float](repeating: .nan, count: n * din)
            Dense.forward(xs, w, &y, n: n, din: din, dout: dout, kernels: kernels)
            Dense.weightGradient(xs, gy, &dw, n: n, din: din, dout: dout, kernels: kernels)
            Dense.inputGradient(gy, w, &dx, n: n, din: din, dout: dout, kernels: kernels)
            return y + dw + dx
        }
        let d1 = denseAll(.engine, workers: 1), d2 = denseAll(.engine, workers: 2), dBLAS = denseAll(.openblas, workers: 1)
        #expect(d1.map(\.bitPattern) == d2.map(\.bitPattern))
        let dErr = zip(d1, dBLAS).map { abs($0 - $1) }.max()!
        #expect(dErr <= 2 * 700 * 0x1p-23, "dense engine vs OpenBLAS: \(dErr)")
    }
}
