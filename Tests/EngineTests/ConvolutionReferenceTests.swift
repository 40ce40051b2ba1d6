import CConvKernels
import Engine
import Testing
import TestSupport

/// Convolution against a direct double-precision sum, on shapes that exercise every path of the
/// chunking and the panel kernels: planes smaller than a panel (several samples per panel), planes
/// cut into bands, odd channel counts (padding of K and M to multiples of 4), even kernels with
/// TF's asymmetric padding, and a single input channel.
@Suite("Convolution against a double-precision reference", .serialized)
struct ConvolutionReferenceTests {
    /// (N, C_in, C_out, H, W, k)
    static let shapes: [(Int, Int, Int, Int, Int, Int)] = [
        (3, 1, 5, 7, 9, 3),      // one input channel, M not a multiple of 4
        (2, 5, 6, 5, 3, 2),      // 2×2: padding below/right only
        (20, 8, 4, 2, 2, 3),     // 4-pixel planes: twelve samples share a panel
        (1, 3, 4, 130, 130, 3),  // 16 900-pixel plane: cut into bands
        (2, 3, 7, 6, 11, 5),     // 5×5
        (2, 6, 3, 6, 6, 1),      // 1×1
        (3, 16, 16, 16, 16, 3),  // the network's first-level shape, smaller
        (2, 5, 6, 4, 96, 3),     // width a multiple of 48: AVX-512 reads panels from the input directly
        (3, 3, 5, 5, 48, 2),     // the same with TF's 2×2 padding (none above or left)
        (2, 3, 4, 32, 48, 3),    // one sample per chunk, width a multiple of 48
        (2, 4, 3, 33, 32, 2),    // one sample per chunk, 2×2
        (3, 6, 5, 8, 24, 3),     // panels of two rows (and chunks of several samples) read from the input
    ]

    /// y[n,m,r,c] = b[m] + Σ w[m,ci,a,b'] x[n,ci,r+a−pt,c+b'−pl] in double.
    static func reference(x: Tensor, w: Tensor, b: Tensor?) -> [Double] {
        let (n, cin, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, k) = (w.shape[0], w.shape[2])
        let pad = (k - 1) / 2
        var y = [Double](repeating: 0, count: n * cout * h * wd)
        for s in 0..<n { for m in 0..<cout { for r in 0..<h { for c in 0..<wd {
            var acc = Double(b?.data[m] ?? 0)
            for ci in 0..<cin { for a in 0..<k { for bb in 0..<k {
                let iy = r + a - pad, ix = c + bb - pad
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                acc += Double(w.data[((m * cin + ci) * k + a) * k + bb]) * Double(x.data[((s * cin + ci) * h + iy) * wd + ix])
            } } }
            y[((s * cout + m) * h + r) * wd + c] = acc
        } } } }
        return y
    }

    @Test("forward matches the direct sum to float rounding", arguments: 0..<shapes.count)
    func forward(index: Int) {
        let (n, cin, cout, h, w, k) = Self.shapes[index]
        let x = randomTensor([n, cin, h, w], seed: 7, purpose: "x\(index)")
        let wt = randomTensor([cout, cin, k, k], seed: 7, purpose: "w\(index)")
        let b = randomTensor([cout], seed: 7, purpose: "b\(index)")
        let y = conv2d(x, weight: wt, bias: b)
        let ref = Self.reference(x: x, w: wt, b: b)
        // Each output is a sum of cin·k² products of magnitude ≤ 1 (and a bias): float32 rounding stays
        // within (terms · 2⁻²³); a wrong tap or offset is off by O(1).
        let bound = 1.2e-7 * Double(cin * k * k + 1)
        var worst = 0.0
        for i in 0..<ref.count { worst = max(worst, abs(Double(y.data[i]) - ref[i])) }
        #expect(worst <= bound, "max |error| \(worst) over \(ref.count) outputs")
    }

