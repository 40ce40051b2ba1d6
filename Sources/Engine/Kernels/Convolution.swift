import CConvKernels
import Determinism

/// Stride-1 2D convolution on `[N, C, H, W]`, cut into shape-fixed chunks: the forward pass by the
/// panel kernels of CConvKernels, the weight gradient by im2col + a matrix product (`MatrixProduct`:
/// CConvKernels' fixed-order `ck_gemm_nt` by default, OpenBLAS sgemm on request).
///
/// One forward routine serves both directions: the input gradient of a convolution is itself a
/// convolution of the output gradient with the flipped, transposed kernel and mirrored padding, so
/// `dX` needs no col2im scatter (whose overlapping writes would need locks or per-thread copies).

/// Geometry of a stride-1 convolution whose output has the input's height and width.
struct ConvGeometry {
    let batch: Int
    let inChannels: Int
    let outChannels: Int
    let height: Int
    let width: Int
    let kernelH: Int
    let kernelW: Int
    /// Zero rows above / columns left of the input; the rest of the `kernel - 1` padding goes below/right.
    let padTop: Int
    let padLeft: Int

    var plane: Int { height * width }
    /// Rows of the im2col matrix, K = C_in · kh · kw.
    var patch: Int { inChannels * kernelH * kernelW }
}

/// A block of output columns: either several whole samples, or a band of rows of one sample.
struct ConvChunk {
    let sample0: Int
    let samples: Int
    let row0: Int
    let rows: Int
}

enum ConvPlan {
    /// Small maps are grouped into chunks of at least this many columns so that the matrix product has work to do.
    static let minColumns = 1024
    /// Large maps are cut into bands of at most this many columns so that a chunk's im2col stays in L3.
    static let maxColumns = 16384

    /// The chunks depend on the shape only, never on the thread count: that is what makes the
    /// chunk-wise partial sums of the weight gradient reproducible.
    static func chunks(batch: Int, height: Int, width: Int) -> [ConvChunk] {
        let plane = height * width
        var out: [ConvChunk] = []
        if plane > maxColumns {
            let bands = (plane + maxColumns - 1) / maxColumns
            let rowsPerBand = (height + bands - 1) / bands
            for n in 0..<batch {
                var r = 0
                while r < height {
                    let rows = min(rowsPerBand, height - r)
                    out.append(ConvChunk(sample0: n, samples: 1, row0: r, rows: rows))
                    r += rows
                }
            }
        } else {
            let perChunk = max(1, min(batch, (minColumns + plane - 1) / plane))
            let groups = (batch + perChunk - 1) / perChunk
            // Spread samples evenly over the groups so no chunk is a small straggler.
            var n = 0
            for gIndex in 0..<groups {
                let size = (batch - n + (groups - gIndex) - 1) / (groups - gIndex)
                out.append(ConvChunk(sample0: n, samples: size, row0: 0, rows: height))
                n += size
            }
        }
        return out
    }
}

