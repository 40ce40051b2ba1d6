/// Memory-bound loops shared by the ops. Every reduction here has a fixed association order that depends
/// only on the length, so results are identical whichever thread runs them.
enum Kernels {
    @inline(__always)
    static func add(_ src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { dst[i] += src[i] }
    }

    /// Σ x[i] over a contiguous run: 4 × SIMD16 float accumulators (a naive loop is a serial chain, 4×
    /// slower and less accurate), lanes combined in double.
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Double {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 64 <= n {
            a0 += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            a1 += raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
            a2 += raw.loadUnaligned(fromByteOffset: (i + 32) * 4, as: SIMD16<Float>.self)
            a3 += raw.loadUnaligned(fromByteOffset: (i + 48) * 4, as: SIMD16<Float>.self)
            i += 64
        }
        let acc = (a0 + a1) + (a2 + a3)
        var s = 0.0
        for l in 0..<16 { s += Double(acc[l]) }
        while i < n { s += Double(x[i]); i += 1 }
        return s
    }

    /// Σ (x[i] - c)² over a contiguous run, same scheme as `sum`.
    static func sumSquaredDeviation(_ x: UnsafePointer<Float>, _ n: Int, from c: Float) -> Double {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
        let cv = SIMD16<Float>(repeating: c)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 32 <= n {
            let d0 = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - cv
            let d1 = raw.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self) - cv
            a0 += d0 * d0
            a1 += d1 * d1
            i += 32
        }
        let acc = a0 + a1
        var s = 0.0
        for l in 0..<16 { s += Double(acc[l]) }
        while i < n { let d = Double(x[i] - c); s += d * d; i += 1 }
        return s
    }

    /// Σ x[i]·y[i] over a contiguous run, same scheme as `sum`.
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Double {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y)
        while i + 32 <= n {
            a0 += rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            a1 += rx.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
                * ry.loadUnaligned(fromByteOffset: (i + 16) * 4, as: SIMD16<Float>.self)
            i += 32
        }
        let acc = a0 + a1
        var s = 0.0
        for l in 0..<16 { s += Double(acc[l]) }
        while i < n { s += Double(x[i]) * Double(y[i]); i += 1 }
        return s
    }
}