    @Test("input and weight gradients match the direct sums", arguments: [1, 2, 3, 4, 7, 8, 9, 10, 11])
    func gradients(index: Int) {
        let (n, cin, cout, h, w, k) = Self.shapes[index]
        let x = randomTensor([n, cin, h, w], seed: 8, purpose: "x\(index)")
        let wt = randomTensor([cout, cin, k, k], seed: 8, purpose: "w\(index)")
        let r = randomTensor([n, cout, h, w], seed: 8, purpose: "r\(index)", requiresGrad: false)
        weightedSum(conv2d(x, weight: wt), r).backward()
        // dL/dx[s,ci,iy,ix] = Σ r[s,m,r,c] w[m,ci,a,b'] over taps that read (iy, ix); dL/dw likewise.
        let pad = (k - 1) / 2
        var dx = [Double](repeating: 0, count: x.count), dw = [Double](repeating: 0, count: wt.count)
        for s in 0..<n { for m in 0..<cout { for row in 0..<h { for c in 0..<w {
            let g = Double(r.data[((s * cout + m) * h + row) * w + c])
            for ci in 0..<cin { for a in 0..<k { for bb in 0..<k {
                let iy = row + a - pad, ix = c + bb - pad
                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                let xi = ((s * cin + ci) * h + iy) * w + ix, wi = ((m * cin + ci) * k + a) * k + bb
                dx[xi] += g * Double(wt.data[wi])
                dw[wi] += g * Double(x.data[xi])
            } } }
        } } } }
        // Every product has magnitude ≤ 1, so the float32 sums are within (terms · 2⁻²³) of the exact
        // ones (the worst-case bound of recursive summation); a wrong tap is off by O(1).
        let dxErr = zip(x.grad!, dx).map { abs(Double($0) - $1) }.max()!
        let dwErr = zip(wt.grad!, dw).map { abs(Double($0) - $1) }.max()!
        #expect(dxErr <= 1.2e-7 * Double(cout * k * k), "dx error \(dxErr)")
        #expect(dwErr <= 1.2e-7 * Double(n * h * w), "dw error \(dwErr)")
    }

    /// (N, C_in, C_out, H, W, k): a map of odd width (panels across rows and samples), and maps whose
    /// chunks are whole panels (widths 48, 96, 24 and 12: panels of one row, of two and of four rows),
    /// which AVX-512 reads straight from the input (implicit_gemm.c) while the other levels unroll
    /// them: 3×3 with padding on every side and the decoder's 2×2.
    static let isaShapes: [(Int, Int, Int, Int, Int, Int)] = [(3, 5, 6, 9, 13, 3), (2, 6, 9, 5, 48, 3),
                                                               (2, 4, 5, 3, 96, 2), (2, 3, 5, 32, 48, 3),
                                                               (2, 4, 3, 33, 32, 2), (3, 6, 5, 8, 24, 3),
                                                               (4, 4, 7, 12, 12, 3)]

    @Test("AVX-512, AVX2 and portable kernels give the same bits (forward, dX, dW)", arguments: 0..<isaShapes.count)
    func instructionSetsAgree(index: Int) {
        let (n, cin, cout, h, w, k) = Self.isaShapes[index]
        let x0 = randomTensor([n, cin, h, w], seed: 9, purpose: "x", requiresGrad: false)
        let wt0 = randomTensor([cout, cin, k, k], seed: 9, purpose: "w", requiresGrad: false)
        let b = randomTensor([cout], seed: 9, purpose: "b", requiresGrad: false)
        let r = randomTensor([n, cout, h, w], seed: 9, purpose: "r", requiresGrad: false)
        defer { _ = ck_force_isa(CK_ISA_AUTO) }
        let levels = [CK_ISA_PORTABLE, CK_ISA_AVX2, CK_ISA_AVX512].filter { ck_force_isa($0) == 1 }
        let outputs = levels.map { level -> [Float] in
            _ = ck_force_isa(level)
            let x = Tensor(shape: x0.shape, data: x0.data, requiresGrad: true)
            let wt = Tensor(shape: wt0.shape, data: wt0.data, requiresGrad: true)
            let y = conv2d(x, weight: wt, bias: b)
            weightedSum(y, r).backward()
            return y.data + x.grad! + wt.grad!
        }
        #expect(levels.count >= 2, "this CPU offers fewer than two kernel levels: \(levels)")
        for (level, out) in zip(levels, outputs).dropFirst() {
            #expect(out.map(\.bitPattern) == outputs[0].map(\.bitPattern), "level \(level) differs from portable")
        }
    }
}
