/// An experiment's `[ablation]`: one pre-training setting the paper varies (§4 of the paper, its ablation
/// tables: the number of partitions S, the temperature τ of either loss, the number of pre-trained decoder
/// blocks l, the local region size), taken at each listed value in turn. The grid is planned once per value;
/// runs the setting reaches (its stage, the stages after it, the fine-tuning runs that start from them) get
/// the value in their run key (`global-GD@S=2_tr1_c1_s1`) and their fine-tuning config, and every other run
/// (random init, the benchmark, and G^R under S, which draws slices without partitions) is planned once,
/// shared by all values.
public struct Ablation: Sendable, Equatable {
    public enum Setting: String, Sendable, CaseIterable {
        case partitions = "stage.pretrain-global.partitions"
        case globalTemperature = "stage.pretrain-global.temperature"
        case localTemperature = "stage.pretrain-local.temperature"
        case decoderBlocks = "stage.pretrain-local.decoder_blocks"
        case regionSize = "stage.pretrain-local.region_size"

        /// The stage whose settings it is.
        public var stage: Stage {
            switch self {
            case .partitions, .globalTemperature: .pretrainGlobal
            case .localTemperature, .decoderBlocks, .regionSize: .pretrainLocal
            }
        }

        /// The paper's symbol, as run keys and the report write it.
        public var symbol: String {
            switch self {
            case .partitions: "S"
            case .globalTemperature: "tauG"
            case .localTemperature: "tauL"
            case .decoderBlocks: "l"
            case .regionSize: "region"
            }
        }

        /// What it is, for the report's ablation table.
        public var meaning: String {
            switch self {
            case .partitions: "S, the number of partitions per volume of the global loss (n_parts)"
            case .globalTemperature: "τ of the global contrastive loss"
            case .localTemperature: "τ of the local contrastive loss"
            case .decoderBlocks: "l, the number of decoder blocks pre-trained by the local loss (no_of_decoder_blocks)"
            case .regionSize: "the local region: 1 for 3×3 windows through seg_pred, 0 for single pixels (local_reg_size)"
            }
        }
    }

    /// One value of the setting: its text as the file gives it ("2", "0.5") and the settings it makes.
    public struct Variant: Sendable, Equatable {
        public var value: String
        public var settings: ExperimentSettings
        /// "S=2": the run-key and config label of the runs this value reaches.
        public func label(_ setting: Setting) -> String { "\(setting.symbol)=\(value)" }
    }

    public var setting: Setting
    public var variants: [Variant]
}
