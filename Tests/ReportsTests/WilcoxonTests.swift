import Foundation
import Testing
@testable import Reports

@Suite("Wilcoxon signed-rank test and sample summaries")
struct WilcoxonTests {
    struct Fixture: Decodable {
        struct Case: Decodable {
            let name: String, x: [String], y: [String], statistic: String, pvalue: String
            let method: String, median_difference: String
        }
        let scipy: String
        let cases: [Case]
    }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "wilcoxon_scipy", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func hex(_ s: String) -> Double { Double(s)! }

    @Test("statistic, p-value, branch and median difference equal SciPy 1.17's on every fixture case")
    func matchesSciPy() throws {
        let f = Self.fixture
        #expect(f.cases.count == 61)
        var methods: [String: Int] = [:]
        for c in f.cases {
            let x = c.x.map(Self.hex), y = c.y.map(Self.hex)
            let r = try WilcoxonSignedRank(x, y)
            let p = Self.hex(c.pvalue)
            methods[c.method, default: 0] += 1
            #expect(r.method.rawValue == c.method, "\(c.name): method")
            #expect(r.statistic == Self.hex(c.statistic), "\(c.name): statistic \(r.statistic)")
            #expect(abs(r.pValue - p) <= 1e-12, "\(c.name): p \(r.pValue) vs \(p)")
            #expect(abs(r.pValue - p) <= 1e-9 * p, "\(c.name): relative p \(r.pValue) vs \(p)")
            #expect(Median.of(zip(x, y).map { $0 - $1 }) == Self.hex(c.median_difference), "\(c.name): median")
        }
        // The fixture must exercise every branch, or a wrong branch could hide.
        #expect(methods == ["exact": 38, "permutation": 11, "asymptotic": 12])
    }

    @Test("a hand-computed exact case: d = 1, 2, 3, 4, −5")
    func handExact() throws {
        // R+ = 10, R− = 5. Subsets of {1…5} with sum ≤ 5: {}, {1}…{5}, {1,2}, {1,3}, {1,4}, {2,3}: 10 of 32,
        // and P(R+ ≥ 10) = P(R+ ≤ 5) by symmetry, so p = 2 · 10/32 = 0.625.
        let r = try WilcoxonSignedRank([1, 2, 3, 4, 5], [0, 0, 0, 0, 10])
        #expect(r.rankSumPositive == 10 && r.rankSumNegative == 5 && r.statistic == 5)
        #expect(r.pValue == 0.625)
        #expect(r.method == .exact)
    }

    @Test("the exact null counts are the subset-sum counts and total 2^n")
    func nullCounts() {
        #expect(SignedRankDistribution.counts(3) == [1, 1, 1, 2, 1, 1, 1])
        for n in [1, 10, 50] { #expect(SignedRankDistribution.counts(n).reduce(0, +) == UInt64(1) << UInt64(n)) }
    }

    @Test("average ranks share tied positions and report tie groups")
    func averageRanks() {
        let r = AverageRanks([0.3, 0.1, 0.3, 0.2, 0.3])
        #expect(r.ranks == [4, 1, 4, 2, 4])
        #expect(r.tieSizes == [1, 1, 3])
        #expect(r.hasTies)
    }

    @Test("bad input is refused with the context in the message")
    func badInput() {
        #expect(throws: StatisticsError("Dice LV, 2 volumes", "paired samples differ in length (2 and 1)")) {
            try WilcoxonSignedRank([1, 2], [1], context: "Dice LV, 2 volumes")
        }
        #expect(throws: StatisticsError("t", "pair 1 is not finite (nan, 0.0)")) {
            try WilcoxonSignedRank([1, .nan], [0, 0], context: "t")
        }
        #expect(throws: StatisticsError.self) { try WilcoxonSignedRank([], []) }
    }

    @Test("mean, sample std (n − 1), count and median by hand")
    func summaries() {
        let s = SampleSummary([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.mean == 5 && s.count == 8)
        #expect(abs(s.standardDeviation - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(SampleSummary([0.8]).standardDeviation.isNaN)
        #expect(SampleSummary([]).mean.isNaN)
        #expect(Median.of([3, 1, 2]) == 2 && Median.of([4, 1, 3, 2]) == 2.5 && Median.of([]).isNaN)
    }
}
