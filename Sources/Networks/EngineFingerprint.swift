import Determinism
import Engine

/// A reproducibility probe: a scaled U-Net trained for `steps` Adam steps with Dice loss on a seeded
/// synthetic batch (bright discs on noise), then the FNV-1a hash of all weight and moving-average bytes.
public enum EngineFingerprint {
    public static func weightsDigest(steps: Int, seed: UInt64, size: Int, width: Double, batch: Int = 4) -> UInt64 {
        let cfg = UNetConfig.paper(inputSize: size, numClasses: 2).scaled(by: width)
        let net = UNet(config: cfg, seed: seed)
        let (images, labels) = SyntheticDiscs.batch(count: batch, size: size, seed: seed)
        let opt = Adam(groups: [ParameterGroup(name: "unet", parameters: net.parameters)])
        for _ in 0..<steps {
            let loss = softDiceLoss(probabilities: softmax(net(images, mode: .training)), labels: labels)
            loss.backward()
            opt.update()
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in net.variables {
            for x in v.data {
                var bits = x.bitPattern
                for _ in 0..<4 {
                    h ^= UInt64(bits & 0xff)
                    h = h &* 0x0000_0100_0000_01B3
                    bits >>= 8
                }
            }
        }
        return h
    }
}

/// Seeded toy segmentation data: one bright disc per image on uniform noise, two classes.
public enum SyntheticDiscs {
    /// images `[count, 1, size, size]`, one-hot labels `[count, 2, size, size]`.
    public static func batch(count: Int, size: Int, seed: UInt64) -> (images: Tensor, labels: Tensor) {
        var s = RandomStream(seed: seed, purpose: "synthetic-discs")
        var img = [Float](repeating: 0, count: count * size * size)
        var lab = [Float](repeating: 0, count: count * 2 * size * size)
        for n in 0..<count {
            let r = Float(size) * s.uniform(0.15, 0.3)
            let cy = s.uniform(r, Float(size) - r), cx = s.uniform(r, Float(size) - r)
            for y in 0..<size {
                for x in 0..<size {
                    let dy = Float(y) + 0.5 - cy, dx = Float(x) + 0.5 - cx
                    let inside = dy * dy + dx * dx < r * r
                    let p = y * size + x
                    img[n * size * size + p] = (inside ? 0.7 : 0.2) + s.uniform(-0.1, 0.1)
                    lab[(n * 2 + (inside ? 1 : 0)) * size * size + p] = 1
                }
            }
        }
        return (Tensor(shape: [count, 1, size, size], data: img), Tensor(shape: [count, 2, size, size], data: lab))
    }
}
