import Datasets
import Engine
import Networks
import Planning
import RunStore
import Training

/// The fixed probe set every run stores (docs/run-file.md, `/activations`): the g1 embedding of every
/// test slice and one decoder block's features for the middle slice of the first few test volumes. The
/// probes are the same for every run of an experiment, so reports can set runs side by side.
enum ProbeActivations {
    /// Volumes whose middle slice gets decoder features: a fixed, small choice (features are `[C, H, W]`
    /// per slice, the bulkiest probe).
    static let decoderProbeVolumes = 4

    /// Sets `probe`'s encoder to the values of the same-named variables in `variables` (a U-Net's, or
    /// another encoder's), so a run without a trained g1 embeds through its own encoder.
    static func loadEncoder(_ probe: GlobalContrastiveNet, from variables: [Tensor]) {
        let values = Dictionary(uniqueKeysWithValues: variables.map { ($0.name!, $0.data) })
        for v in probe.encoder.units.flatMap(\.variables) { v.data = values[v.name!]! }
    }

    /// - Parameters:
    ///   - embed: `[n, 1, S, S]` → `[n, D]`, run without a tape in inference mode by the caller's closure.
    ///   - decoderBlock: l (1-based, spec §2.5), or 0 when the network has no decoder (stage 1): then no
    ///     features are stored (`[0, 0, 0, 0]`).
    ///   - decoderFeatures: `[1, 1, S, S]` → `[1, C, h, w]`.
    static func record(cases: [PreparedCase], partitions parts: Int, embed: (Tensor) -> Tensor,
                       decoderBlock: Int, decoderFeatures: ((Tensor) -> Tensor)?) -> RunActivations {
        guard let first = cases.first else {
            return RunActivations(embeddings: [], embeddingSize: 0, embeddingVolumeIDs: [], embeddingSliceIndices: [],
                                  embeddingPartitions: [], decoderBlock: Int64(decoderBlock), decoderFeatures: [],
                                  decoderShape: [0, 0, 0, 0], decoderVolumeIDs: [], decoderSliceIndices: [])
        }
        let n = first.slices.geometry.size, plane = n * n
        var embeddings = [Float](), ids = [String](), slices = [Int64](), partitions = [Int64]()
        var embeddingSize = 0
        for pc in cases {
            let z = pc.slices.geometry.sliceCount
            let chunks = (try? Partitions(sliceCount: z, parts: parts, volumeID: pc.id).chunks) ?? []
            var start = 0
            while start < z {
                let count = min(VolumePredictor.chunk, z - start)
                let x = Tensor(shape: [count, 1, n, n], data: Array(pc.slices.images[(start * plane)..<((start + count) * plane)]))
                let e = GradMode.disabled { embed(x) }
                embeddingSize = e.shape[1]
                embeddings += e.data
                start += count
            }
            for k in 0..<z {
                ids.append(pc.id)
                slices.append(Int64(k))
                partitions.append(Int64(chunks.firstIndex { $0.contains(k) } ?? -1))
            }
        }
        var features = [Float](), featureIDs = [String](), featureSlices = [Int64](), featureShape = [0, 0, 0, 0]
        if let decoderFeatures, decoderBlock > 0 {
            for pc in cases.prefix(decoderProbeVolumes) {
                let k = pc.slices.geometry.sliceCount / 2
                let x = Tensor(shape: [1, 1, n, n], data: Array(pc.slices.images[(k * plane)..<((k + 1) * plane)]))
                let map = GradMode.disabled { decoderFeatures(x) }
                features += map.data
                featureShape = [featureIDs.count + 1] + Array(map.shape.dropFirst())
                featureIDs.append(pc.id)
                featureSlices.append(Int64(k))
            }
        }
        return RunActivations(embeddings: embeddings, embeddingSize: embeddingSize, embeddingVolumeIDs: ids,
                              embeddingSliceIndices: slices, embeddingPartitions: partitions, decoderBlock: Int64(decoderBlock),
                              decoderFeatures: features, decoderShape: featureShape, decoderVolumeIDs: featureIDs,
                              decoderSliceIndices: featureSlices)
    }
}
