/// Why a volume cannot be preprocessed. `source` names the file (or whatever the caller called the
/// volume), so that a message read in a log points at the input to look at.
public enum PreprocessingError: Error, CustomStringConvertible, Equatable {
    /// p99 == p1: percentile normalisation would divide by zero (an empty or constant volume).
    case constantIntensity(source: String, value: Float)
    case nonFiniteIntensity(source: String)
    case shapeMismatch(source: String, image: [Int], label: [Int])
    case invalidSpacing(source: String, spacing: [Double])
    case probabilityShape(source: String, problem: String)
    case cache(path: String, problem: String)

    public var description: String {
        switch self {
        case .constantIntensity(let s, let v):
            return "\(s): the 1st and 99th intensity percentiles are equal (\(v)), so percentile normalisation "
                + "(x − p1)/(p99 − p1) is undefined; is the volume empty or constant?"
        case .nonFiniteIntensity(let s):
            return "\(s): the volume contains NaN or infinite intensities; percentiles are undefined"
        case .shapeMismatch(let s, let i, let l):
            return "\(s): label shape \(l) differs from image shape \(i)"
        case .invalidSpacing(let s, let sp):
            return "\(s): voxel spacing \(sp) is not positive and finite in-plane, cannot compute the rescale factor"
        case .cache(let path, let p):
            return "\(path): \(p)"
        case .probabilityShape(let s, let p):
            return "\(s): \(p)"
        }
    }
}
