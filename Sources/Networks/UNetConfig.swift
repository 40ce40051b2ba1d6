/// Size of the paper's U-Net. `paper(...)` is the original; `scaled` keeps the architecture and shrinks
/// the channel counts so a small preset trains in seconds on a CPU (tests, demos).
public struct UNetConfig: Sendable, Hashable, Codable {
    /// Height = width of the input slices (192 for ACDC and Prostate, 160 for MMWHS).
    public var inputSize: Int
    public var inputChannels: Int
    public var numClasses: Int
    /// Filters of the six encoder levels (paper: 16, 32, 64, 128, 128, 128).
    public var filters: [Int]
    /// g1 widths (paper: 1024 then 128).
    public var g1Hidden: Int
    public var embeddingSize: Int

    public static let paperFilters = [16, 32, 64, 128, 128, 128]

    public init(inputSize: Int, inputChannels: Int = 1, numClasses: Int, filters: [Int] = UNetConfig.paperFilters,
                g1Hidden: Int = 1024, embeddingSize: Int = 128) {
        precondition(filters.count == 6, "UNetConfig: six encoder levels, got \(filters.count)")
        precondition(inputSize % 32 == 0, "UNetConfig: input size must be divisible by 32 (five poolings), got \(inputSize)")
        self.inputSize = inputSize
        self.inputChannels = inputChannels
        self.numClasses = numClasses
        self.filters = filters
        self.g1Hidden = g1Hidden
        self.embeddingSize = embeddingSize
    }

    public static func paper(inputSize: Int = 192, numClasses: Int = 4) -> UNetConfig {
        UNetConfig(inputSize: inputSize, numClasses: numClasses)
    }

    /// Channel counts multiplied by `multiplier` (at least 1 each); g1 scaled alike.
    public func scaled(by multiplier: Double) -> UNetConfig {
        var c = self
        c.filters = filters.map { max(1, Int((Double($0) * multiplier).rounded())) }
        c.g1Hidden = max(1, Int((Double(g1Hidden) * multiplier).rounded()))
        c.embeddingSize = max(1, Int((Double(embeddingSize) * multiplier).rounded()))
        return c
    }

    /// Side of the encoder output (input / 32).
    public var encoderOutputSize: Int { inputSize / 32 }
    /// Length of the flattened encoder output, g1's input.
    public var encoderOutputLength: Int { filters[5] * encoderOutputSize * encoderOutputSize }
}
