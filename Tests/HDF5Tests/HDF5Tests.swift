import Foundation
import Testing
@testable import HDF5

/// A fresh directory per test so tests can run in parallel and never see each other's files.
private struct Scratch: ~Copyable {
    let dir: URL
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5Tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: dir) }
    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() }
}

private func roundTrip<T: HDF5Element & Equatable>(_ file: HDF5File, _ path: String, _ values: [T], _ shape: [Int],
                                                   compression: HDF5Compression? = nil) throws {
    try file.write(values, shape: shape, to: path, compression: compression)
    let back = try file.read(path, as: T.self)
    #expect(back.shape == shape, "\(path)")
    #expect(back.values == values, "\(path)")
    #expect(try file.datasetShape(path) == shape)
}

/// Runs `body` expecting an HDF5Error and returns its description.
private func errorText(_ body: () throws -> Void) -> String {
    do {
        try body()
        Issue.record("expected an HDF5Error")
        return ""
    } catch let error as HDF5Error {
        return error.description
    } catch {
        Issue.record("unexpected error \(error)")
        return ""
    }
}

@Test func libraryVersionIsDotted() {
    let parts = HDF5File.libraryVersion.split(separator: ".")
    #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
    #expect(HDF5File.libraryVersion.hasPrefix("1."))
}

@Test func everyElementTypeRoundTripsWithShape() throws {
    let scratch = try Scratch()
    let path = scratch.path("types.h5")
    do {
        let file = try HDF5File.create(path)
        try roundTrip(file, "f32", [1.5, -2, .infinity, 0, 3.25, -0.0] as [Float], [2, 3])
        try roundTrip(file, "f64", [Double.pi, -1e300, 7], [3])
        try roundTrip(file, "i64", [Int64.min, 0, Int64.max, 42], [2, 2])
        try roundTrip(file, "i32", [Int32.min, -1, Int32.max, 5, 6, 7, 8, 9], [2, 2, 2])
        try roundTrip(file, "u8", [0, 128, 255] as [UInt8], [3, 1])
        try roundTrip(file, "i16", [Int16.min, Int16.max], [2])
        try roundTrip(file, "scalar", [Float(9)], [])
        try roundTrip(file, "empty", [Double](), [0, 4])
        try file.commit()
    }
    let file = try HDF5File.open(path)
    #expect(try file.readFloats("f32").values[2] == .infinity)
    #expect(try file.readDoubles("f64").values == [Double.pi, -1e300, 7])
    #expect(try file.readInt64s("i64").shape == [2, 2])
    #expect(try file.readInt32s("i32").shape == [2, 2, 2])
    #expect(try file.readUInt8s("u8").values == [0, 128, 255])
    #expect(try file.readInt16s("i16").values == [Int16.min, Int16.max])
    #expect(try file.readFloats("scalar") == (shape: [], values: [9]))
    #expect(try file.readDoubles("empty").shape == [0, 4])
}

@Test func compressedDatasetsRoundTripAndShrink() throws {
    let scratch = try Scratch()
    let values = (0..<100_000).map { Float($0 % 100) / 10 }
    for (name, compression) in [("plain.h5", nil), ("packed.h5", HDF5Compression.deflate),
                                ("chunked.h5", HDF5Compression(level: 9, chunk: [10, 1000]))] {
        let file = try HDF5File.create(scratch.path(name))
        try roundTrip(file, "w/W", values, [100, 1000], compression: compression)
        try roundTrip(file, "w/b", (0..<1000).map { Int16($0) }, [10, 100], compression: compression)
        try file.commit()
        let back = try HDF5File.open(scratch.path(name))
        #expect(try back.readFloats("w/W").values == values)
    }
    let size = { (name: String) in try FileManager.default.attributesOfItem(atPath: scratch.path(name))[.size] as! Int }
    #expect(try size("packed.h5") < size("plain.h5") / 4)
}

