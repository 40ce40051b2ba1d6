import Determinism

/// Fully connected layer: `[N, D_in] · W[D_in, D_out] (+ b[D_out])` → `[N, D_out]`. The kernel is stored
/// `[in, out]` as TF stores it, so weights can be compared with the original's checkpoints.
public func dense(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let profileT0 = Profile.begin()
    defer { Profile.end(.dense, profileT0) }
    precondition(x.shape.count == 2 && weight.shape.count == 2 && weight.shape[0] == x.shape[1],
                 "dense: input \(x.shape) and weight \(weight.shape) do not chain")
    let (n, din, dout) = (x.shape[0], x.shape[1], weight.shape[1])
    if let bias { precondition(bias.shape == [dout], "dense: bias \(bias.shape) for \(dout) outputs") }
    let out = uninitializedFloats(n * dout) { y in
        x.data.withUnsafeBufferPointer { xb in
            weight.data.withUnsafeBufferPointer { wb in
                Dense.forward(xb.baseAddress!, wb.baseAddress!, y, n: n, din: din, dout: dout)
            }
        }
        if let bias { for i in 0..<n { for j in 0..<dout { y[i * dout + j] += bias.data[j] } } }
    }
    let parents = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor(shape: [n, dout], data: out, parents: parents) { result in
        let profileT1 = Profile.begin()
        defer { Profile.end(.dense, profileT1) }
        result.grad!.withUnsafeBufferPointer { gb in
            let g = gb.baseAddress!
            if weight.requiresGrad {
                let dw = uninitializedFloats(din * dout) { dw in
                    x.data.withUnsafeBufferPointer { xb in
                        Dense.weightGradient(xb.baseAddress!, g, dw, n: n, din: din, dout: dout)
                    }
                }
                weight.accumulateGrad(dw)
            }
            if let bias, bias.requiresGrad {
                var db = [Float](repeating: 0, count: dout)
                for j in 0..<dout {
                    var s = 0.0
                    for i in 0..<n { s += Double(g[i * dout + j]) }
                    db[j] = Float(s)
                }
                bias.accumulateGrad(db)
            }
            if x.requiresGrad {
                let dx = uninitializedFloats(n * din) { dx in
                    weight.data.withUnsafeBufferPointer { wb in
                        Dense.inputGradient(g, wb.baseAddress!, dx, n: n, din: din, dout: dout)
                    }
                }
                x.accumulateGrad(dx)
            }
        }
    }
}

/// The three GEMMs of a dense layer, each split into fixed column blocks of its output so that two
/// workers share the 4608×1024 g1 layer without changing any sum.
enum Dense {
    static let block = 256

    static func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                        n: Int, din: Int, dout: Int, kernels: MatrixKernels = .current) {
        let blocks = (dout + block - 1) / block
        Parallel.forEach(blocks) { b in
            let j0 = b * block, cols = min(block, dout - j0)
            MatrixProduct.gemm(kernels: kernels, m: n, n: cols, k: din, a: x, lda: din, b: w + j0, ldb: dout, c: y + j0, ldc: dout)
        }
    }

    /// dW[din × dout] = xᵀ · dy, blocks over dout.
    static func weightGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ dw: UnsafeMutablePointer<Float>,
                               n: Int, din: Int, dout: Int, kernels: MatrixKernels = .current) {
        let blocks = (dout + block - 1) / block
        Parallel.forEach(blocks) { b in
            let j0 = b * block, cols = min(block, dout - j0)
            MatrixProduct.gemm(kernels: kernels, transA: true, m: din, n: cols, k: n, a: x, lda: din, b: dy + j0, ldb: dout,
                       c: dw + j0, ldc: dout)
        }
    }

    /// dX[n × din] = dy · Wᵀ, blocks over din.
    static func inputGradient(_ dy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>,
                              n: Int, din: Int, dout: Int, kernels: MatrixKernels = .current) {
        let blocks = (din + block - 1) / block
        Parallel.forEach(blocks) { b in
            let i0 = b * block, rows = min(block, din - i0)
            MatrixProduct.gemm(kernels: kernels, transB: true, m: n, n: rows, k: dout, a: dy, lda: dout, b: w + i0 * dout, ldb: dout,
                       c: dx + i0, ldc: din)
        }
    }
}
