import Determinism
import Engine

/// The original's "conv unit": conv (TF 'SAME', stride 1) → optional batch norm → optional ReLU.
///
/// Variables are named `<name>/W` `[C_out, C_in, k, k]`, `<name>/b` `[C_out]`, `<name>/bn/gamma`,
/// `<name>/bn/beta`, `<name>/bn/moving_mean`, `<name>/bn/moving_variance` (each `[C_out]`).
public final class ConvUnit {
    public let name: String
    public let weight: Tensor
    public let bias: Tensor?
    public let gamma: Tensor?
    public let beta: Tensor?
    public let statistics: BatchNormStatistics?
    public let relu: Bool

    public init(name: String, inChannels: Int, outChannels: Int, kernel: Int, bias hasBias: Bool = true,
                batchNorm: Bool = true, relu: Bool = true, seed: UInt64) {
        self.name = name
        var stream = RandomStream(seed: seed, purpose: "init/\(name)/W")
        weight = Tensor(shape: [outChannels, inChannels, kernel, kernel],
                        data: Initializer.heNormal([outChannels, inChannels, kernel, kernel],
                                                   fanIn: inChannels * kernel * kernel, stream: &stream),
                        requiresGrad: true, name: "\(name)/W")
        bias = hasBias ? Tensor.zeros([outChannels], requiresGrad: true, name: "\(name)/b") : nil
        if batchNorm {
            gamma = Tensor(shape: [outChannels], data: [Float](repeating: 1, count: outChannels),
                           requiresGrad: true, name: "\(name)/bn/gamma")
            beta = Tensor.zeros([outChannels], requiresGrad: true, name: "\(name)/bn/beta")
            statistics = BatchNormStatistics(channels: outChannels, name: "\(name)/bn")
        } else {
            gamma = nil
            beta = nil
            statistics = nil
        }
        self.relu = relu
    }

    public var outChannels: Int { weight.shape[0] }

    /// Trainable variables, in a fixed order.
    public var parameters: [Tensor] { [weight, bias, gamma, beta].compactMap { $0 } }
    /// Everything a weight file stores: parameters and the moving averages.
    public var variables: [Tensor] {
        parameters + [statistics?.movingMean, statistics?.movingVariance].compactMap { $0 }
    }

    /// `[N, C_in, H, W]` → `[N, C_out, H, W]`.
    public func callAsFunction(_ x: Tensor, mode: BatchNormMode) -> Tensor {
        let y = conv2d(x, weight: weight, bias: bias)
        if let gamma, let beta, let statistics {
            return batchNorm(y, gamma: gamma, beta: beta, statistics: statistics, mode: mode, relu: relu)
        }
        return relu ? Engine.relu(y) : y
    }
}
