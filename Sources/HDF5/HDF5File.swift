import AtomicWrite
import CHDF5
import Foundation

/// One HDF5 file, either being written (`create`) or read (`open`).
///
/// Writing is all-or-nothing: `create` builds the file in memory (HDF5's core driver), and only
/// `commit()` writes it to a temporary sibling file, syncs it and renames it over `path`. Anything
/// else — `close()`, deinit, a failed write, a crash — leaves `path` exactly as it was and no temporary
/// file (a crash during `commit()` can leave `path.tmp-*` behind, never a torn `path`). HDF5 itself never
/// writes to disk here: libhdf5 1.10.8 crashes at exit after an `H5Fclose` that failed on a full disk,
/// so the one write that can fail is our own `write(2)`, and its error is reported like any other.
/// Objects can be read back before committing. Only some libhdf5 builds are thread-safe (Debian's
/// is) and a handle has mutable state, so `HDF5File` is deliberately not `Sendable`: one task at a time.
public final class HDF5File {
    /// The path as given by the caller; every error names it.
    public let path: String
    private var fileID: hid_t
    private var state: State

    private enum State { case writing(temp: String), reading, closed }

    /// HDF5 prints its error stack to stderr by default; we report through `HDF5Error` instead.
    /// Debian's libhdf5 is a thread-safe build, where this setting is per thread, so a one-time
    /// `static let` would only silence whichever thread ran it; every entry point calls this
    /// instead (it is a cheap flag store).
    private static func silenceErrorPrinting() { H5Eset_auto2(h5_E_DEFAULT(), nil, nil) }

