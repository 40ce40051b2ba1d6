import Datasets
import Foundation
import Imaging
import RunStore
import Testing
@testable import Planning
@testable import Running

/// Issue 15 item 2: a split file declares its dataset's classes, and the network, losses, metrics,
/// model selection and export follow them. The dataset is the tiny phantom in ACDC layout with every
/// foreground voxel relabelled 4 ("brain"): two classes, label values 0 and 4.
@Suite("Declared classes", .serialized)
struct DeclaredClassesTests {
    static let declaration = "ids = [\"001\", \"002\", \"003\", \"004\", \"005\", \"006\"]\n"

    func brainCase(_ name: String, classes: String) throws -> CaseDirectory {
        let c = try AuditFixture.makeCase(name)
        for id in ["001", "002", "003", "004", "005", "006"] {
            try c.rewrite(try c.label(id), as: .uint8) { v in v.voxels = v.voxels.map { $0 > 0 ? 4 : 0 } }
        }
        try c.editSplit(Self.declaration, Self.declaration + classes)
        var config = TinyConfig()
        config.methods = ["baseline"]
        try c.writeExperiment(config)
        return c
    }

    @Test("two declared classes: a 2-output network, metrics of 'brain' only, export writes label 4")
    func twoClasses() throws {
        let c = try brainCase("classes-brain", classes: "class_names = [\"background\", \"brain\"]\nclass_labels = [0, 4]\n")
        let outcomes = try c.runner().run()
        #expect(outcomes.count == 1 && outcomes.allSatisfy { !$0.skipped })
        let file = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let record = try RunFileReader.read(file)
        #expect(record.metrics?.classNames == ["brain"])
        #expect(record.metrics?.dice.count == 2)   // 2 test volumes × 1 class
        // One output channel per declared class (the layout's default would give 4).
        // seg_fin_layer/W is [K, C_in, 3, 3].
        #expect(record.finalWeights.first { $0.name == "seg_fin_layer/W" }?.shape.first == 2)
        let exported = try PredictionExport.write(runFile: file, to: "\(c.path)/export")
        for path in exported {
            let values = Set(try NIfTI.read(path).volume.voxels)
            #expect(values.isSubset(of: [0, 4]) && values.contains(4), "\(path): \(values.sorted())")
        }

        // The report of a 2-class dataset renders, with the declared class and none of the layout's.
        let out = "\(c.path)/report"
        let r = try CSegProcess.run(["report", c.experimentPath, "--out", out], in: c.path)
        #expect(r.status == 0, "\(r.stderr)")
        let readme = try String(contentsOfFile: "\(out)/README.md", encoding: .utf8)
        #expect(readme.contains("brain"))
        for layoutClass in ["| RV", "| Myo", "| LV", "dice_RV"] { #expect(!readme.contains(layoutClass), "\(layoutClass) in a 2-class report") }
        let csv = try String(contentsOfFile: "\(out)/per-volume.csv", encoding: .utf8)
        #expect(csv.split(separator: "\n").first?.contains("dice_brain") == true && !csv.contains("dice_RV"))

        // `cseg preprocess --experiment` reads the labels with the split's classes too (label 4 is valid here).
        let pre = try CSegProcess.run(["preprocess", "--experiment", "experiment.toml", "--out", "pre", "--ids", "005"], in: c.path)
        #expect(pre.status == 0, "\(pre.stderr)")
    }

    @Test("classes declared in the experiment's [data] instead of the split: the same 2-output run; both files disagreeing is an error")
    func declaredInExperiment() throws {
        let c = try brainCase("classes-in-experiment", classes: "")
        let experiment = try String(contentsOfFile: c.experimentPath, encoding: .utf8)
        let declared = experiment.replacingOccurrences(of: "split = \"split.toml\"\n",
                                                       with: "split = \"split.toml\"\nclass_names = [\"background\", \"brain\"]\nclass_labels = [0, 4]\n")
        #expect(declared != experiment)
        try declared.write(toFile: c.experimentPath, atomically: true, encoding: .utf8)
        #expect(try c.runner().run().count == 1)
        let record = try RunFileReader.read("\(c.output)/runs/baseline_tr1_c1_s7.h5")
        #expect(record.metrics?.classNames == ["brain"])
        #expect(record.finalWeights.first { $0.name == "seg_fin_layer/W" }?.shape.first == 2)

        // The split now declares other labels: which declaration a run follows would be a guess.
        try c.editSplit(Self.declaration, Self.declaration + "class_names = [\"background\", \"brain\"]\nclass_labels = [0, 5]\n")
        let e = try ExperimentParser.read(c.experimentPath)
        let error = #expect(throws: ConfigFileError.self) { _ = try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable) }
        #expect(error?.description == "\(c.experimentPath): data.class_names: declares 0 background, 4 brain but \(c.splitPath) declares 0 background, 5 brain; declare the classes in one file")
    }

    @Test("a declared class that no training label contains is an error naming the split file and the class")
    func classAbsentFromTraining() throws {
        let c = try brainCase("classes-absent", classes: "class_names = [\"background\", \"brain\", \"tumour\"]\nclass_labels = [0, 4, 5]\n")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath,
                      says: "dataset.class_names[2]: class \"tumour\" (label 5) occurs in no training label of baseline_tr1_c1_s7 (002)")
    }