enum Convolution {
    /// Unrolls the input patches of `chunk` into `cols` [K × columns], column order (sample, row, col).
    ///
    /// For one kernel tap the valid rows of a sample are a single shifted run of the input plane, so
    /// they are copied in one `memmove`; the columns that wrapped around a row edge are zeroed after.
    static func im2col(_ x: UnsafePointer<Float>, _ g: ConvGeometry, _ chunk: ConvChunk,
                       _ cols: UnsafeMutablePointer<Float>) {
        let W = g.width, H = g.height, plane = H * W
        let rows = chunk.rows
        let ncols = chunk.samples * rows * W
        var k = 0
        for ci in 0..<g.inChannels {
            for ky in 0..<g.kernelH {
                // Rows r of the chunk whose input row iy = row0 + r + ky − padTop lies inside the map.
                let rowShift = chunk.row0 + ky - g.padTop
                let rLo = min(rows, max(0, -rowShift)), rHi = max(rLo, min(rows, H - rowShift))
                for kx in 0..<g.kernelW {
                    let shift = kx - g.padLeft
                    let lo = max(0, -shift), hi = min(W, W - shift)   // valid output columns
                    let rowBase = cols + k * ncols
                    for j in 0..<chunk.samples {
                        let src = x + ((chunk.sample0 + j) * g.inChannels + ci) * plane
                        let dst = rowBase + j * rows * W
                        if rLo > 0 { dst.update(repeating: 0, count: rLo * W) }
                        if rHi < rows { (dst + rHi * W).update(repeating: 0, count: (rows - rHi) * W) }
                        guard rHi > rLo else { continue }
                        if lo >= hi {
                            (dst + rLo * W).update(repeating: 0, count: (rHi - rLo) * W)
                            continue
                        }
                        let start = (rLo + rowShift) * W + shift          // source index of dst[rLo·W]
                        let count = (rHi - rLo) * W
                        let t0 = max(0, -start), t1 = min(count, plane - start)
                        (dst + rLo * W + t0).update(from: src + start + t0, count: t1 - t0)
                        if lo > 0 || hi < W {
                            for r in rLo..<rHi {
                                let row = dst + r * W
                                for c in 0..<lo { row[c] = 0 }
                                for c in hi..<W { row[c] = 0 }
                            }
                        }
                    }
                    k += 1
                }
            }
        }
    }

    /// y = conv(x, w) + bias. `w` is `[C_out, C_in, kh, kw]`, x `[N, C_in, H, W]`, y `[N, C_out, H, W]`.
    ///
    /// The panel kernels of CConvKernels unroll each chunk straight into the micro-kernel's layout, in
    /// L2-sized groups, so the im2col matrix is neither written out nor re-packed as sgemm would.
    static func forward(x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                              y: UnsafeMutablePointer<Float>, geometry g: ConvGeometry) {
        let t0 = Profile.begin()
        defer { Profile.end(.convForward, t0) }
        forwardKernel(x: x, weight: w, bias: bias, y: y, geometry: g)
    }