    /// e.g. "1.10.8" — recorded in run files so a file can be traced to the library that wrote it.
    public static var libraryVersion: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }

    private init(path: String, fileID: hid_t, state: State) {
        self.path = path
        self.fileID = fileID
        self.state = state
    }

    deinit { close() }

    // MARK: Opening and closing

    /// Starts a new file that replaces `path` only on `commit()`.
    public static func create(_ path: String) throws -> HDF5File {
        silenceErrorPrinting()
        // Only the in-memory file's name: commit() writes the image through AtomicFile.
        let temp = AtomicFile.temporaryPath(for: path)
        // No creation times anywhere, so identical content gives byte-identical files.
        let fcpl = H5Pcreate(h5_P_FILE_CREATE())
        defer { H5Pclose(fcpl) }
        H5Pset_obj_track_times(fcpl, false)
        // Nothing is written before commit(), but a directory that cannot take the file is an error now,
        // not after the caller has computed what goes in it.
        let dir = URL(fileURLWithPath: temp).deletingLastPathComponent().path
        guard access(dir, W_OK | X_OK) == 0 else {
            throw HDF5Error(file: path, object: nil, message: "cannot create temporary file '\(temp)' (\(String(cString: strerror(errno))))")
        }
        // In memory, grown 1 MiB at a time, no backing store: the image is written by commit().
        let fapl = H5Pcreate(h5_P_FILE_ACCESS())
        defer { H5Pclose(fapl) }
        H5Pset_fapl_core(fapl, 1 << 20, false)
        let id = H5Fcreate(temp, h5_F_ACC_EXCL(), fcpl, fapl)
        guard id >= 0 else {
            throw HDF5Error(file: path, object: nil, message: "cannot create temporary file '\(temp)'"
                            + (libraryErrorDetail().map { " (\($0))" } ?? ""))
        }
        return HDF5File(path: path, fileID: id, state: .writing(temp: temp))
    }

    /// Opens an existing file read-only.
    public static func open(_ path: String) throws -> HDF5File {
        silenceErrorPrinting()
        guard FileManager.default.fileExists(atPath: path) else {
            throw HDF5Error(file: path, object: nil, message: "file not found")
        }
        let isHDF5 = H5Fis_hdf5(path)
        if isHDF5 == 0 { throw HDF5Error(file: path, object: nil, message: "not an HDF5 file") }
        let id = isHDF5 > 0 ? H5Fopen(path, h5_F_ACC_RDONLY(), h5_P_DEFAULT()) : -1
        guard id >= 0 else {
            throw HDF5Error(file: path, object: nil, message: "cannot open"
                            + (libraryErrorDetail().map { ": \($0)" } ?? ""))
        }
        return HDF5File(path: path, fileID: id, state: .reading)
    }

    /// Writes the file's image to the temporary sibling, syncs it and atomically renames it over `path`;
    /// the handle is closed after, whether or not this succeeds.
    public func commit() throws {
        guard case .writing(let temp) = state else {
            throw fail(nil, "commit() needs a file from create(_:) that is still open")
        }
        state = .closed
        Self.silenceErrorPrinting()
        // Flushed, the in-memory image holds exactly the bytes the default driver would have written.
        let size = H5Fflush(fileID, H5F_SCOPE_LOCAL) >= 0 ? H5Fget_file_image(fileID, nil, 0) : -1
        var image = [UInt8](repeating: 0, count: max(0, size))
        let got = size >= 0 ? image.withUnsafeMutableBytes { H5Fget_file_image(fileID, $0.baseAddress, $0.count) } : -1
        let detail = got < 0 ? libraryErrorDetail() ?? "flush failed" : nil
        H5Fclose(fileID)
        if let detail { throw fail(nil, "commit failed: \(detail)") }
        do {
            try AtomicFile.write(Data(image), to: path)
        } catch let e as AtomicFileError {
            throw fail(nil, "commit failed: \(e.detail)")
        }
    }

    /// Closes the handle; an uncommitted created file is discarded. Safe to call more than once.
    public func close() {
        Self.silenceErrorPrinting()
        switch state {
        case .writing:
            H5Fclose(fileID)  // an uncommitted file exists only in memory
        case .reading:
            H5Fclose(fileID)
        case .closed:
            break
        }
        state = .closed
    }

    // MARK: Datasets

    /// Writes `values` (row-major) as a new dataset; missing parent groups are created.
    /// Compression is skipped for scalars and empty shapes, which HDF5 cannot chunk.
    public func write<T: HDF5Element>(_ values: [T], shape: [Int], to path: String,
                                      compression: HDF5Compression? = nil) throws {
        let count = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), count == values.count else {
            throw fail(path, "'\(path)': shape \(shape) does not match \(values.count) values")
        }
        var names = components(path)
        guard let name = names.popLast() else { throw fail(path, "a dataset needs a name, got '\(path)'") }
        let parent = try walk(names, for: path, creatingGroups: true)!
        defer { H5Oclose(parent) }
        if H5Lexists(parent, name, h5_P_DEFAULT()) > 0 { throw fail(path, "'\(path)' already exists") }

        let space = try makeSpace(shape, for: path)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(h5_P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        H5Pset_obj_track_times(dcpl, false)
        if let compression, !shape.isEmpty, count > 0 {
            let chunk = compression.chunkShape(for: shape, elementSize: MemoryLayout<T>.stride).map { hsize_t($0) }
            try check(H5Pset_chunk(dcpl, Int32(chunk.count), chunk), path, "invalid chunk shape \(chunk)")
            try check(H5Pset_shuffle(dcpl), path, "cannot enable shuffle")
            try check(H5Pset_deflate(dcpl, UInt32(compression.level)), path, "cannot enable deflate")
        }
        let type = T.hdf5Type
        let ds = try check(H5Dcreate2(parent, name, type.fileType, space, h5_P_DEFAULT(), dcpl, h5_P_DEFAULT()),
                           path, "cannot create dataset '\(path)'")
        defer { H5Dclose(ds) }
        guard count > 0 else { return }
        _ = try values.withUnsafeBytes { buf in
            try check(H5Dwrite(ds, type.memoryType, h5_S_ALL(), h5_S_ALL(), h5_P_DEFAULT(), buf.baseAddress),
                      path, "cannot write dataset '\(path)'")
        }
    }

    /// Reads a whole dataset. The stored type must be exactly `T`'s: silently converting, say,
    /// int64 labels to float would hide a mix-up between files.
    public func read<T: HDF5Element>(_ path: String, as _: T.Type = T.self) throws -> (shape: [Int], values: [T]) {
        let ds = try openDataset(path)
        defer { H5Dclose(ds) }
        try requireType(H5Dget_type(ds), T.hdf5Type, path, "'\(path)'")
        let (shape, count) = try extent(H5Dget_space(ds), path)
        let values = try [T](unsafeUninitializedCapacity: count) { buf, initialized in
            if count > 0 {
                try check(H5Dread(ds, T.hdf5Type.memoryType, h5_S_ALL(), h5_S_ALL(), h5_P_DEFAULT(), buf.baseAddress),
                          path, "cannot read dataset '\(path)'")
            }
            initialized = count
        }
        return (shape, values)
    }

    public func readFloats(_ path: String) throws -> (shape: [Int], values: [Float]) { try read(path) }
    public func readDoubles(_ path: String) throws -> (shape: [Int], values: [Double]) { try read(path) }
    public func readInt64s(_ path: String) throws -> (shape: [Int], values: [Int64]) { try read(path) }
    public func readInt32s(_ path: String) throws -> (shape: [Int], values: [Int32]) { try read(path) }
    public func readUInt8s(_ path: String) throws -> (shape: [Int], values: [UInt8]) { try read(path) }
    public func readInt16s(_ path: String) throws -> (shape: [Int], values: [Int16]) { try read(path) }

    public func datasetShape(_ path: String) throws -> [Int] {
        let ds = try openDataset(path)
        defer { H5Dclose(ds) }
        return try extent(H5Dget_space(ds), path).shape
    }

    // MARK: String datasets

    /// Writes `values` (row-major) as a dataset of variable-length UTF-8 strings, the type h5py writes
    /// for `str` and reads with `.asstr()`. Long text such as a run's JSON config goes here rather than
    /// in an attribute, whose object header is limited to ~64 KiB.
    public func writeStrings(_ values: [String], shape: [Int], to path: String) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw fail(path, "'\(path)': shape \(shape) does not match \(values.count) strings")
        }
        var names = components(path)
        guard let name = names.popLast() else { throw fail(path, "a dataset needs a name, got '\(path)'") }
        let parent = try walk(names, for: path, creatingGroups: true)!
        defer { H5Oclose(parent) }
        if H5Lexists(parent, name, h5_P_DEFAULT()) > 0 { throw fail(path, "'\(path)' already exists") }
        let type = try stringType(cset: H5T_CSET_UTF8, size: h5_T_VARIABLE(), name, path)
        defer { H5Tclose(type) }
        let space = try makeSpace(shape, for: path)
        defer { H5Sclose(space) }
        let dcpl = H5Pcreate(h5_P_DATASET_CREATE())
        defer { H5Pclose(dcpl) }
        H5Pset_obj_track_times(dcpl, false)
        let ds = try check(H5Dcreate2(parent, name, type, space, h5_P_DEFAULT(), dcpl, h5_P_DEFAULT()),
                           path, "cannot create dataset '\(path)'")
        defer { H5Dclose(ds) }
        guard !values.isEmpty else { return }
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        _ = try copies.withUnsafeBufferPointer { buf in
            try check(H5Dwrite(ds, type, h5_S_ALL(), h5_S_ALL(), h5_P_DEFAULT(), buf.baseAddress),
                      path, "cannot write dataset '\(path)'")
        }
    }

    /// Reads a dataset of strings, variable- or fixed-length (h5py writes both), row-major.
    public func readStrings(_ path: String) throws -> (shape: [Int], values: [String]) {
        let ds = try openDataset(path)
        defer { H5Dclose(ds) }
        let fileType = try check(H5Dget_type(ds), path, "cannot get type of '\(path)'")
        defer { H5Tclose(fileType) }
        guard H5Tget_class(fileType) == H5T_STRING else {
            throw fail(path, "'\(path)' holds \(describeType(fileType)), expected string")
        }
        let (shape, count) = try extent(H5Dget_space(ds), path)
        guard count > 0 else { return (shape, []) }
        let cset = H5Tget_cset(fileType)
        if H5Tis_variable_str(fileType) > 0 {
            let memType = try stringType(cset: cset, size: h5_T_VARIABLE(), path, path)
            defer { H5Tclose(memType) }
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            try check(H5Dread(ds, memType, h5_S_ALL(), h5_S_ALL(), h5_P_DEFAULT(), &pointers),
                      path, "cannot read dataset '\(path)'")
            defer { pointers.forEach { H5free_memory($0) } }
            return (shape, pointers.map { $0.map { String(cString: $0) } ?? "" })
        }
        // One spare byte per element, as for fixed-length attributes.
        let size = H5Tget_size(fileType) + 1
        let memType = try stringType(cset: cset, size: size, path, path)
        defer { H5Tclose(memType) }
        var bytes = [UInt8](repeating: 0, count: size * count)
        try check(H5Dread(ds, memType, h5_S_ALL(), h5_S_ALL(), h5_P_DEFAULT(), &bytes),
                  path, "cannot read dataset '\(path)'")
        let values = (0..<count).map { i in
            String(decoding: bytes[(i * size)..<((i + 1) * size)].prefix { $0 != 0 }, as: UTF8.self)
        }
        return (shape, values)
    }

    /// The stored element type as this layer names it ("float32", "int64", "string", ...), so a
    /// reader can dispatch on it (content hashes, verification) instead of guessing.
    public func elementTypeName(_ path: String) throws -> String {
        let ds = try openDataset(path)
        defer { H5Dclose(ds) }
        let type = try check(H5Dget_type(ds), path, "cannot get type of '\(path)'")
        defer { H5Tclose(type) }
        return describeType(type)
    }

    // MARK: Listing

    /// All dataset paths (no leading "/"), sorted so listings and anything derived from them are
    /// deterministic. Only hard links are followed (this layer writes no other kind). Non-throwing
    /// because callers use it to decide what to read; a group that cannot be listed is skipped, and
    /// reading anything inside it reports the real error.
    public func datasetPaths() -> [String] {
        guard let file = try? readableID(nil) else { return [] }
        var found: [String] = []
        func visit(_ group: hid_t, _ prefix: String) {
            for name in (try? linkNames(group, prefix)) ?? [] {
                let obj = H5Oopen(group, name, h5_P_DEFAULT())
                guard obj >= 0 else { continue }
                defer { H5Oclose(obj) }
                switch H5Iget_type(obj) {
                case H5I_DATASET: found.append(prefix + name)
                case H5I_GROUP: visit(obj, prefix + name + "/")
                default: break
                }
            }
        }
        visit(file, "")
        H5Eclear2(h5_E_DEFAULT())
        return found.sorted()
    }

    /// False for missing paths, paths through a dataset, and closed files.
    public func groupExists(_ path: String) -> Bool { objectType(path) == H5I_GROUP }
    public func datasetExists(_ path: String) -> Bool { objectType(path) == H5I_DATASET }

    // MARK: Attributes ("" or "/" is the root group)

    public func setAttribute(_ name: String, _ value: String, on path: String = "/") throws {
        let type = try stringType(cset: H5T_CSET_UTF8, size: h5_T_VARIABLE(), name, path)
        defer { H5Tclose(type) }
        try writeAttribute(name, on: path, type: type, shape: nil) { attr in
            value.withCString { chars in
                var pointer: UnsafePointer<CChar>? = chars
                return H5Awrite(attr, type, &pointer)
            }
        }
    }

    public func setAttribute<T: HDF5Element>(_ name: String, _ value: T, on path: String = "/") throws {
        try writeAttribute(name, on: path, type: T.hdf5Type.fileType, shape: nil) { attr in
            withUnsafePointer(to: value) { H5Awrite(attr, T.hdf5Type.memoryType, $0) }
        }
    }

    public func setAttribute<T: HDF5Element>(_ name: String, _ values: [T], on path: String = "/") throws {
        try writeAttribute(name, on: path, type: T.hdf5Type.fileType, shape: [values.count]) { attr in
            values.isEmpty ? 0 : values.withUnsafeBytes { H5Awrite(attr, T.hdf5Type.memoryType, $0.baseAddress) }
        }
    }

    /// Reads a string attribute, variable- or fixed-length (h5py and others write both).
    public func stringAttribute(_ name: String, on path: String = "/") throws -> String {
        try withAttribute(name, on: path) { attr, what in
            let fileType = H5Aget_type(attr)
            defer { H5Tclose(fileType) }
            guard H5Tget_class(fileType) == H5T_STRING else {
                throw fail(path, "\(what) holds \(describeType(fileType)), expected string")
            }
            guard try extent(H5Aget_space(attr), path).count == 1 else { throw fail(path, "\(what) is not a single string") }
            let cset = H5Tget_cset(fileType)
            if H5Tis_variable_str(fileType) > 0 {
                let memType = try stringType(cset: cset, size: h5_T_VARIABLE(), name, path)
                defer { H5Tclose(memType) }
                var chars: UnsafeMutablePointer<CChar>?
                try check(H5Aread(attr, memType, &chars), path, "cannot read \(what)")
                defer { H5free_memory(chars) }
                return chars.map { String(cString: $0) } ?? ""
            }
            // One spare byte: a null-terminated memory type would otherwise drop the last character.
            let size = H5Tget_size(fileType) + 1
            let memType = try stringType(cset: cset, size: size, name, path)
            defer { H5Tclose(memType) }
            var bytes = [UInt8](repeating: 0, count: size)
            try check(H5Aread(attr, memType, &bytes), path, "cannot read \(what)")
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Reads an attribute holding exactly one value of type `T`.
    public func attribute<T: HDF5Element>(_ name: String, on path: String = "/", as _: T.Type = T.self) throws -> T {
        let values: [T] = try arrayAttribute(name, on: path)
        guard values.count == 1 else {
            throw fail(path, "attribute '\(name)' on '\(path)' holds \(values.count) values, expected one")
        }
        return values[0]
    }

    /// Reads all values of an attribute of type `T` (a scalar reads as one element).
    public func arrayAttribute<T: HDF5Element>(_ name: String, on path: String = "/", as _: T.Type = T.self) throws -> [T] {
        try withAttribute(name, on: path) { attr, what in
            try requireType(H5Aget_type(attr), T.hdf5Type, path, what)
            let count = try extent(H5Aget_space(attr), path).count
            return try [T](unsafeUninitializedCapacity: count) { buf, initialized in
                if count > 0 {
                    try check(H5Aread(attr, T.hdf5Type.memoryType, buf.baseAddress), path, "cannot read \(what)")
                }
                initialized = count
            }
        }
    }

    /// Attribute names on an object, sorted for the same determinism reason as `datasetPaths`.
    public func attributeNames(on path: String = "/") throws -> [String] {
        let obj = try openObject(path)
        defer { H5Oclose(obj) }
        var names: [String] = []
        var index: hsize_t = 0
        let status = withUnsafeMutablePointer(to: &names) { namesPointer in
            H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, data in
                data!.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name!))
                return 0
            }, namesPointer)
        }
        try check(status, path, "cannot list attributes of '\(path)'")
        return names.sorted()
    }

    // MARK: Internals

    private func fail(_ object: String?, _ message: String) -> HDF5Error {
        HDF5Error(file: path, object: object, message: message)
    }

    /// Turns a negative HDF5 status into an `HDF5Error` carrying HDF5's own most specific reason.
    @discardableResult
    private func check<I: BinaryInteger>(_ status: I, _ object: String?, _ what: @autoclosure () -> String) throws -> I {
        guard status < 0 else { return status }
        throw fail(object, what() + (libraryErrorDetail().map { " (\($0))" } ?? ""))
    }

    /// Every operation passes through here or `writableID` first, which is where errors get silenced.
    private func readableID(_ object: String?) throws -> hid_t {
        Self.silenceErrorPrinting()
        if case .closed = state { throw fail(object, "file is closed") }
        return fileID
    }

    private func writableID(_ object: String?) throws -> hid_t {
        Self.silenceErrorPrinting()
        switch state {
        case .writing: return fileID
        case .reading: throw fail(object, "cannot modify '\(object ?? "/")': file is open read-only")
        case .closed: throw fail(object, "cannot modify '\(object ?? "/")': file is closed")
        }
    }

    private func components(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init)
    }

    /// Follows `names` link by link from the root so that a missing or non-group component becomes a
    /// precise message rather than an opaque HDF5 failure. Returns nil if something is missing.
    private func walk(_ names: [String], for path: String, creatingGroups create: Bool) throws -> hid_t? {
        let file = create ? try writableID(path) : try readableID(path)
        var current = try check(H5Oopen(file, "/", h5_P_DEFAULT()), path, "cannot open root group")
        for (i, name) in names.enumerated() {
            let here = names[...i].joined(separator: "/")
            let next: hid_t
            if H5Lexists(current, name, h5_P_DEFAULT()) > 0 {
                next = H5Oopen(current, name, h5_P_DEFAULT())
            } else if create {
                let gcpl = H5Pcreate(h5_P_GROUP_CREATE())
                H5Pset_obj_track_times(gcpl, false)
                next = H5Gcreate2(current, name, h5_P_DEFAULT(), gcpl, h5_P_DEFAULT())
                H5Pclose(gcpl)
            } else {
                H5Oclose(current)
                return nil
            }
            H5Oclose(current)
            current = try check(next, path, "cannot open or create group '\(here)'")
            // The last name may be a dataset when reading; everything on the way must be a group.
            if create || i < names.count - 1, H5Iget_type(current) != H5I_GROUP {
                H5Oclose(current)
                throw fail(path, "'\(here)' is a dataset, not a group")
            }
        }
        return current
    }

    private func openObject(_ path: String) throws -> hid_t {
        guard let obj = try walk(components(path), for: path, creatingGroups: false) else {
            throw fail(path, "object '\(path)' not found")
        }
        return obj
    }

    private func openDataset(_ path: String) throws -> hid_t {
        guard let obj = try walk(components(path), for: path, creatingGroups: false) else {
            throw fail(path, "dataset '\(path)' not found")
        }
        guard H5Iget_type(obj) == H5I_DATASET else {
            H5Oclose(obj)
            throw fail(path, "'\(path)' is a group, not a dataset")
        }
        return obj
    }

    private func objectType(_ path: String) -> H5I_type_t? {
        guard let obj = try? walk(components(path), for: path, creatingGroups: false) else { return nil }
        defer { H5Oclose(obj) }
        return H5Iget_type(obj)
    }

    private func linkNames(_ group: hid_t, _ prefix: String) throws -> [String] {
        var names: [String] = []
        var index: hsize_t = 0
        let status = withUnsafeMutablePointer(to: &names) { namesPointer in
            H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, info, data in
                if info?.pointee.type == H5L_TYPE_HARD {
                    data!.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name!))
                }
                return 0
            }, namesPointer)
        }
        try check(status, prefix, "cannot list group '\(prefix.isEmpty ? "/" : prefix)'")
        return names
    }

    private func makeSpace(_ shape: [Int], for path: String) throws -> hid_t {
        if shape.isEmpty { return try check(H5Screate(H5S_SCALAR), path, "cannot create dataspace") }
        let dims = shape.map { hsize_t($0) }
        return try check(H5Screate_simple(Int32(dims.count), dims, nil), path, "cannot create dataspace \(shape)")
    }

    /// Shape and element count of a dataspace (consumes `space`). Scalars have shape [].
    private func extent(_ space: hid_t, _ path: String) throws -> (shape: [Int], count: Int) {
        try check(space, path, "cannot get dataspace of '\(path)'")
        defer { H5Sclose(space) }
        let rank = try check(H5Sget_simple_extent_ndims(space), path, "cannot get rank of '\(path)'")
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        let count = try check(H5Sget_simple_extent_npoints(space), path, "cannot size '\(path)'")
        return (dims.map { Int($0) }, Int(count))
    }

    /// Consumes `type`.
    private func requireType(_ type: hid_t, _ expected: HDF5ElementType, _ path: String, _ what: String) throws {
        try check(type, path, "cannot get type of \(what)")
        defer { H5Tclose(type) }
        let stored = describeType(type)
        guard stored == expected.rawValue else { throw fail(path, "\(what) holds \(stored), expected \(expected)") }
    }

    private func stringType(cset: H5T_cset_t, size: Int, _ name: String, _ path: String) throws -> hid_t {
        let type = try check(H5Tcopy(h5_T_C_S1()), path, "cannot make string type for attribute '\(name)'")
        guard H5Tset_size(type, size) >= 0, H5Tset_cset(type, cset) >= 0 else {
            H5Tclose(type)
            throw fail(path, "cannot make string type for attribute '\(name)'")
        }
        return type
    }

    /// Replaces any existing attribute of that name, so re-recording a value (e.g. a final metric)
    /// needs no separate delete.
    private func writeAttribute(_ name: String, on path: String, type: hid_t, shape: [Int]?,
                                _ write: (hid_t) -> herr_t) throws {
        let what = "attribute '\(name)' on '\(path)'"
        _ = try writableID(path)
        let obj = try openObject(path)
        defer { H5Oclose(obj) }
        if H5Aexists(obj, name) > 0 { try check(H5Adelete(obj, name), path, "cannot replace \(what)") }
        let space = try makeSpace(shape ?? [], for: path)
        defer { H5Sclose(space) }
        let attr = try check(H5Acreate2(obj, name, type, space, h5_P_DEFAULT(), h5_P_DEFAULT()), path, "cannot create \(what)")
        defer { H5Aclose(attr) }
        try check(write(attr), path, "cannot write \(what)")
    }

    private func withAttribute<R>(_ name: String, on path: String, _ body: (hid_t, String) throws -> R) throws -> R {
        let what = "attribute '\(name)' on '\(path)'"
        let obj = try openObject(path)
        defer { H5Oclose(obj) }
        guard H5Aexists(obj, name) > 0 else { throw fail(path, "\(what) not found") }
        let attr = try check(H5Aopen(obj, name, h5_P_DEFAULT()), path, "cannot open \(what)")
        defer { H5Aclose(attr) }
        return try body(attr, what)
    }
}
