import Datasets

/// Errors of experiment files: the same shape as split-file errors ("<path>: <key path>: <problem>;
/// did you mean …?").
public typealias ExperimentError = ConfigFileError
