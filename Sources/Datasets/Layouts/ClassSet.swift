/// The classes a dataset is segmented into: a name and the label value the label files use for each,
/// in class order (index 0 is background). The network has one output per class, losses and metrics
/// run over them, reports name them, export writes their label values back.
///
/// Declared in a split file (`[dataset] class_names`, `class_labels`) for a dataset of one's own; a
/// layout's constants (method-spec §1.2) are the default, so ACDC stays background/RV/Myo/LV on
/// 0…3 and MMWHS keeps its raw values 205 … 850 (issue 15 item 2: a 2-class brain dataset in ACDC
/// layout was scored as "RV", with two empty classes in the model-selection mean).
public struct ClassSet: Sendable, Hashable, Codable {
    public var names: [String]
    /// The value each class has in the label files; `labels[0]` is background's.
    public var labels: [Int]

    /// `names.count == labels.count ≥ 2`, unique names and labels (the parser checks and names the file).
    public init(names: [String], labels: [Int]) {
        precondition(names.count == labels.count && names.count >= 2, "a class set needs matching names and labels, at least 2")
        self.names = names
        self.labels = labels
    }

    public var count: Int { names.count }

    /// Label values are the class indices 0…K−1: label maps need no remapping.
    public var isIdentity: Bool { labels == Array(0..<count) }

    /// A layout's classes (spec §1.2).
    public static func layoutDefault(_ kind: DatasetLayoutKind) -> ClassSet {
        let names = kind.constants.classNames
        switch kind {
        case .acdc, .prostate: return ClassSet(names: names, labels: Array(0..<names.count))
        case .mmwhs: return ClassSet(names: names, labels: [0] + MMWHSLayout.rawLabels.map { Int($0) })
        }
    }

    /// Label-file values → class indices; a value that is not a declared label is an error naming the
    /// file, the voxel and the declared labels.
    public func remap(_ voxels: [Float], shape: [Int], path: String) throws -> [Float] {
        var index: [Float: Float] = [:]
        for (k, v) in labels.enumerated() { index[Float(v)] = Float(k) }
        var out = voxels
        for i in out.indices {
            guard let k = index[out[i]] else {
                let (x, y, z) = CaseChecks.coordinates(i, shape)
                throw DatasetError(path, "label \(out[i]) at voxel (\(x), \(y), \(z)) is not a declared class label ("
                                   + zip(labels, names).map { "\($0) \($1)" }.joined(separator: ", ") + ")")
            }
            out[i] = k
        }
        return out
    }
}