@Test func attributesRoundTripOnRootGroupAndDataset() throws {
    let scratch = try Scratch()
    let path = scratch.path("attrs.h5")
    do {
        let file = try HDF5File.create(path)
        try file.write([Float](repeating: 1, count: 4), shape: [2, 2], to: "enc/W")
        for target in ["/", "enc", "enc/W"] {
            try file.setAttribute("note", "Grüße ✓ \(target)", on: target)
            try file.setAttribute("epochs", Int64(12), on: target)
            try file.setAttribute("lr", 3e-4, on: target)
            try file.setAttribute("curve", [0.5, 0.25, 0.125], on: target)
            try file.setAttribute("steps", [Int64(1), 2, 3], on: target)
            try file.setAttribute("nothing", [Double](), on: target)
        }
        try file.setAttribute("epochs", Int64(13))  // replaces, does not fail
        try file.setAttribute("note", "")
        try file.commit()
    }
    let file = try HDF5File.open(path)
    #expect(try file.stringAttribute("note") == "")
    #expect(try file.attribute("epochs", as: Int64.self) == 13)
    for target in ["enc", "/enc/W", "enc/W"] {
        #expect(try file.stringAttribute("note", on: target) == "Grüße ✓ \(target.hasPrefix("/") ? "enc/W" : target)")
        #expect(try file.attribute("epochs", on: target, as: Int64.self) == 12)
        #expect(try file.attribute("lr", on: target, as: Double.self) == 3e-4)
        #expect(try file.arrayAttribute("curve", on: target, as: Double.self) == [0.5, 0.25, 0.125])
        #expect(try file.arrayAttribute("steps", on: target, as: Int64.self) == [1, 2, 3])
        #expect(try file.arrayAttribute("nothing", on: target, as: Double.self) == [])
        #expect(try file.arrayAttribute("lr", on: target, as: Double.self) == [3e-4])
        #expect(try file.attributeNames(on: target) == ["curve", "epochs", "lr", "note", "nothing", "steps"])
    }
    #expect(try file.attributeNames() == ["curve", "epochs", "lr", "note", "nothing", "steps"])
}

@Test func nestedGroupsAndSortedListing() throws {
    let scratch = try Scratch()
    let file = try HDF5File.create(scratch.path("tree.h5"))
    // Written out of order on purpose; the listing must not depend on creation order.
    for path in ["z", "enc_c1_a/W", "a/b/c/d", "a-b/x", "enc_c1_a/B", "/a/e", "Upper/w"] {
        try file.write([Int32(1)], shape: [1], to: path)
    }
    let expected = ["Upper/w", "a-b/x", "a/b/c/d", "a/e", "enc_c1_a/B", "enc_c1_a/W", "z"]
    #expect(file.datasetPaths() == expected)
    #expect(file.groupExists("a/b/c"))
    #expect(file.groupExists("/"))
    #expect(file.groupExists(""))
    #expect(!file.groupExists("a/b/c/d"))
    #expect(!file.groupExists("missing"))
    #expect(file.datasetExists("a/b/c/d"))
    #expect(file.datasetExists("/enc_c1_a/W"))
    #expect(!file.datasetExists("enc_c1_a"))
    #expect(!file.datasetExists("enc_c1_a/W/deeper"))
    try file.commit()
    let back = try HDF5File.open(scratch.path("tree.h5"))
    #expect(back.datasetPaths() == expected)
    #expect(!back.datasetExists("nope/nope"))
}

@Test func identicalContentGivesByteIdenticalFiles() async throws {
    let scratch = try Scratch()
    func writeRun(_ name: String) throws -> Data {
        let file = try HDF5File.create(scratch.path(name))
        try file.setAttribute("provenance", "git abc123, seed 7")
        try file.setAttribute("version", HDF5File.libraryVersion)
        try file.write((0..<5000).map { Float($0).squareRoot() }, shape: [50, 100], to: "weights/enc/W",
                       compression: .deflate)
        try file.write([Int64](0..<10), shape: [10], to: "metrics/epoch")
        try file.write([UInt8](repeating: 3, count: 64), shape: [8, 8], to: "predictions/mask")
        try file.setAttribute("loss", [0.9, 0.5, 0.3], on: "metrics")
        try file.setAttribute("best", Int64(4), on: "metrics/epoch")
        try file.commit()
        return try Data(contentsOf: URL(fileURLWithPath: scratch.path(name)))
    }
    let first = try writeRun("one.h5")
    // HDF5 timestamps have one-second resolution; straddle a second so stored times would show.
    try await Task.sleep(for: .milliseconds(1100))
    let second = try writeRun("two.h5")
    let overwritten = try writeRun("one.h5")
    #expect(first == second)
    #expect(first == overwritten)
    #expect(first.count > 0)
}

