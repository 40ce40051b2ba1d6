import Datasets

extension Experiment {
    /// The classes this experiment's runs segment: those the experiment (`[data] class_names`) or the split
    /// file (`[dataset] class_names`) declares, else the layout's (spec §1.2). One value feeds the network's
    /// output count, the label remapping, the metrics' class names and the export's label values.
    public func classes(_ split: SplitFile) -> ClassSet {
        declaredClasses(split)?.classes ?? .layoutDefault(data.layout)
    }

    /// A declaration and where it is (file and key of `class_names`), nil when neither file declares.
    public func declaredClasses(_ split: SplitFile) -> (classes: ClassSet, file: String, key: String)? {
        if let c = data.declaredClasses { return (c, path, "data.class_names") }
        if let c = split.dataset.declaredClasses { return (c, split.path, "dataset.class_names") }
        return nil
    }

    /// Both files declaring different classes is an error: which one a run followed would be a guess.
    func checkClassDeclarations(_ split: SplitFile) throws {
        guard let mine = data.declaredClasses, let theirs = split.dataset.declaredClasses, mine != theirs else { return }
        throw ExperimentError(path, keyPath: "data.class_names",
                              "declares \(Self.describe(mine)) but \(split.path) declares \(Self.describe(theirs)); declare the classes in one file")
    }

    static func describe(_ c: ClassSet) -> String {
        zip(c.labels, c.names).map { "\($0) \($1)" }.joined(separator: ", ")
    }
}
