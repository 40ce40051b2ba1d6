import Imaging
import Testing

@Suite("Volume layout")
struct VolumeTests {
    @Test("slice z is volume[:, :, z] as [X rows, Y columns], and building from slices inverts it")
    func sliceRoundTrip() {
        // 3 × 2 × 2 with value 100x + 10y + z.
        var voxels = [Float](repeating: 0, count: 12)
        for z in 0..<2 { for y in 0..<2 { for x in 0..<3 { voxels[x + 3 * (y + 2 * z)] = Float(100 * x + 10 * y + z) } } }
        let v = Volume(shape: [3, 2, 2], voxels: voxels, spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
        let s1 = v.slice(1)
        #expect(s1.rows == 3 && s1.columns == 2)
        #expect(s1.pixels == [1, 11, 101, 111, 201, 211])
        #expect(Volume(slices: [v.slice(0), s1], spacing: v.spacing, affine: v.affine) == v)
    }

    @Test("content hashes change with any value or the shape")
    func hashes() {
        let a = ContentHash.sha256(floats: [1, 2, 3, 4], shape: [2, 2])
        #expect(a == ContentHash.sha256(floats: [1, 2, 3, 4], shape: [2, 2]))
        #expect(a != ContentHash.sha256(floats: [1, 2, 3, 4], shape: [4, 1]))
        #expect(a != ContentHash.sha256(floats: [1, 2, 3, 4.0000005], shape: [2, 2]))
        #expect(ContentHash.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
