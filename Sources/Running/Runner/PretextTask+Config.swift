import Planning
import Training

extension PretextPretrainingConfig {
    /// The task the batches are built for.
    var pretextTask: PretextTask {
        get throws {
            switch task {
            case Method.Pretraining.rotation.rawValue: return .rotation
            case Method.Pretraining.inpainting.rawValue:
                guard let inpainting else { throw ConfigShapeError("inpainting without its box") }
                return .inpainting(inpainting)
            case Method.Pretraining.contextRestoration.rawValue:
                guard let contextRestoration else { throw ConfigShapeError("context restoration without its patches") }
                return .contextRestoration(contextRestoration)
            default: throw ConfigShapeError("unknown pretext task \(task)")
            }
        }
    }
}
