import Foundation
import Testing
@testable import HDF5

@Test func stringDatasetsRoundTripWithShapeAndType() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("HDF5Strings-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let path = dir.appendingPathComponent("s.h5").path
    do {
        let file = try HDF5File.create(path)
        try file.writeStrings([#"{"a":1,"μ":"ü"}"#], shape: [], to: "config")
        try file.writeStrings(["001", "", "patient 3"], shape: [3], to: "g/ids")
        try file.writeStrings(["a", "b", "c", "d"], shape: [2, 2], to: "grid")
        try file.writeStrings([], shape: [0], to: "none")
        #expect(throws: HDF5Error.self) { try file.writeStrings(["x"], shape: [2], to: "bad") }
        try file.commit()
    }
    let file = try HDF5File.open(path)
    #expect(try file.readStrings("config") == (shape: [], values: [#"{"a":1,"μ":"ü"}"#]))
    #expect(try file.readStrings("g/ids") == (shape: [3], values: ["001", "", "patient 3"]))
    #expect(try file.readStrings("grid") == (shape: [2, 2], values: ["a", "b", "c", "d"]))
    #expect(try file.readStrings("none") == (shape: [0], values: []))
    #expect(try file.elementTypeName("config") == "string")
    #expect(throws: HDF5Error.self) { _ = try file.readFloats("g/ids") }
    do {
        _ = try file.readStrings("missing")
        Issue.record("expected an error")
    } catch let error as HDF5Error {
        #expect(error.description == "\(path): dataset 'missing' not found")
    }
}
