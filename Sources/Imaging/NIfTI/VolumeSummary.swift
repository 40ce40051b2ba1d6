/// What `cseg info` prints about one file: geometry, type, orientation, intensities and, for a label
/// map, its labels with voxel counts.
public struct VolumeSummary: Codable, Sendable, Equatable {
    public struct Transform: Codable, Sendable, Equatable {
        public var code: Int
        public var name: String
        /// Axis letters (nibabel's aff2axcodes convention), empty when the code is 0.
        public var axes: String
        public var affine: [Double]
    }
    public struct LabelCount: Codable, Sendable, Equatable {
        public var value: Int
        public var voxels: Int
    }

    public var path: String
    public var niftiVersion: Int
    public var shape: [Int]
    public var spacing: [Double]
    public var datatype: String
    public var sclSlope: Double
    public var sclInter: Double
    public var qform: Transform
    public var sform: Transform
    public var channel: Int
    public var channels: Int
    public var minimum: Double?
    public var maximum: Double?
    public var nonFiniteVoxels: Int
    /// Present when every value is an integer and there are at most `maxLabels` distinct values.
    public var labels: [LabelCount]?

    public static let maxLabels = 64

    public init(path: String, image: NIfTIImage) {
        let h = image.header
        self.path = path
        niftiVersion = h.version
        shape = h.dims
        spacing = h.pixdim
        datatype = h.datatype.name
        sclSlope = h.sclSlope
        sclInter = h.sclInter
        func transform(_ code: Int, _ a: Affine) -> Transform {
            Transform(code: code, name: Orientation.xformName(code), axes: code > 0 ? Orientation.axisCodes(a) : "",
                      affine: a.m)
        }
        qform = transform(h.qformCode, h.qform)
        sform = transform(h.sformCode, h.sform)
        channel = image.channel
        channels = h.dims.count == 4 ? h.dims[3] : 1
        var lo = Float.infinity, hi = -Float.infinity, bad = 0
        var integral = true
        var counts: [Int: Int] = [:]
        for v in image.volume.voxels {
            guard v.isFinite else { bad += 1; continue }
            lo = min(lo, v); hi = max(hi, v)
            if integral {
                if v.rounded() == v, abs(v) < 1e6 {
                    counts[Int(v), default: 0] += 1
                    if counts.count > Self.maxLabels { integral = false }
                } else {
                    integral = false
                }
            }
        }
        minimum = lo <= hi ? Double(lo) : nil
        maximum = lo <= hi ? Double(hi) : nil
        nonFiniteVoxels = bad
        // Sorted by value, so the listing never depends on dictionary order.
        labels = integral && !counts.isEmpty
            ? counts.keys.sorted().map { LabelCount(value: $0, voxels: counts[$0]!) } : nil
    }

    /// The human-readable block.
    public var text: String {
        func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%.6g", x) }
        var lines = ["\(path)"]
        lines.append("  format:   NIfTI-\(niftiVersion), \(datatype)"
                     + (sclSlope != 0 && (sclSlope != 1 || sclInter != 0) ? ", scaled by \(fmt(sclSlope)) + \(fmt(sclInter))" : ""))
        lines.append("  shape:    \(shape.map(String.init).joined(separator: " × "))"
                     + (channels > 1 ? "  (statistics below: channel \(channel) of \(channels))" : ""))
        lines.append("  spacing:  \(spacing.map { String(format: "%.4g", $0) }.joined(separator: " × "))")
        lines.append("  qform:    \(qform.code) (\(qform.name))" + (qform.axes.isEmpty ? "" : ", axes \(qform.axes)"))
        lines.append("  sform:    \(sform.code) (\(sform.name))" + (sform.axes.isEmpty ? "" : ", axes \(sform.axes)"))
        if let minimum, let maximum {
            lines.append("  range:    \(fmt(minimum)) … \(fmt(maximum))")
        } else {
            lines.append("  range:    no finite voxels")
        }
        if nonFiniteVoxels > 0 { lines.append("  NOT FINITE: \(nonFiniteVoxels) voxels are NaN or infinite") }
        if let labels {
            lines.append("  labels:   " + labels.map { "\($0.value): \($0.voxels)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
