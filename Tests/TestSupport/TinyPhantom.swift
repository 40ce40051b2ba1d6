import Datasets

/// The runner and audit tests' phantom: 6 coarse, small volumes (ACDC's field of view at ~4.5 mm pixels, no
/// supersampling), so a debug build writes them in a second; the runner sees phantom.json and does not
/// regenerate at full size.
public enum TinyPhantom {
    public static func write(root: String) throws {
        var p = PhantomParameters()
        p.inPlaneSpacingMM = 4...5
        p.matrixSize = 48...64
        p.sliceCount = 8...9
        p.inPlaneSupersampling = 1
        p.throughPlaneSupersampling = 1
        try PhantomDatasetWriter.write(root: root, volumes: 6, seed: 3, parameters: p, harnessVersion: "test")
    }
}
