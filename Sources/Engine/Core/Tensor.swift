/// A float32 tensor with reverse-mode gradients.
///
/// Shapes follow the paper's tensors: images and feature maps are `[N, C, H, W]` (row-major, W fastest),
/// embeddings are `[N, D]`, scalars are `[]`. A tensor made by an op remembers its inputs and a closure
/// that pushes its gradient into theirs; `backward()` on a scalar runs those closures in reverse
/// topological order. Nothing is recorded when no input requires a gradient or inside `GradMode.disabled`,
/// which is how inference and frozen encoders avoid the cost of a tape.
public final class Tensor {
    public let shape: [Int]
    public var data: [Float]
    /// Accumulated gradient, same layout as `data`; nil until something flows in.
    public internal(set) var grad: [Float]?
    public let requiresGrad: Bool
    /// Stable name of a parameter (`enc_c1_a/W`); nil for intermediates.
    public var name: String?
    /// Keep `grad` of an intermediate after `backward()` (leaves always keep theirs).
    public var retainsGrad = false

    let isLeaf: Bool
    var parents: [Tensor]
    var backwardFn: ((Tensor) -> Void)?

    /// A leaf tensor (input or parameter).
    public init(shape: [Int], data: [Float], requiresGrad: Bool = false, name: String? = nil) {
        precondition(shape.reduce(1, *) == data.count,
                     "Tensor: shape \(shape) holds \(shape.reduce(1, *)) values, data has \(data.count)")
        self.shape = shape
        self.data = data
        self.requiresGrad = requiresGrad
        self.name = name
        self.isLeaf = true
        self.parents = []
        self.backwardFn = nil
    }

    /// The result of an op. The tape entry is kept only if some parent requires a gradient.
    init(shape: [Int], data: [Float], parents: [Tensor], backward: @escaping (Tensor) -> Void) {
        precondition(shape.reduce(1, *) == data.count, "op produced \(data.count) values for shape \(shape)")
        let tracked = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        self.shape = shape
        self.data = data
        self.requiresGrad = tracked
        self.isLeaf = false
        self.parents = tracked ? parents : []
        self.backwardFn = tracked ? backward : nil
    }

    public static func zeros(_ shape: [Int], requiresGrad: Bool = false, name: String? = nil) -> Tensor {
        Tensor(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)),
               requiresGrad: requiresGrad, name: name)
    }

    public static func scalar(_ value: Float) -> Tensor { Tensor(shape: [], data: [value]) }

    public var count: Int { data.count }
    /// The value of a one-element tensor.
    public var item: Float {
        precondition(data.count == 1, "item: tensor of shape \(shape) is not a scalar")
        return data[0]
    }

    /// Adds `g` into this tensor's gradient. Moving the first contribution in avoids a zero fill and a copy.
    func accumulateGrad(_ g: consuming [Float]) {
        precondition(g.count == data.count, "gradient of \(g.count) values for shape \(shape)")
        guard requiresGrad else { return }
        let t0 = Profile.begin()
        defer { Profile.end(.gradientAccumulation, t0) }
        if grad == nil {
            grad = g
        } else {
            g.withUnsafeBufferPointer { src in
                grad!.withUnsafeMutableBufferPointer { dst in
                    Kernels.add(src.baseAddress!, into: dst.baseAddress!, count: src.count)
                }
            }
        }
    }

    public func zeroGrad() { grad = nil }

    /// Reverse-mode sweep from this scalar. Intermediate gradients and tape closures are dropped as soon
    /// as they have been used, so memory falls during the sweep instead of holding every gradient.
    public func backward() {
        precondition(data.count == 1, "backward() needs a scalar loss, got shape \(shape)")
        guard requiresGrad else { return }
        let order = topologicalOrder()
        accumulateGrad([1])
        for node in order.reversed() {
            if let fn = node.backwardFn, node.grad != nil { fn(node) }
            if !node.isLeaf {
                node.backwardFn = nil
                node.parents = []
                if !node.retainsGrad { node.grad = nil }
            }
        }
    }

    /// Parents before children; iterative so that deep graphs cannot overflow the stack.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                let p = node.parents[next]
                if p.requiresGrad && visited.insert(ObjectIdentifier(p)).inserted { stack.append((p, 0)) }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

/// Whether ops record a tape. Task-local, so a `disabled` scope never leaks into other work.
public enum GradMode {
    @TaskLocal public static var isEnabled = true

    /// Runs `body` without recording gradients (inference, frozen feature extractors).
    public static func disabled<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false) { try body() }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor(\(name ?? "-"), shape: \(shape))" }
}

/// Allocates an array of `count` floats without zero-filling it; `body` must write every element.
@inline(__always)
func uninitializedFloats(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buf, n in
        if count > 0 { body(buf.baseAddress!) }
        n = count
    }
}
