extension N4BiasCorrection {
    /// A canonical text of the parameters, for cache keys and run records (an explicit mask enters by
    /// its SHA-256, so a different mask is a different key).
    public var canonicalDescription: String {
        let maskText: String
        switch mask {
        case .none: maskText = "none"
        case .positive: maskText = "positive"
        case .otsu: maskText = "otsu200"
        case .voxels(let m): maskText = "voxels:" + ContentHash.sha256(m.map { $0 ? UInt8(1) : 0 })
        }
        return "N4(iterations=\(maximumIterations.map(String.init).joined(separator: ","));"
            + "threshold=\(convergenceThreshold);controlPoints=\(initialControlPoints.map(String.init).joined(separator: ","));"
            + "sharpening=\(sharpening.bins),\(sharpening.fullWidthAtHalfMaximum),\(sharpening.wienerNoise);mask=\(maskText);"
            // ITK's float convergence measure changes where levels stop: a new key, never a stale entry
            // from before.
            + "convergence=itk-float)"
    }
}
