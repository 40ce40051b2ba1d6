import Testing
import Training

@Suite("Slice batches")
struct SliceBatchTests {
    @Test("one-hot places a 1 in the class plane of each pixel")
    func oneHot() {
        let oh = SliceBatch.oneHot([0, 2, 1, 2], count: 1, height: 2, width: 2, classes: 3)
        #expect(oh == [1, 0, 0, 0,  0, 0, 1, 0,  0, 1, 0, 1])
    }
}
