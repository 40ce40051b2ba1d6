import AtomicWrite
import CNIfTI
import Foundation

/// A volume read from a NIfTI file, with its header.
public struct NIfTIImage: Sendable {
    public var volume: Volume
    public var header: NIfTIHeader
    /// Which 3D volume of a 4D file this is (0 for a 3D file).
    public var channel: Int
}

/// NIfTI-1 and NIfTI-2 files (`.nii`, `.nii.gz`) through libnifti2's nifti2_io, which reads both
/// versions and either byte order.
public enum NIfTI {
    /// libnifti2's version string (empty if the library reports none), recorded in run files and
    /// `cseg --version`.
    public static var libraryVersion: String {
        var text = [CChar](repeating: 0, count: 256)
        cnifti_lib_version(&text, text.count)
        return String(cString: text)
    }

    /// Whether libnifti2 was built with zlib (without it, `.nii.gz` cannot be read).
    public static var linkedWithZlib: Bool { cnifti_linked_with_zlib() == 1 }

    /// Reads the header only.
    public static func readHeader(_ path: String) throws -> NIfTIHeader {
        let nim = try open(path)
        defer { nifti_image_free(nim) }
        return try header(nim, path: path)
    }

    /// Reads the header and applies every check `read` makes before decoding voxels: the dimension
    /// count, the frame count and the geometry (`NIfTIGeometry`). A layout calls this for the image
    /// and the label first, so that a mismatch between them stops before either is decoded.
    /// `channel`: nil reads a 3-D file (or 4-D with one frame); a number names a frame of a 4-D file.
    public static func readCheckedHeader(_ path: String, channel: Int? = nil) throws -> NIfTIHeader {
        let h = try readHeader(path)
        try checkHeader(h, path: path, channel: channel)
        return h
    }

    static func checkHeader(_ h: NIfTIHeader, path: String, channel: Int?) throws {
        guard h.dims.count == 3 || h.dims.count == 4 else {
            throw NIfTIError(path: path, kind: .unsupportedDimensions,
                             detail: "\(h.dims.count)-D image \(h.dims); a volume needs 3 dimensions (or 4 with a channel)")
        }
        let channels = h.dims.count == 4 ? h.dims[3] : 1
        if let channel, !(channel >= 0 && channel < channels) {
            throw NIfTIError(path: path, kind: .badChannel,
                             detail: "channel \(channel) requested but the file has \(channels) (dims \(h.dims))")
        }
        let raw = NIfTIGeometry.rawPixdim(path, count: h.pixdim.count) ?? h.pixdim
        try NIfTIGeometry.check(h, rawPixdim: raw, path: path, channelGiven: channel != nil)
    }

