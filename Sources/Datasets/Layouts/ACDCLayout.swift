import Foundation

/// ACDC: `patientNNN/patientNNN_frameFF.nii.gz` and `_gt`, where FF is the end-diastolic frame read
/// from `patientNNN/Info.cfg` ("ED: 1"), never assumed to be 01 (patient090's is frame 04).
enum ACDCLayout {
    static func files(root: String, id: String) throws -> CaseFiles {
        guard id.count == 3, id.allSatisfy(\.isNumber) else {
            throw DatasetError(root, "ACDC id \"\(id)\" is not three digits (patient001 is \"001\")")
        }
        let dir = "\(root)/patient\(id)"
        let info = try InfoCfg.read("\(dir)/Info.cfg")
        guard let ed = info.endDiastolicFrame else { throw DatasetError("\(dir)/Info.cfg", "no \"ED:\" line") }
        let frame = String(format: "%02d", ed)
        let image = try LayoutFiles.requireFile("\(dir)/patient\(id)_frame\(frame).nii.gz", "ED image (frame \(frame))")
        let label = try LayoutFiles.requireFile("\(dir)/patient\(id)_frame\(frame)_gt.nii.gz", "ED label (frame \(frame))")
        return CaseFiles(id: id, image: image, label: label, imageChannel: nil)
    }

    static func ids(root: String) throws -> [String] {
        try LayoutFiles.matches(in: root, /patient(\d{3})/)
    }
}

/// ACDC's `Info.cfg`: "Key: value" lines (ED, ES, Group, Height, NbFrame, Weight).
public struct InfoCfg: Sendable, Equatable {
    public var fields: [String: String]

    public var endDiastolicFrame: Int? { fields["ED"].flatMap { Int($0) } }
    public var endSystolicFrame: Int? { fields["ES"].flatMap { Int($0) } }
    public var group: String? { fields["Group"] }

    public static func read(_ path: String) throws -> InfoCfg {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(path, "Info.cfg is missing") }
        guard let text = String(data: data, encoding: .utf8) else { throw DatasetError(path, "Info.cfg is not text") }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> InfoCfg {
        var fields: [String: String] = [:]
        for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw DatasetError(path, "line \(n + 1) is not \"Key: value\": \"\(trimmed)\"")
            }
            fields[trimmed[..<colon].trimmingCharacters(in: .whitespaces)] =
                trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let ed = fields["ED"], Int(ed) == nil { throw DatasetError(path, "ED is not a frame number: \"\(ed)\"") }
        return InfoCfg(fields: fields)
    }

    /// Lines in a fixed order (ACDC's own order), for writing.
    public var text: String {
        fields.keys.sorted().map { "\($0): \(fields[$0]!)" }.joined(separator: "\n") + "\n"
    }
}
