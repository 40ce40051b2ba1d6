import Foundation

/// Where a case's image and label live, and how to read them.
public struct CaseFiles: Sendable, Equatable {
    public var id: String
    public var image: String
    public var label: String
    /// Channel of a 4-D image (Prostate MSD: 0 = T2w); nil: the image is 3-D (or 4-D with one frame).
    public var imageChannel: Int?
}

/// The three on-disk layouts of method-spec §1.2 (the phantom uses ACDC's).
public enum DatasetLayoutKind: String, Sendable, CaseIterable, Codable {
    case acdc, prostate, mmwhs

    public var constants: DatasetConstants {
        switch self {
        case .acdc: .acdc
        case .prostate: .prostate
        case .mmwhs: .mmwhs
        }
    }
}

/// A dataset opened from a root directory.
public struct Dataset: Sendable {
    public let kind: DatasetLayoutKind
    public let root: String
    /// What the label files' values mean: the layout's classes unless a split file declares others.
    public let classes: ClassSet

    public init(kind: DatasetLayoutKind, root: String, classes: ClassSet? = nil) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(root, "data root does not exist or is not a directory")
        }
        self.kind = kind
        self.root = root
        self.classes = classes ?? .layoutDefault(kind)
    }

    public var constants: DatasetConstants { kind.constants }

    /// The files of case `id` (split-file ids: ACDC "001", Prostate "000", MMWHS "1001").
    public func files(for id: String) throws -> CaseFiles {
        switch kind {
        case .acdc: return try ACDCLayout.files(root: root, id: id)
        case .prostate: return try ProstateLayout.files(root: root, id: id)
        case .mmwhs: return try MMWHSLayout.files(root: root, id: id)
        }
    }

    /// The ids present on disk, sorted.
    public func availableIDs() throws -> [String] {
        switch kind {
        case .acdc: return try ACDCLayout.ids(root: root)
        case .prostate: return try ProstateLayout.ids(root: root)
        case .mmwhs: return try MMWHSLayout.ids(root: root)
        }
    }

    /// Reads, checks and returns case `id`: image and label on the same grid, labels remapped
    /// (MMWHS) and within the class set, every voxel finite, with SHA-256 of both files.
    public func load(_ id: String) throws -> LoadedCase {
        let f = try files(for: id)
        // Headers first: a label on another grid, or a broken header, stops before any voxel is decoded
        // (a 1024³ volume takes a minute and gigabytes to decode).
        try CaseChecks.checkGrids(image: try NIfTI.readCheckedHeader(f.image, channel: f.imageChannel), imagePath: f.image,
                                  label: try NIfTI.readCheckedHeader(f.label), labelPath: f.label)
        let image = try NIfTI.read(f.image, channel: f.imageChannel)
        var label = try NIfTI.read(f.label)
        if classes == .layoutDefault(.mmwhs) && kind == .mmwhs {
            label.volume.voxels = try MMWHSLayout.remap(label.volume.voxels, path: f.label)
        } else if !classes.isIdentity {
            label.volume.voxels = try classes.remap(label.volume.voxels, shape: label.volume.shape, path: f.label)
        }
        try CaseChecks.check(image: image.volume, imagePath: f.image, label: label.volume, labelPath: f.label,
                             classCount: classes.count)
        return LoadedCase(id: id, image: image.volume, label: label.volume,
                          imageSHA256: try ContentHash.sha256(fileAt: f.image),
                          labelSHA256: try ContentHash.sha256(fileAt: f.label))
    }
}

/// A case read from disk and checked.
public struct LoadedCase: Sendable {
    public var id: String
    public var image: Volume
    /// Class indices 0..<classes.count (label-file values remapped by the class set).
    public var label: Volume
    public var imageSHA256: String
    public var labelSHA256: String
}

enum LayoutFiles {
    static func requireFile(_ path: String, _ what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw DatasetError(path, "\(what) is missing") }
        return path
    }

    /// Directory entries matching a pattern's capture, sorted.
    static func matches(in dir: String, _ regex: Regex<(Substring, Substring)>) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw DatasetError(dir, "cannot list the directory")
        }
        return names.compactMap { name in (try? regex.wholeMatch(in: name)).map { String($0.1) } }.sorted()
    }
}
