import Determinism
import Testing

@Suite("Random streams")
struct RandomStreamTests {
    @Test("Philox4x32-10 matches the Random123 known-answer vectors")
    func philoxKnownAnswers() {
        let zero = RandomStream.philox(counter: (0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = RandomStream.philox(counter: (.max, .max, .max, .max), key: (.max, .max))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = RandomStream.philox(counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                     key: (0xa409_3822, 0x299f_31d0))
        #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test("streams are reproducible, independent per purpose, and well distributed")
    func streams() {
        var a = RandomStream(seed: 1, purpose: "x"), b = RandomStream(seed: 1, purpose: "x")
        var c = RandomStream(seed: 1, purpose: "y"), d = RandomStream(seed: 2, purpose: "x")
        let va = (0..<8).map { _ in a.nextUInt32() }
        #expect(va == (0..<8).map { _ in b.nextUInt32() })
        #expect(va != (0..<8).map { _ in c.nextUInt32() })
        #expect(va != (0..<8).map { _ in d.nextUInt32() })
        var s = RandomStream(seed: 3, purpose: "moments")
        let n = 200_000
        var sum = 0.0, sq = 0.0, ints = [Int](repeating: 0, count: 5)
        for _ in 0..<n { let v = s.normal(); sum += v; sq += v * v; ints[s.int(in: 0...4)] += 1 }
        // Mean within 5 standard errors of 0, variance within 2 % of 1, each integer within 3 % of n/5.
        #expect(abs(sum / Double(n)) < 5 / Double(n).squareRoot())
        #expect(abs(sq / Double(n) - 1) < 0.02)
        #expect(ints.allSatisfy { abs(Double($0) - Double(n) / 5) < 0.03 * Double(n) / 5 })
    }
}
