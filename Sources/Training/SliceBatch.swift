/// A batch of preprocessed 2D slices, as the training steps consume it.
///
/// - images: `[N, 1, H, W]` float32, row-major (the layout of `Engine.Tensor`);
/// - labels: `[N, C, H, W]` one-hot or soft (after elastic deformation or mixup) class maps, or nil
///   for unlabelled batches.
public struct SliceBatch: Sendable, Equatable {
    public var count: Int
    public var height: Int
    public var width: Int
    public var classes: Int
    public var images: [Float]
    public var labels: [Float]?

    public init(count: Int, height: Int, width: Int, classes: Int, images: [Float], labels: [Float]?) {
        precondition(images.count == count * height * width, "SliceBatch: \(images.count) image values for [\(count), 1, \(height), \(width)]")
        if let labels {
            precondition(labels.count == count * classes * height * width,
                         "SliceBatch: \(labels.count) label values for [\(count), \(classes), \(height), \(width)]")
        }
        self.count = count
        self.height = height
        self.width = width
        self.classes = classes
        self.images = images
        self.labels = labels
    }

    /// One-hot `[N, C, H, W]` from class-index maps `[N, H, W]` (values 0..<classes).
    public static func oneHot(_ indices: [Float], count: Int, height: Int, width: Int, classes: Int) -> [Float] {
        let plane = height * width
        var out = [Float](repeating: 0, count: count * classes * plane)
        for n in 0..<count {
            for p in 0..<plane {
                let c = Int(indices[n * plane + p])
                precondition(c >= 0 && c < classes, "SliceBatch.oneHot: class \(c) outside 0..<\(classes)")
                out[(n * classes + c) * plane + p] = 1
            }
        }
        return out
    }
}
