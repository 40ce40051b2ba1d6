import Datasets

extension Experiment {
    /// The classes this experiment's runs segment: those the split file declares for its dataset, else
    /// the layout's (spec §1.2). One value feeds the network's output count, the label remapping, the
    /// metrics' class names and the export's label values.
    public func classes(_ split: SplitFile) -> ClassSet {
        split.dataset.declaredClasses ?? .layoutDefault(data.layout)
    }
}
