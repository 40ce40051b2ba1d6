@testable import Datasets
import Foundation

/// Small, fast phantom settings for tests: a coarse grid (3 mm pixels, 96²) and light supersampling.
enum PhantomTestSupport {
    static var small: PhantomParameters {
        var p = PhantomParameters()
        p.inPlaneSpacingMM = 3...3
        p.matrixSize = 96...96
        p.inPlaneSupersampling = 2
        p.throughPlaneSupersampling = 3
        return p
    }

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
