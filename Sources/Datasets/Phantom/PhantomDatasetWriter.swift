import AtomicWrite
import Foundation

/// Writes generated volumes in ACDC's layout: `ROOT/patientNNN/Info.cfg`,
/// `patientNNN_frameFF.nii.gz` (image, int16 like ACDC) and `patientNNN_frameFF_gt.nii.gz` (uint8
/// labels) for the ED frame FF, plus `ROOT/phantom.json` recording how the dataset was made.
public enum PhantomDatasetWriter {
    /// `phantom.json`.
    public struct Manifest: Codable, Sendable, Equatable {
        public var generator: String
        public var harnessVersion: String
        public var seed: UInt64
        public var volumes: Int
        public var imageDatatype: String
        public var labelDatatype: String
        public var labels: [String]
        public var parameters: PhantomParameters
        public var cases: [PhantomCaseInfo]
    }

    /// Generates and writes patients 1…`volumes`. Each file appears only when complete (written under
    /// a temporary name, then renamed); `phantom.json` is written last, so its presence means the
    /// dataset is whole.
    @discardableResult
    public static func write(root: String, volumes: Int, seed: UInt64, parameters: PhantomParameters,
                             harnessVersion: String, progress: (PhantomCaseInfo) -> Void = { _ in }) throws -> Manifest {
        guard (1...999).contains(volumes) else { throw DatasetError(root, "--volumes must be 1…999 (ACDC ids are three digits), got \(volumes)") }
        try parameters.validate()
        try createDirectory(root)
        var cases: [PhantomCaseInfo] = []
        for patient in 1...volumes {
            let generated = try PhantomGenerator.generate(patient: patient, seed: seed, parameters: parameters)
            try writeCase(generated, root: root)
            cases.append(generated.info)
            progress(generated.info)
        }
        let manifest = Manifest(generator: PhantomGenerator.version, harnessVersion: harnessVersion, seed: seed, volumes: volumes,
                                imageDatatype: "int16", labelDatatype: "uint8",
                                labels: ["0 background", "1 RV cavity", "2 LV myocardium", "3 LV cavity"],
                                parameters: parameters, cases: cases)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeAtomically(try encoder.encode(manifest), to: "\(root)/phantom.json")
        return manifest
    }

    /// Writes one case's directory.
    public static func writeCase(_ c: PhantomCase, root: String) throws {
        let id = String(format: "patient%03d", c.info.patient)
        let dir = "\(root)/\(id)"
        try createDirectory(dir)
        let frame = String(format: "%02d", c.info.edFrame)
        let note = "phantom \(PhantomGenerator.version) \(c.info.group.rawValue)"
        try NIfTI.write(c.image, to: "\(dir)/\(id)_frame\(frame).nii.gz", as: .int16, description: note)
        try NIfTI.write(c.label, to: "\(dir)/\(id)_frame\(frame)_gt.nii.gz", as: .uint8, description: note)
        try writeAtomically(Data(infoCfg(c.info).utf8), to: "\(dir)/Info.cfg")
    }

    /// ACDC's Info.cfg lines, in ACDC's order.
    public static func infoCfg(_ info: PhantomCaseInfo) -> String {
        """
        ED: \(info.edFrame)
        ES: \(info.esFrame)
        Group: \(info.group.rawValue)
        Height: \(String(format: "%.1f", info.heightCM))
        NbFrame: \(info.frameCount)
        Weight: \(String(format: "%.1f", info.weightKG))
        """ + "\n"
    }

    static func createDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw DatasetError(path, "cannot create the directory: \(error.localizedDescription)")
        }
    }

    static func writeAtomically(_ data: Data, to path: String) throws {
        do { try AtomicFile.write(data, to: path) } catch {
            throw DatasetError(path, "cannot write the file: \(error)")
        }
    }
}
