@testable import Datasets
import Foundation
import Testing

/// bSSFP contrast and noise (phantom-facts.md §4).
@Suite("Phantom signal")
struct PhantomSignalTests {
    static func meanOfPure(_ c: PhantomCase, _ t: Tissue) -> Double {
        var sum = 0.0, n = 0
        for i in c.image.voxels.indices where c.dominantTissue[i] == UInt8(t.rawValue) && c.tissuePurity[i] == 1 {
            sum += Double(c.image.voxels[i]); n += 1
        }
        return n > 0 ? sum / Double(n) : .nan
    }

    @Test func tissuesAreOrderedAsInBSSFP() {
        for c in PhantomTestSupport.smallCases {
            let patient = c.info.patient
            let blood = Self.meanOfPure(c, .blood), myo = Self.meanOfPure(c, .myocardium)
            let fat = Self.meanOfPure(c, .fat), muscle = Self.meanOfPure(c, .muscle), lung = Self.meanOfPure(c, .lung)
            #expect(blood > 1.8 * myo, "patient \(patient): blood \(blood) myocardium \(myo)")
            #expect(fat > 2 * muscle, "fat \(fat) muscle \(muscle)")
            #expect(lung < 0.6 * muscle, "lung \(lung) muscle \(muscle)")
        }
    }

    @Test func backgroundNoiseIsRayleighWithTheRecordedSD() throws {
        var p = PhantomTestSupport.tiny
        p.gain = 10...10           // quantisation to int16 negligible against the noise
        let c = try PhantomGenerator.generate(patient: 2, seed: 9, parameters: p)
        let (nx, ny, nz) = (c.image.shape[0], c.image.shape[1], c.image.shape[2])
        let air = UInt8(Tissue.air.rawValue)
        var m1 = 0.0, m2 = 0.0, n = 0
        for z in 0..<nz {
            for y in 3..<(ny - 3) {
                for x in 3..<(nx - 3) {
                    // Deep background: 7×7 neighbourhood all air, so blur brings in no signal.
                    var deep = true
                    outer: for dy in -3...3 { for dx in -3...3 where c.dominantTissue[c.image.index(x + dx, y + dy, z)] != air { deep = false; break outer } }
                    guard deep else { continue }
                    let v = Double(c.image[x, y, z]); m1 += v; m2 += v * v; n += 1
                }
            }
        }
        #expect(n > 2000, "only \(n) background voxels")
        m1 /= Double(n); m2 /= Double(n)
        // Rayleigh: E[x]² / E[x²] = π/4, E[x²] = 2σ².
        #expect(abs(m1 * m1 / m2 - Double.pi / 4) < 0.02, "ratio \(m1 * m1 / m2)")
        let sigma = (m2 / 2).squareRoot()
        #expect(abs(sigma / c.info.noiseSD - 1) < 0.05, "σ \(sigma) vs recorded \(c.info.noiseSD)")
    }

    @Test func gainSpansACDCsIntensityScale() throws {
        var lowP = PhantomTestSupport.tiny, highP = PhantomTestSupport.tiny
        lowP.gain = 1...1
        highP.gain = 20...20
        let low = try PhantomGenerator.generate(patient: 4, seed: 3, parameters: lowP)
        let high = try PhantomGenerator.generate(patient: 4, seed: 3, parameters: highP)
        let lowMax = low.image.voxels.max()!, highMax = high.image.voxels.max()!
        // ACDC maxima: 184–4025.
        #expect(lowMax > 100 && lowMax < 600, "max at gain 1: \(lowMax)")
        #expect(highMax > 2000 && highMax < 12000, "max at gain 20: \(highMax)")
        #expect(low.image.voxels.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    }
}
