import Determinism

/// 2D convolution, stride 1, TensorFlow 'SAME' padding, with optional bias.
///
/// - x: `[N, C_in, H, W]`; weight: `[C_out, C_in, kh, kw]`; bias: `[C_out]`; result `[N, C_out, H, W]`.
/// - 'SAME' pads `kh - 1` rows in total: `(kh - 1) / 2` above and the rest below (likewise for columns).
///   For the decoder's 2×2 kernels that is 0 before and 1 after, as TF does (spec Q11).
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(x.shape.count == 4, "conv2d: input must be [N, C, H, W], got \(x.shape)")
    precondition(weight.shape.count == 4 && weight.shape[1] == x.shape[1],
                 "conv2d: weight \(weight.shape) does not match input channels of \(x.shape)")
    let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
    if let bias { precondition(bias.shape == [cout], "conv2d: bias \(bias.shape) for \(cout) output channels") }
    let g = ConvGeometry(batch: n, inChannels: cin, outChannels: cout, height: h, width: w,
                         kernelH: kh, kernelW: kw, padTop: (kh - 1) / 2, padLeft: (kw - 1) / 2)
    let out = uninitializedFloats(n * cout * h * w) { y in
        x.data.withUnsafeBufferPointer { xp in
            weight.data.withUnsafeBufferPointer { wp in
                if let bias {
                    bias.data.withUnsafeBufferPointer { bp in
                        Convolution.forward(x: xp.baseAddress!, weight: wp.baseAddress!, bias: bp.baseAddress!,
                                            y: y, geometry: g)
                    }
                } else {
                    Convolution.forward(x: xp.baseAddress!, weight: wp.baseAddress!, bias: nil, y: y, geometry: g)
                }
            }
        }
    }
    let parents = bias.map { [x, weight, $0] } ?? [x, weight]
    return Tensor(shape: [n, cout, h, w], data: out, parents: parents) { result in
        result.grad!.withUnsafeBufferPointer { dyb in
            let dy = dyb.baseAddress!
            if weight.requiresGrad {
                let dw = uninitializedFloats(weight.count) { dw in
                    x.data.withUnsafeBufferPointer { xp in
                        Convolution.weightGradient(x: xp.baseAddress!, outputGrad: dy, into: dw, geometry: g)
                    }
                }
                weight.accumulateGrad(dw)
            }
            if let bias, bias.requiresGrad {
                let t0 = Profile.begin()
                let db = channelSums(dy, batch: n, channels: cout, plane: h * w)
                Profile.end(.convBias, t0)
                bias.accumulateGrad(db)
            }
            if x.requiresGrad {
                let dx = uninitializedFloats(x.count) { dx in
                    weight.data.withUnsafeBufferPointer { wp in
                        Convolution.inputGradient(outputGrad: dy, weight: wp.baseAddress!, into: dx, geometry: g)
                    }
                }
                x.accumulateGrad(dx)
            }
        }
    }
}

/// Σ over N, H, W for each channel of `[N, C, H·W]`, in a fixed order (per-channel tasks).
func channelSums(_ p: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int) -> [Float] {
    var sums = [Double](repeating: 0, count: channels)
    sums.withUnsafeMutableBufferPointer { s in
        let sp = s.baseAddress!
        Parallel.forEach(channels) { c in
            var acc = 0.0
            for i in 0..<batch { acc += Kernels.sum(p + (i * channels + c) * plane, plane) }
            sp[c] = acc
        }
    }
    return sums.map { Float($0) }
}
