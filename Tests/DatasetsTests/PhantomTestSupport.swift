@testable import Datasets
import Foundation

/// Phantom settings and shared volumes for the tests.
enum PhantomTestSupport {
    /// Small, fast settings: a coarse grid (3 mm pixels, 96²), no in-plane supersampling (the
    /// determinism test turns it on) and 3 sub-samples through the slice.
    static var small: PhantomParameters {
        var p = PhantomParameters()
        p.inPlaneSpacingMM = 3...3
        p.matrixSize = 96...96
        p.inPlaneSupersampling = 1
        p.throughPlaneSupersampling = 3
        return p
    }

    /// `small` with a 4-slice stack: for checks of files, noise, gain and determinism that need no
    /// whole heart.
    static var tiny: PhantomParameters {
        var p = small
        p.sliceCount = 4...4
        return p
    }

    /// Patients 1–5 (one per group), seed 2, `small`: generated once and shared by the suites.
    static let smallCases: [PhantomCase] = (1...5).map { try! PhantomGenerator.generate(patient: $0, seed: 2, parameters: small) }

    /// Realistic pixel size but a modest matrix: what volume and thickness checks need.
    static var realistic: PhantomParameters {
        var p = PhantomParameters()
        p.inPlaneSpacingMM = 1.5...1.5
        p.matrixSize = 150...150
        p.inPlaneSupersampling = 1
        p.throughPlaneSupersampling = 3
        return p
    }

    static func count(_ v: Volume, _ label: Float, slice z: Int? = nil) -> Int {
        let n = v.shape[0] * v.shape[1]
        let range = z.map { ($0 * n)..<(($0 + 1) * n) } ?? 0..<v.voxels.count
        return v.voxels[range].reduce(0) { $0 + ($1 == label ? 1 : 0) }
    }

    static func temporaryDirectory(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "cseg-\(name)-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
