@testable import Datasets
import Foundation
import Testing

@Suite("Phantom dataset files")
struct PhantomDatasetWriterTests {
    @Test func writesAnACDCLayoutTheLoaderReads() throws {
        let root = PhantomTestSupport.temporaryDirectory("phantom-writer")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var p = PhantomTestSupport.tiny
        p.nonFirstEDShare = 0.5        // period 2: patients 1 and 3 get an ED frame other than 01
        let manifest = try PhantomDatasetWriter.write(root: root, volumes: 3, seed: 4, parameters: p, harnessVersion: "test")
        let dataset = try Dataset(kind: .acdc, root: root)
        #expect(try dataset.availableIDs() == ["001", "002", "003"])
        for (k, id) in ["001", "002", "003"].enumerated() {
            let loaded = try dataset.load(id)
            let info = try InfoCfg.read("\(root)/patient\(id)/Info.cfg")
            let c = manifest.cases[k]
            #expect(info.endDiastolicFrame == c.edFrame)
            #expect(info.group == c.group.rawValue)
            #expect(Set(info.fields.keys) == ["ED", "ES", "Group", "Height", "NbFrame", "Weight"])
            #expect(Double(info.fields["Height"]!) != nil && Int(info.fields["NbFrame"]!) != nil)
            #expect(loaded.image.shape == c.shape)
            let header = try NIfTI.readHeader("\(root)/patient\(id)/patient\(id)_frame\(String(format: "%02d", c.edFrame)).nii.gz")
            #expect(header.datatype == .int16)
            // The written voxels are the generated ones.
            let again = try PhantomGenerator.generate(patient: k + 1, seed: 4, parameters: p)
            #expect(loaded.image.voxels == again.image.voxels)
            #expect(loaded.label.voxels == again.label.voxels)
        }
        #expect(manifest.cases.map(\.edFrame)[0] != 1 && manifest.cases[1].edFrame == 1 && manifest.cases[2].edFrame != 1)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/patient001/patient001_frame01.nii.gz"))
        let decoded = try JSONDecoder().decode(PhantomDatasetWriter.Manifest.self,
                                               from: Data(contentsOf: URL(fileURLWithPath: "\(root)/phantom.json")))
        #expect(decoded == manifest)
        #expect(decoded.seed == 4 && decoded.parameters == p && decoded.generator == PhantomGenerator.version)
    }

    @Test func infoCfgHasACDCsLinesInOrder() {
        var info = PhantomCaseInfo(patient: 90, group: .nor, edFrame: 4, esFrame: 11, frameCount: 20, heightCM: 170.25, weightKG: 70,
                                   shape: [1, 1, 1], spacingMM: [1, 1, 1], sliceThicknessMM: 5, firstSliceZMM: 0,
                                   targetLVEDVML: 1, targetRVEDVML: 1, targetMaxWallMM: 1, targetLVMassG: 1, cavityLengthMM: 1, snr: 1,
                                   noiseSD: 1, gain: 1, bloodMyocardiumRatio: 1, rotationDegrees: 0, flipped: false, bandingDepth: 0,
                                   rendered: LabelVolumes(rv: 1, myo: 1, lv: 1))
        #expect(PhantomDatasetWriter.infoCfg(info) == "ED: 4\nES: 11\nGroup: NOR\nHeight: 170.2\nNbFrame: 20\nWeight: 70.0\n")
        info.group = .arv
        #expect(PhantomDatasetWriter.infoCfg(info).contains("Group: RV\n"))
    }

    @Test func previewsAreWrittenForEveryCase() throws {
        let root = PhantomTestSupport.temporaryDirectory("phantom-preview")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PhantomDatasetWriter.write(root: root, volumes: 2, seed: 4, parameters: PhantomTestSupport.tiny, harnessVersion: "test")
        let files = try PhantomPreview.write(datasetRoot: root, to: "\(root)/png")
        #expect(files.count == 2)
        let c = try Dataset(kind: .acdc, root: root).load("001")
        let png = try PNGFile.read(files[0], as: .rgb)
        // Three panels of 2× the slice ([X rows, Y columns]) with 4-pixel gaps; two rows.
        #expect(png.width == 3 * 2 * c.image.shape[1] + 8)
        #expect(png.height == 2 * 2 * c.image.shape[0] + 4)
    }
}
