import Foundation
import Imaging
import Testing

@Suite("Preprocessing cache")
struct PreprocessCacheTests {
    static func directory(_ name: String) -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-cache-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: d)
        return d
    }

    static let image = Volume(shape: [9, 7, 3], voxels: (0..<189).map { Float(($0 * 37) % 101) + 1 },
                              spacing: [1.8, 1.6, 8], affine: .scaling([1.8, 1.6, 8]))
    static let label = Volume(shape: [9, 7, 3], voxels: (0..<189).map { Float($0 % 4) },
                              spacing: [1.8, 1.6, 8], affine: .scaling([1.8, 1.6, 8]))
    static let pipeline = VolumePreprocessing(n4: nil, slices: SlicePreprocessor(targetSpacing: [1.36719, 1.36719], size: 16))

    func compute(_ counter: inout Int) throws -> PreprocessedSlices {
        counter += 1
        return try Self.pipeline(image: Self.image, label: Self.label, source: "test")
    }

    @Test("a miss computes and stores; a hit returns the same slices without computing")
    func hitAndMiss() throws {
        let cache = try PreprocessCache(directory: Self.directory("hit"))
        var computed = 0
        let (first, o1) = try cache.slices(imageSHA256: "a", labelSHA256: "b", preprocessing: Self.pipeline) { try compute(&computed) }
        let (second, o2) = try cache.slices(imageSHA256: "a", labelSHA256: "b", preprocessing: Self.pipeline) { try compute(&computed) }
        #expect(o1 == .miss && o2 == .hit && computed == 1)
        #expect(second == first && second.imageHash == first.imageHash && second.labelHash == first.labelHash)
    }

    @Test("a different input hash, channel or parameter is a different entry")
    func keys() throws {
        let base = PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 0, preprocessing: Self.pipeline)
        var other = Self.pipeline
        other.slices.size = 32
        var withN4 = Self.pipeline
        withN4.n4 = N4BiasCorrection()
        var n4Otsu = withN4
        n4Otsu.n4!.mask = .otsu
        let variants = [
            PreprocessCache.key(imageSHA256: "c", labelSHA256: "b", channel: 0, preprocessing: Self.pipeline),
            PreprocessCache.key(imageSHA256: "a", labelSHA256: nil, channel: 0, preprocessing: Self.pipeline),
            PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 1, preprocessing: Self.pipeline),
            PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 0, preprocessing: other),
            PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 0, preprocessing: withN4),
            PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 0, preprocessing: n4Otsu),
        ]
        #expect(Set(variants + [base]).count == variants.count + 1)
    }

    @Test("a truncated or corrupted entry is detected, recomputed and replaced", arguments: ["truncate", "flip", "garbage"])
    func corruptEntry(damage: String) throws {
        let cache = try PreprocessCache(directory: Self.directory("corrupt-\(damage)"))
        var computed = 0
        let (good, _) = try cache.slices(imageSHA256: "a", labelSHA256: "b", preprocessing: Self.pipeline) { try compute(&computed) }
        let file = cache.path(forKey: PreprocessCache.key(imageSHA256: "a", labelSHA256: "b", channel: 0, preprocessing: Self.pipeline))
        var bytes = [UInt8](FileManager.default.contents(atPath: file)!)
        switch damage {
        case "truncate": bytes.removeLast(10)
        case "flip": bytes[bytes.count - 5] ^= 0x40
        default: bytes = Array("not a cache entry".utf8)
        }
        FileManager.default.createFile(atPath: file, contents: Data(bytes))
        let (again, outcome) = try cache.slices(imageSHA256: "a", labelSHA256: "b", preprocessing: Self.pipeline) { try compute(&computed) }
        guard case .replacedCorrupt(let why) = outcome else {
            Issue.record("expected the damaged entry to be replaced, got \(outcome)")
            return
        }
        #expect(why.hasPrefix(file + ": "))
        #expect(computed == 2 && again == good)
        #expect(try cache.slices(imageSHA256: "a", labelSHA256: "b", preprocessing: Self.pipeline) { try compute(&computed) }.1 == .hit)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
        #expect(leftovers.count == 1 && leftovers[0].hasSuffix(".slices"))
    }
}