@Test func uncommittedCreateNeverTouchesExistingFile() throws {
    let scratch = try Scratch()
    let path = scratch.path("weights.h5")
    do {
        let file = try HDF5File.create(path)
        #expect(!FileManager.default.fileExists(atPath: path), "nothing at path before commit")
        try file.write([Float(1), 2], shape: [2], to: "W")
        try file.commit()
    }
    let original = try Data(contentsOf: URL(fileURLWithPath: path))

    do {  // abandoned: deinit must discard
        let file = try HDF5File.create(path)
        try file.write([Float(9), 9, 9], shape: [3], to: "W")
        try file.write([Float(9)], shape: [1], to: "other")
        #expect(try file.readFloats("W").values == [9, 9, 9], "readable before commit")
        #expect(try scratch.contents() == ["weights.h5"], "nothing on disk but the old file while writing (built in memory)")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    #expect(try scratch.contents() == ["weights.h5"])

    let closed = try HDF5File.create(path)  // explicit close() also discards
    try closed.write([Float(8)], shape: [1], to: "W")
    closed.close()
    closed.close()
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
    #expect(try scratch.contents() == ["weights.h5"])
    #expect(errorText { try closed.commit() }.contains(path))

    let replaced = try HDF5File.create(path)
    try replaced.write([Float(5), 6, 7], shape: [3], to: "W")
    try replaced.commit()
    #expect(try scratch.contents() == ["weights.h5"])
    #expect(try HDF5File.open(path).readFloats("W") == (shape: [3], values: [5, 6, 7]))
    #expect(errorText { try replaced.write([Float(1)], shape: [1], to: "late") }.contains("closed"))
}

@Test func errorsNameFileAndObject() throws {
    let scratch = try Scratch()
    let path = scratch.path("weights.h5")
    do {
        let file = try HDF5File.create(path)
        try file.write([Int64(1), 2], shape: [2], to: "x")
        try file.write([Float(1)], shape: [1], to: "enc_c1_a/B")
        try file.setAttribute("epochs", Int64(3))
        try file.setAttribute("name", "run")
        #expect(errorText { try file.write([Float(1)], shape: [2], to: "bad") }.contains("'bad'"))
        #expect(errorText { try file.write([Float(1)], shape: [1], to: "x") }.contains("'x' already exists"))
        #expect(errorText { try file.write([Float(1)], shape: [1], to: "x/y") }.contains("'x' is a dataset"))
        #expect(errorText { try file.write([Float(1)], shape: [1], to: "/") }.contains(path))
        try file.commit()
    }
    let file = try HDF5File.open(path)

    let missingFile = scratch.path("missing.h5")
    #expect(errorText { _ = try HDF5File.open(missingFile) } == "\(missingFile): file not found")

    let textFile = scratch.path("notes.txt")
    try "not hdf5".write(toFile: textFile, atomically: true, encoding: .utf8)
    #expect(errorText { _ = try HDF5File.open(textFile) } == "\(textFile): not an HDF5 file")

    #expect(errorText { _ = try file.readFloats("enc_c1_a/W") } == "\(path): dataset 'enc_c1_a/W' not found")
    #expect(errorText { _ = try file.readFloats("x") } == "\(path): 'x' holds int64, expected float32")
    #expect(errorText { _ = try file.readInt32s("x") } == "\(path): 'x' holds int64, expected int32")
    #expect(errorText { _ = try file.readFloats("enc_c1_a") } == "\(path): 'enc_c1_a' is a group, not a dataset")
    #expect(errorText { _ = try file.datasetShape("nope/W") } == "\(path): dataset 'nope/W' not found")
    #expect(errorText { _ = try file.stringAttribute("missing", on: "x") }
            == "\(path): attribute 'missing' on 'x' not found")
    #expect(errorText { _ = try file.stringAttribute("epochs") }
            == "\(path): attribute 'epochs' on '/' holds int64, expected string")
    #expect(errorText { _ = try file.attribute("name", as: Double.self) }
            == "\(path): attribute 'name' on '/' holds string, expected float64")
    #expect(errorText { _ = try file.attributeNames(on: "ghost") } == "\(path): object 'ghost' not found")
    #expect(errorText { try file.setAttribute("a", Int64(1), on: "x") }
            == "\(path): cannot modify 'x': file is open read-only")
    #expect(errorText { try file.write([Float(1)], shape: [1], to: "y") }.contains("read-only"))

    let badDir = scratch.path("no-such-dir/w.h5")
    #expect(errorText { _ = try HDF5File.create(badDir) }.hasPrefix("\(badDir): cannot create"))

    let error = try #require(throws: HDF5Error.self) { try file.readFloats("x") }
    #expect(error.file == path && error.object == "x")
}

private let h5dump: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
    .split(separator: ":").map { "\($0)/h5dump" }.first { FileManager.default.isExecutableFile(atPath: $0) }

@Test(.enabled(if: h5dump != nil, "h5dump not on PATH"))
func h5dumpSeesDatasetShapeAndAttributes() throws {
    let scratch = try Scratch()
    let path = scratch.path("dump.h5")
    let file = try HDF5File.create(path)
    try file.write([Float](repeating: 0.5, count: 24), shape: [2, 3, 4], to: "enc_c1_a/W", compression: .deflate)
    try file.setAttribute("note", "héllo", on: "enc_c1_a/W")
    try file.commit()

    let process = Process()
    process.executableURL = URL(fileURLWithPath: h5dump!)
    process.arguments = ["-H", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(output.contains("GROUP \"enc_c1_a\""))
    #expect(output.contains("DATASET \"W\""))
    #expect(output.contains("H5T_IEEE_F32LE"))
    #expect(output.contains("DATASPACE  SIMPLE { ( 2, 3, 4 ) / ( 2, 3, 4 ) }"), "\(output)")
    #expect(output.contains("CSET H5T_CSET_UTF8"))
}
