import AtomicWrite
import Foundation

/// The whole per-volume preprocessing of method-spec §1.1: optional N4 (step 1), then the slice
/// pipeline (steps 3–5).
public struct VolumePreprocessing: Sendable, Equatable {
    /// nil: no bias correction (the input is taken as already corrected, or the experiment skips it).
    public var n4: N4BiasCorrection?
    public var slices: SlicePreprocessor

    public init(n4: N4BiasCorrection?, slices: SlicePreprocessor) {
        self.n4 = n4
        self.slices = slices
    }

    public var canonicalDescription: String {
        "VolumePreprocessing(n4=\(n4?.canonicalDescription ?? "off");\(slices.canonicalDescription))"
    }

    public func callAsFunction(image: Volume, label: Volume?, source: String) throws -> PreprocessedSlices {
        let corrected = try n4.map { try $0(image, source: source).corrected } ?? image
        return try slices(image: corrected, label: label, source: source)
    }
}

/// Preprocessed volumes on disk, keyed by SHA-256 of the input files' bytes, the image channel and the
/// canonical parameter text, so that a changed file or parameter can never be served a stale entry.
///
/// An entry is one file `<key>.slices`: the line `CSEG-SLICES 1`, a JSON header line (shape, geometry,
/// normalisation, SHA-256 of the payload), then the payload: the image slices `[Z, n, n]` as little-
/// endian float32, followed by the label slices when there are any. Entries are written to a temporary
/// file and renamed; an entry whose payload does not match its recorded hash (truncated, corrupted) is
/// treated as absent, recomputed and replaced.
public struct PreprocessCache: Sendable {
    public static let formatVersion = 1
    public let directory: String

    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PreprocessingError.cache(path: directory, problem: "cannot create the cache directory: \(error.localizedDescription)")
        }
        self.directory = directory
    }

    /// What a lookup did, for logs and tests.
    public enum Outcome: Sendable, Equatable { case hit, miss, replacedCorrupt(String) }

    public static func key(imageSHA256: String, labelSHA256: String?, channel: Int, preprocessing: VolumePreprocessing) -> String {
        ContentHash.sha256(Array("""
            format=\(formatVersion)
            image=\(imageSHA256)
            label=\(labelSHA256 ?? "none")
            channel=\(channel)
            \(preprocessing.canonicalDescription)
            """.utf8))
    }

    public func path(forKey key: String) -> String { "\(directory)/\(key).slices" }

    /// The cached slices for these inputs, or `compute()`'s result, stored before it is returned.
    public func slices(imageSHA256: String, labelSHA256: String?, channel: Int = 0, preprocessing: VolumePreprocessing,
                       compute: () throws -> PreprocessedSlices) throws -> (PreprocessedSlices, Outcome) {
        let key = Self.key(imageSHA256: imageSHA256, labelSHA256: labelSHA256, channel: channel, preprocessing: preprocessing)
        let file = path(forKey: key)
        var outcome = Outcome.miss
        if FileManager.default.fileExists(atPath: file) {
            do {
                return (try Self.read(file), .hit)
            } catch {
                outcome = .replacedCorrupt("\(error)")
            }
        }
        let value = try compute()
        try Self.write(value, to: file)
        return (value, outcome)
    }

    // MARK: - Entry format

    struct Header: Codable {
        var shape: [Int]
        var hasLabels: Bool
        var geometry: SliceGeometry
        var normalisation: PercentileNormalisation
        var payloadSHA256: String
    }

    static let magic = "CSEG-SLICES \(formatVersion)\n"

    static func write(_ s: PreprocessedSlices, to file: String) throws {
        var payload = Data()
        payload.reserveCapacity((s.images.count + (s.labels?.count ?? 0)) * 4)
        for v in s.images + (s.labels ?? []) { withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) } }
        let header = Header(shape: s.shape, hasLabels: s.labels != nil, geometry: s.geometry,
                            normalisation: s.normalisation, payloadSHA256: ContentHash.sha256(payload))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data(magic.utf8)
        data.append(try encoder.encode(header))
        data.append(0x0A)
        data.append(payload)
        do {
            try AtomicFile.write(data, to: file)
        } catch let e as AtomicFileError {
            throw PreprocessingError.cache(path: file, problem: e.detail)
        }
    }

    static func read(_ file: String) throws -> PreprocessedSlices {
        func bad(_ problem: String) -> PreprocessingError { .cache(path: file, problem: problem) }
        guard let data = FileManager.default.contents(atPath: file) else { throw bad("unreadable") }
        let magicBytes = Data(magic.utf8)
        guard data.starts(with: magicBytes) else { throw bad("not a cache entry of format \(formatVersion)") }
        guard let newline = data[magicBytes.count...].firstIndex(of: 0x0A) else { throw bad("header is truncated") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: data[magicBytes.count..<newline]) } catch {
            throw bad("header is not valid: \(error)")
        }
        let payload = data[(newline + 1)...]
        let count = header.shape.reduce(1, *)
        guard payload.count == count * 4 * (header.hasLabels ? 2 : 1) else {
            throw bad("payload has \(payload.count) bytes, expected \(count * 4 * (header.hasLabels ? 2 : 1))")
        }
        guard ContentHash.sha256(payload) == header.payloadSHA256 else { throw bad("payload does not match its SHA-256") }
        var floats = [Float](repeating: 0, count: payload.count / 4)
        payload.withUnsafeBytes { raw in
            for i in floats.indices { floats[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        }
        return PreprocessedSlices(images: Array(floats[0..<count]), labels: header.hasLabels ? Array(floats[count...]) : nil,
                                  geometry: header.geometry, normalisation: header.normalisation)
    }
}
