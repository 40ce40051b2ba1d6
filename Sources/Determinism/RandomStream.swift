import Foundation

/// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011).
///
/// Every consumer gets its own stream, derived from the run key and a purpose string
/// (`RandomStream(seed: 7, purpose: "init/enc_c1_a/W")`). A stream's output depends only on that pair and
/// on how many numbers it has produced, so adding a consumer never shifts another one's numbers, and
/// nothing depends on thread timing. There is deliberately no global generator.
public struct RandomStream: RandomNumberGenerator, Sendable {
    /// 64-bit key of this stream.
    public let key: UInt64
    private var counter: UInt64 = 0
    private var buffer: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var buffered = 0

    public init(key: UInt64) { self.key = key }

    /// The stream for `purpose` under run key `seed`.
    public init(seed: UInt64, purpose: String) {
        self.init(key: RandomStream.deriveKey(seed, purpose))
    }

    /// A child stream, e.g. one per training step: `stream.derived("step/42")`.
    public func derived(_ purpose: String) -> RandomStream {
        RandomStream(key: RandomStream.deriveKey(key, purpose))
    }

    /// FNV-1a over the UTF-8 bytes of the purpose, mixed with the parent key by SplitMix64's finaliser.
    /// Fixed forever: changing it would change every stored result.
    static func deriveKey(_ parent: UInt64, _ purpose: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in purpose.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return splitMix(parent ^ splitMix(h))
    }

    static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// One Philox4x32-10 block for a 128-bit counter and 64-bit key.
    public static func philox(counter c: (UInt32, UInt32, UInt32, UInt32),
                              key k: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var (c0, c1, c2, c3) = c
        var (k0, k1) = k
        for round in 0..<10 {
            if round > 0 {
                k0 = k0 &+ 0x9E37_79B9
                k1 = k1 &+ 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
            let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return (c0, c1, c2, c3)
    }

    public mutating func nextUInt32() -> UInt32 {
        if buffered == 0 {
            buffer = RandomStream.philox(
                counter: (UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0),
                key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
            counter &+= 1
            buffered = 4
        }
        buffered -= 1
        switch buffered {
        case 3: return buffer.0
        case 2: return buffer.1
        case 1: return buffer.2
        default: return buffer.3
        }
    }

    public mutating func next() -> UInt64 {
        let lo = UInt64(nextUInt32())
        return (UInt64(nextUInt32()) << 32) | lo
    }

    /// Uniform in [0, 1) with 24 random bits (every float32 multiple of 2^-24).
    public mutating func uniform() -> Float { Float(nextUInt32() >> 8) * 0x1p-24 }

    /// Uniform in [lo, hi).
    public mutating func uniform(_ lo: Float, _ hi: Float) -> Float { lo + (hi - lo) * uniform() }

    /// Uniform double in [0, 1) with 53 random bits.
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in `range`, unbiased (Lemire's multiply-and-reject). Our own, so results do not
    /// depend on how a Swift release implements `Int.random(in:using:)`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) &+ 1
        if span == 0 { return Int(truncatingIfNeeded: next()) }  // the full 64-bit range
        var m = next().multipliedFullWidth(by: span)
        if m.low < span {
            let threshold = (0 &- span) % span
            while m.low < threshold { m = next().multipliedFullWidth(by: span) }
        }
        return range.lowerBound + Int(m.high)
    }

    /// Standard normal by Box–Muller in double precision (one draw per call, the pair's twin discarded
    /// so that the sequence never depends on call parity).
    public mutating func normal() -> Double {
        let u1 = 1.0 - uniformDouble()   // (0, 1]: log is finite
        let u2 = uniformDouble()
        return (-2.0 * Foundation.log(u1)).squareRoot() * Foundation.cos(2.0 * Double.pi * u2)
    }

    /// Fisher–Yates shuffle with this stream.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, int(in: 0...i))
        }
    }
}
