import Imaging
import RunStore
import Testing
@testable import Planning
@testable import Running

@Suite struct VolumePredictionLayoutTests {
    /// A 2 × 3 × 4 label map whose value at (x, y, z) is its own C-order index x·12 + y·4 + z: stored
    /// z fastest, the labels are 0, 1, …, 23 in order; the engine holds the same values x fastest.
    @Test func storedZFastestAndBack() {
        var voxels = [Float](repeating: 0, count: 24)
        for x in 0..<2 { for y in 0..<3 { for z in 0..<4 { voxels[x + 2 * (y + 3 * z)] = Float(x * 12 + y * 4 + z) } } }
        let affine = Affine([2, 0, 0, -10, 0, 3, 0, 5, 0, 0, 4, 1, 0, 0, 0, 1])
        let v = Volume(shape: [2, 3, 4], voxels: voxels, spacing: [2, 3, 4], affine: affine)
        let p = VolumePrediction(volumeID: "007", labels: v)
        #expect(p.labels == (0..<24).map(UInt8.init))
        #expect(p.shape == [2, 3, 4] && p.affine == affine.m && p.spacing == [2, 3, 4] && p.volumeID == "007")
        #expect(p.volume == v)
    }
}