    /// Reads a 3D volume, or channel `channel` of a 4D file, as float32 with scl_slope/scl_inter
    /// applied. The volume's affine is the header's best affine (sform, else qform, else pixdim).
    /// `channel` nil: a 3-D file or a 4-D file with one frame (more frames are an error: which one
    /// is meant is not known). `checkGeometry` false skips `NIfTIGeometry` (for `cseg info`, which
    /// shows a broken header rather than refusing it); every other reader checks.
    public static func read(_ path: String, channel: Int? = nil, checkGeometry: Bool = true) throws -> NIfTIImage {
        let nim = try open(path)
        defer { nifti_image_free(nim) }
        let h = try header(nim, path: path)
        if checkGeometry { try checkHeader(h, path: path, channel: channel) }
        guard h.dims.count == 3 || h.dims.count == 4 else {
            throw NIfTIError(path: path, kind: .unsupportedDimensions,
                             detail: "\(h.dims.count)-D image \(h.dims); a volume needs 3 dimensions (or 4 with a channel)")
        }
        let channels = h.dims.count == 4 ? h.dims[3] : 1
        let channel = channel ?? 0
        guard channel >= 0 && channel < channels else {
            throw NIfTIError(path: path, kind: .badChannel,
                             detail: "channel \(channel) requested but the file has \(channels) (dims \(h.dims))")
        }
        let (nx, ny, nz) = (h.dims[0], h.dims[1], h.dims[2])
        let count = nx * ny * nz
        let bytesPerVoxel = Int(nim.pointee.nbyper)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * bytesPerVoxel, alignment: 16)
        defer { raw.deallocate() }
        let swap: Int32 = nim.pointee.byteorder != nifti_short_order() ? 1 : 0
        let got = cnifti_read_raw(path, nim.pointee.iname_offset + Int64(channel * count * bytesPerVoxel), raw,
                                  Int64(count * bytesPerVoxel), nim.pointee.nbyper, swap)
        guard got != -2 else {
            throw NIfTIError(path: path, kind: .corrupt,
                             detail: "voxel data is corrupt: the compressed stream fails zlib's checks (deflate data or CRC-32)")
        }
        guard got == Int64(count * bytesPerVoxel) else {
            throw NIfTIError(path: path, kind: .truncated,
                             detail: "voxel data is truncated: read \(max(0, got)) of \(count * bytesPerVoxel) bytes"
                                 + (channels > 1 ? " of channel \(channel)" : ""))
        }
        var voxels = [Float](repeating: 0, count: count)
        voxels.withUnsafeMutableBufferPointer { out in
            convert(raw, datatype: h.datatype, offset: 0, count: count, into: out.baseAddress!)
        }
        if h.appliesScaling {
            let (a, b) = (h.sclSlope, h.sclInter)
            for i in 0..<count { voxels[i] = Float(Double(voxels[i]) * a + b) }
        }
        let spacing = (0..<3).map { h.pixdim.indices.contains($0) ? abs(h.pixdim[$0]) : 1 }
        let volume = Volume(shape: [nx, ny, nz], voxels: voxels, spacing: spacing, affine: h.bestAffine)
        return NIfTIImage(volume: volume, header: h, channel: channel)
    }

    /// Writes `volume` as a NIfTI-1 file (`.nii` or `.nii.gz`, by the extension) with its affine as
    /// both sform and qform (code 1, scanner) and spacing in mm. Integer types take values rounded
    /// half to even; a value out of the type's range or not finite is an error. The file appears
    /// only when complete: it is written under a temporary name in the same directory, then renamed.
    public static func write(_ volume: Volume, to path: String, as datatype: NIfTIDatatype,
                             description: String = "") throws {
        try checkWritable(volume, to: path, as: datatype)
        let dims: [Int64] = [3, Int64(volume.shape[0]), Int64(volume.shape[1]), Int64(volume.shape[2]), 1, 1, 1, 1]
        guard let nim = nifti_make_new_nim(dims, Int32(datatype.rawValue), 1) else {
            throw NIfTIError(path: path, kind: .writeFailed, detail: "libnifti could not allocate the image")
        }
        defer { nifti_image_free(nim) }
        fill(nim.pointee.data!, datatype: datatype, from: volume.voxels)
        setGeometry(nim, volume: volume)
        nim.pointee.nifti_type = NIFTI_FTYPE_NIFTI1_1
        try commit(nim, to: path, description: description)
    }

    /// Writes `volume` with the header of `template` (a NIfTI file on the same grid, e.g. the image a
    /// prediction was made for): dims (a 4-D singleton axis stays 4-D), pixdim, qform and sform with
    /// their codes and the quaternion as stored, xyzt_units, slice and time fields, NIfTI version. Only
    /// the datatype, the scaling (none: slope 1, intercept 0), cal_min/max, the extensions (dropped)
    /// and the description change. So a viewer overlays the file on its image exactly, whatever codes
    /// the image carried. An error if `template`'s grid is not the volume's (shape, affine to 1e-6 mm).
    public static func write(_ volume: Volume, to path: String, as datatype: NIfTIDatatype, description: String = "",
                             headerFrom template: String) throws {
        try checkWritable(volume, to: path, as: datatype)
        let source = try open(template)
        defer { nifti_image_free(source) }
        let h = try header(source, path: template)
        guard Array(h.dims.prefix(3)) == volume.shape, h.dims.dropFirst(3).allSatisfy({ $0 == 1 }) else {
            throw NIfTIError(path: path, kind: .writeFailed,
                             detail: "the volume's shape \(volume.shape) is not the grid of \(template) (dims \(h.dims))")
        }
        let gap = zip(h.bestAffine.m, volume.affine.m).map { abs($0 - $1) }.max() ?? 0
        guard gap <= 1e-6 else {
            throw NIfTIError(path: path, kind: .writeFailed,
                             detail: "the volume's affine differs from \(template)'s by up to \(gap) mm: not its grid")
        }
        // libnifti's writer would rebuild the header from its struct (and zero the quaternion under
        // qform_code 0), so the template's header is copied field by field in C instead.
        let bytesPerVoxel = datatype.bytesPerVoxel
        var raw = [UInt8](repeating: 0, count: volume.voxels.count * bytesPerVoxel)
        raw.withUnsafeMutableBytes { fill($0.baseAddress!, datatype: datatype, from: volume.voxels) }
        let text = String(decoding: Array(description.utf8.prefix(79)), as: UTF8.self)
        struct NoQuaternionFormat: Error {}
        do {
            try atomically(path) { tmp in
                let status = raw.withUnsafeBytes {
                    cnifti_write_like(template, tmp, $0.baseAddress, Int64($0.count), Int32(datatype.rawValue), Int32(8 * bytesPerVoxel), text)
                }
                switch status {
                case 0: try checkReadsBack(tmp, path)
                case -4: throw NoQuaternionFormat()
                case -1: throw NIfTIError(path: path, kind: .writeFailed, detail: "cannot read the header of \(template)")
                default: throw NIfTIError(path: path, kind: .writeFailed, detail: "writing failed (disk full or not writable?)")
                }
            }
        } catch is NoQuaternionFormat {
            // ANALYZE 7.5 has no qform/sform to keep: the affine-based writer loses nothing.
            try write(volume, to: path, as: datatype, description: description)
        }
    }

    static func checkWritable(_ volume: Volume, to path: String, as datatype: NIfTIDatatype) throws {
        guard path.hasSuffix(".nii") || path.hasSuffix(".nii.gz") else {
            throw NIfTIError(path: path, kind: .writeFailed, detail: "file name must end in .nii or .nii.gz")
        }
        if let range = datatype.integerRange {
            if let bad = volume.voxels.firstIndex(where: { !$0.isFinite || !range.contains(Double($0).rounded(.toNearestOrEven)) }) {
                throw NIfTIError(path: path, kind: .valueOutOfRange,
                                 detail: "voxel \(bad) = \(volume.voxels[bad]) does not fit \(datatype.name)")
            }
        }
    }

    /// Writes `nim` under a temporary name beside `path` (keeping `.nii.gz` or `.nii`, which libnifti
    /// reads to decide compression), checks it reads back, renames it into place.
    static func commit(_ nim: UnsafeMutablePointer<nifti_image>, to path: String, description: String) throws {
        setTuple(&nim.pointee.descrip, String(decoding: Array(description.utf8.prefix(79)), as: UTF8.self))
        try atomically(path) { tmp in
            guard nifti_set_filenames(nim, tmp, 0, 1) == 0 else {
                throw NIfTIError(path: path, kind: .writeFailed, detail: "libnifti rejected the file name")
            }
            nifti_set_debug_level(0)
            nifti_image_write(nim)
            try checkReadsBack(tmp, path)
        }
    }

    /// The harness's one atomic write with the NIfTI suffix kept on the temporary name; its failures as NIfTI errors.
    static func atomically(_ path: String, _ produce: (String) throws -> Void) throws {
        do {
            try AtomicFile.write(to: path, keepingSuffix: path.hasSuffix(".nii.gz") ? ".nii.gz" : ".nii", produce)
        } catch let e as AtomicFileError {
            throw NIfTIError(path: path, kind: .writeFailed, detail: e.detail)
        }
    }

    /// nifti_image_write returns nothing: read the header back to know the file is complete.
    static func checkReadsBack(_ tmp: String, _ path: String) throws {
        guard let check = nifti_image_read(tmp, 0) else {
            throw NIfTIError(path: path, kind: .writeFailed, detail: "writing failed (disk full or not writable?)")
        }
        nifti_image_free(check)
    }

    // MARK: - Internals

    static func open(_ path: String) throws -> UnsafeMutablePointer<nifti_image> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NIfTIError(path: path, kind: .missing, detail: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw NIfTIError(path: path, kind: .isDirectory, detail: "is a directory, not a NIfTI file")
        }
        guard path.hasSuffix(".nii") || path.hasSuffix(".nii.gz") else {
            throw NIfTIError(path: path, kind: .notNIfTI, detail: "not a NIfTI file name (expected .nii or .nii.gz)")
        }
        nifti_set_debug_level(0)   // libnifti prints its own complaints otherwise; ours name the file
        // Header only: the voxels are read by cnifti_read_raw.
        guard let nim = nifti_image_read(path, 0) else {
            throw NIfTIError(path: path, kind: .notNIfTI,
                             detail: "not a readable NIfTI file (no valid NIfTI-1/2 header: wrong magic, size or a truncated header)")
        }
        return nim
    }

    /// 1 or 2, from the header itself: libnifti converts both into one struct and its nifti_type
    /// says NIfTI-1 for a NIfTI-2 file read from disk.
    static func headerVersion(_ path: String) -> Int {
        var version: Int32 = 0
        guard let raw = nifti_read_header(path, &version, 0) else { return 1 }
        free(raw)
        return version == 2 ? 2 : 1
    }

    static func header(_ nim: UnsafeMutablePointer<nifti_image>, path: String) throws -> NIfTIHeader {
        let n = nim.pointee
        guard let datatype = NIfTIDatatype(rawValue: n.datatype) else {
            let name = String(cString: nifti_datatype_string(n.datatype))
            throw NIfTIError(path: path, kind: .unsupportedDatatype,
                             detail: "unsupported datatype \(name) (code \(n.datatype)); supported: "
                                 + NIfTIDatatype.allCases.map(\.name).joined(separator: ", "))
        }
        let dim = tupleArray(n.dim, as: Int64.self, count: 8).map(Int.init)
        let ndim = max(0, min(7, dim[0]))
        let pixdim = tupleArray(n.pixdim, as: Double.self, count: 8)
        return NIfTIHeader(
            version: headerVersion(path), datatype: datatype,
            dims: Array(dim[1...max(1, ndim)].prefix(ndim)), pixdim: Array(pixdim[1...max(1, ndim)].prefix(ndim)),
            sclSlope: n.scl_slope, sclInter: n.scl_inter,
            qformCode: Int(n.qform_code), sformCode: Int(n.sform_code),
            qform: affine(n.qto_xyz), sform: affine(n.sto_xyz),
            xyzUnits: Int(n.xyz_units),
            description: tupleString(n.descrip))
    }

    static func affine(_ m: nifti_dmat44) -> Affine {
        Affine(tupleArray(m.m, as: Double.self, count: 16))
    }

    static func dmat(_ a: Affine) -> nifti_dmat44 {
        var m = nifti_dmat44()
        withUnsafeMutableBytes(of: &m.m) { raw in
            let p = raw.bindMemory(to: Double.self)
            for i in 0..<16 { p[i] = a.m[i] }
        }
        return m
    }

    static func setGeometry(_ nim: UnsafeMutablePointer<nifti_image>, volume: Volume) {
        let s = volume.spacing
        nim.pointee.dx = s[0]; nim.pointee.dy = s[1]; nim.pointee.dz = s[2]
        withUnsafeMutableBytes(of: &nim.pointee.pixdim) { raw in
            let p = raw.bindMemory(to: Double.self)
            p[1] = s[0]; p[2] = s[1]; p[3] = s[2]
        }
        nim.pointee.xyz_units = NIFTI_UNITS_MM
        let m = dmat(volume.affine)
        nim.pointee.sform_code = NIFTI_XFORM_SCANNER_ANAT
        nim.pointee.sto_xyz = m
        nim.pointee.sto_ijk = nifti_dmat44_inverse(m)
        var qb = 0.0, qc = 0.0, qd = 0.0, qx = 0.0, qy = 0.0, qz = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
        nifti_dmat44_to_quatern(m, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
        nim.pointee.qform_code = NIFTI_XFORM_SCANNER_ANAT
        nim.pointee.quatern_b = qb; nim.pointee.quatern_c = qc; nim.pointee.quatern_d = qd
        nim.pointee.qoffset_x = qx; nim.pointee.qoffset_y = qy; nim.pointee.qoffset_z = qz
        nim.pointee.qfac = qfac
        nim.pointee.qto_xyz = nifti_quatern_to_dmat44(qb, qc, qd, qx, qy, qz, s[0], s[1], s[2], qfac)
        nim.pointee.qto_ijk = nifti_dmat44_inverse(nim.pointee.qto_xyz)
    }
}