    @Test("a label value that is not declared is an error naming the label file and the voxel")
    func undeclaredLabel() throws {
        let c = try AuditFixture.makeCase("classes-undeclared")
        try c.editSplit(Self.declaration, Self.declaration + "class_names = [\"background\", \"brain\"]\nclass_labels = [0, 4]\n")
        let message = try c.runExpectingFailure()
        #expect(message?.contains("is not a declared class label (0 background, 4 brain)") == true, "\(message ?? "")")
        #expect(message?.contains("_gt.nii.gz: label ") == true, "\(message ?? "")")
    }

    @Test("class declarations: names without labels count from 0; bad declarations name the key")
    func parsing() throws {
        let base = "format = 1\n[dataset]\nname = \"d\"\nlayout = \"acdc\"\nid_digits = 3\nids = [\"001\", \"002\"]\n"
        let tail = "[test]\nids = [\"002\"]\n[labelled.tr1.c1]\nids = [\"001\"]\nvalidation = [\"002\"]\n"
        let ok = try SplitFileParser.parse(base + "class_names = [\"background\", \"brain\"]\n" + tail, path: "s.toml")
        #expect(ok.dataset.classes == ClassSet(names: ["background", "brain"], labels: [0, 1]))
        #expect(try SplitFileParser.parse(base + tail, path: "s.toml").dataset.classes == .layoutDefault(.acdc))
        let cases: [(String, String)] = [
            ("class_names = [\"background\"]\n", "s.toml: dataset.class_names: needs background and at least one class, found 1"),
            ("class_names = [\"bg\", \"a\", \"a\"]\n", "s.toml: dataset.class_names: \"a\" is named twice"),
            ("class_names = [\"bg\", \"a\"]\nclass_labels = [0]\n", "s.toml: dataset.class_labels: has 1 values for the 2 class_names"),
            ("class_names = [\"bg\", \"a\"]\nclass_labels = [0, 0]\n", "s.toml: dataset.class_labels: label 0 is given twice"),
            ("class_names = [\"bg\", \"a\"]\nclass_labels = [0, -1]\n", "s.toml: dataset.class_labels[1]: -1 is not a label value (0 … 65535)"),
            ("class_labels = [0, 1]\n", "s.toml: dataset.class_labels: needs class_names beside it (one name per label, background first)"),
        ]
        for (declaration, expected) in cases {
            let error = #expect(throws: SplitFileError.self) { try SplitFileParser.parse(base + declaration + tail, path: "s.toml") }
            #expect(error?.description == expected)
        }
    }
}