    /// `forward` without its profile phase, for `inputGradient`, which has its own.
    static func forwardKernel(x: UnsafePointer<Float>, weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                              y: UnsafeMutablePointer<Float>, geometry g: ConvGeometry) {
        let chunks = ConvPlan.chunks(batch: g.batch, height: g.height, width: g.width)
        let M = g.outChannels, K = g.patch
        let kp = Int(ck_padded(Int32(K)))
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: (M + 3) / 4 * kp * 4)
        defer { packed.deallocate() }
        ck_pack_weights(w, Int32(M), Int32(K), packed)
        let scratchCount = ck_forward_scratch_floats(Int32(g.inChannels), Int32(g.kernelH), Int32(g.kernelW))
        let items = forwardItems(chunks, width: g.width, workers: Parallel.workerCount)
        Parallel.forEach(items.count) { i in
            let item = items[i], chunk = chunks[item.chunk]
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
            defer { scratch.deallocate() }
            ck_conv_forward_panels(x, Int32(g.inChannels), Int32(g.height), Int32(g.width), Int32(g.kernelH),
                                   Int32(g.kernelW), Int32(g.padTop), Int32(g.padLeft), Int32(M), packed, bias, y,
                                   Int32(chunk.sample0), Int32(chunk.samples), Int32(chunk.row0), Int32(chunk.rows),
                                   Int32(item.panels.lowerBound), Int32(item.panels.upperBound), scratch)
        }
    }

    /// A forward work item: a range of one chunk's output panels.
    struct ForwardItem: Equatable {
        let chunk: Int
        let panels: Range<Int>
    }

    /// The forward's work items. Its outputs are computed whole by whichever item owns their panel, so the
    /// cut may follow the worker count without changing a bit (unlike the weight gradient's chunks,
    /// which fix its summation order): one item per chunk on one thread; with more threads, chunks are
    /// cut into panel ranges until there are about four items per worker, so that the small maps of the
    /// deeper levels (a single chunk of a few panels) do not leave all but one thread idle.
    static func forwardItems(_ chunks: [ConvChunk], width: Int, workers: Int) -> [ForwardItem] {
        let panels = chunks.map { Int(ck_panel_count(Int32($0.samples * $0.rows * width))) }
        let wanted = 4 * workers
        let splits = workers <= 1 || chunks.count >= wanted ? 1 : (wanted + chunks.count - 1) / chunks.count
        var items: [ForwardItem] = []
        for (c, np) in panels.enumerated() {
            let parts = max(1, min(splits, np))
            var p = 0
            for k in 0..<parts {
                let size = (np - p + (parts - k) - 1) / (parts - k)
                items.append(ForwardItem(chunk: c, panels: p..<(p + size)))
                p += size
            }
        }
        return items
    }

    /// dW = Σ_chunks dY_chunk · cols_chunkᵀ, partial products summed in chunk order.
    static func weightGradient(x: UnsafePointer<Float>, outputGrad dy: UnsafePointer<Float>,
                               into dw: UnsafeMutablePointer<Float>, geometry g: ConvGeometry,
                               kernels: MatrixKernels = .current) {
        let chunks = ConvPlan.chunks(batch: g.batch, height: g.height, width: g.width)
        let M = g.outChannels, K = g.patch
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: chunks.count * M * K)
        defer { partials.deallocate() }
        let splits = kernels == .engine
            ? weightGradientColumnSplits(chunks: chunks.count, patch: K, workers: Parallel.workerCount) : 1
        if splits == 1 {
            Parallel.forEach(chunks.count) { c in
                let t0 = Profile.now()
                let packed = packWeightGradientChunk(x: x, outputGrad: dy, geometry: g, chunk: chunks[c])
                defer { packed.release() }
                let t1 = Profile.now()
                Profile.add(.convWeightPack, t0, t1)
                defer { Profile.add(.convWeightProduct, t1, Profile.now()) }
                MatrixProduct.gemm(kernels: kernels, transB: true, m: M, n: K, k: packed.columns, a: packed.a,
                                   lda: packed.lda, b: packed.cols, ldb: packed.columns, c: partials + c * M * K, ldc: K)
            }
        } else {
            // Few chunks (small maps) and several workers: pack every chunk first, then cut each product
            // into ranges of dW columns (rows of cols). ck_gemm_nt computes every output on its own, so
            // the cut changes no bit; OpenBLAS, whose blocking could depend on the shape, never gets here.
            var packs = [PackedChunk?](repeating: nil, count: chunks.count)
            packs.withUnsafeMutableBufferPointer { pb in
                let pp = pb.baseAddress!
                Parallel.forEach(chunks.count) { c in
                    let t0 = Profile.now()
                    pp[c] = packWeightGradientChunk(x: x, outputGrad: dy, geometry: g, chunk: chunks[c])
                    Profile.add(.convWeightPack, t0, Profile.now())
                }
            }
            defer { for p in packs { p!.release() } }
            let per = (K + splits - 1) / splits
            packs.withUnsafeBufferPointer { pb in
                let pp = pb.baseAddress!
                Parallel.forEach(chunks.count * splits) { i in
                    let c = i / splits, n0 = (i % splits) * per, n1 = min(K, n0 + per)
                    guard n0 < n1 else { return }
                    let packed = pp[c]!
                    let t1 = Profile.now()
                    defer { Profile.add(.convWeightProduct, t1, Profile.now()) }
                    MatrixProduct.gemm(kernels: kernels, transB: true, m: M, n: n1 - n0, k: packed.columns, a: packed.a,
                                       lda: packed.lda, b: packed.cols + n0 * packed.columns, ldb: packed.columns,
                                       c: partials + c * M * K + n0, ldc: K)
                }
            }
        }
        let t0 = Profile.begin()
        reducePartials(partials, count: chunks.count, length: M * K, into: dw)
        Profile.end(.convWeightReduce, t0)
    }

    /// Ranges of dW columns each chunk's product is cut into: 1 on one worker or when there are at
    /// least four chunks per worker; else enough for about four items per worker, each at least one
    /// 6-column tile of the product wide.
    static func weightGradientColumnSplits(chunks: Int, patch K: Int, workers: Int) -> Int {
        guard workers > 1, chunks < 4 * workers else { return 1 }
        return max(1, min(K / 6, (4 * workers + chunks - 1) / chunks))
    }

    /// One chunk's operands of the weight-gradient product: its im2col matrix and its dY rows.
    struct PackedChunk {
        let cols: UnsafeMutablePointer<Float>
        let columns: Int
        /// dY of the chunk as M rows of `columns`, `lda` apart: in place for one sample, else gathered.
        let a: UnsafePointer<Float>
        let lda: Int
        let gathered: UnsafeMutablePointer<Float>?

        func release() {
            cols.deallocate()
            gathered?.deallocate()
        }
    }

    static func packWeightGradientChunk(x: UnsafePointer<Float>, outputGrad dy: UnsafePointer<Float>,
                                        geometry g: ConvGeometry, chunk: ConvChunk) -> PackedChunk {
        let M = g.outChannels, K = g.patch, plane = g.plane
        let ncols = chunk.samples * chunk.rows * g.width
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: K * ncols)
        im2col(x, g, chunk, cols)
        if chunk.samples == 1 {
            return PackedChunk(cols: cols, columns: ncols, a: dy + chunk.sample0 * M * plane + chunk.row0 * g.width,
                               lda: plane, gathered: nil)
        }
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: M * ncols)
        for j in 0..<chunk.samples {
            for m in 0..<M {
                (tmp + m * ncols + j * plane).update(from: dy + ((chunk.sample0 + j) * M + m) * plane, count: plane)
            }
        }
        return PackedChunk(cols: cols, columns: ncols, a: UnsafePointer(tmp), lda: ncols, gathered: tmp)
    }

    /// out[i] = Σ_c partials[c][i] in chunk order, split over fixed element blocks.
    static func reducePartials(_ partials: UnsafePointer<Float>, count: Int, length: Int,
                               into out: UnsafeMutablePointer<Float>) {
        let block = 4096
        let blocks = (length + block - 1) / block
        Parallel.forEach(blocks) { b in
            let lo = b * block, hi = min(length, lo + block)
            (out + lo).update(from: partials + lo, count: hi - lo)
            for c in 1..<max(1, count) {
                let p = partials + c * length
                for i in lo..<hi { out[i] += p[i] }
            }
        }
    }

    /// dX = conv(dY, flip(W)ᵀ) with the padding mirrored: rows above become rows below.
    static func inputGradient(outputGrad dy: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                              into dx: UnsafeMutablePointer<Float>, geometry g: ConvGeometry) {
        let t0 = Profile.begin()
        defer { Profile.end(.convInputGradient, t0) }
        let kh = g.kernelH, kw = g.kernelW, cin = g.inChannels, cout = g.outChannels
        let flipped = UnsafeMutablePointer<Float>.allocate(capacity: cin * cout * kh * kw)
        defer { flipped.deallocate() }
        for ci in 0..<cin {
            for co in 0..<cout {
                for a in 0..<kh {
                    for b in 0..<kw {
                        flipped[((ci * cout + co) * kh + a) * kw + b] =
                            w[((co * cin + ci) * kh + (kh - 1 - a)) * kw + (kw - 1 - b)]
                    }
                }
            }
        }
        let t = ConvGeometry(batch: g.batch, inChannels: cout, outChannels: cin, height: g.height,
                             width: g.width, kernelH: kh, kernelW: kw,
                             padTop: kh - 1 - g.padTop, padLeft: kw - 1 - g.padLeft)
        forwardKernel(x: dy, weight: flipped, bias: nil, y: dx, geometry: t)
    }
}
