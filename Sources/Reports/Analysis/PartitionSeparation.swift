/// How much of the embeddings' spread lies between partitions: η² = between-group sum of squares /
/// total sum of squares, over all D dimensions of `[N, D]` rows grouped by partition. 1 means each
/// partition collapses to its own point, 0 means the partition means coincide. Rows with partition −1
/// (slices no partition covers) are left out. It is the number behind "G^D groups slices by position",
/// measured in the full embedding space rather than read off a 2-D projection.
public enum PartitionSeparation {
    public static func etaSquared(rows: [Float], dimension d: Int, partitions: [Int64],
                                  context: String = "partition separation") throws -> Double {
        guard d > 0, rows.count == partitions.count * d else {
            throw StatisticsError(context, "\(rows.count) values for \(partitions.count) rows of \(d)")
        }
        let kept = partitions.indices.filter { partitions[$0] >= 0 }
        let groups = Array(Set(kept.map { partitions[$0] })).sorted()
        guard kept.count >= 2, groups.count >= 2 else {
            throw StatisticsError(context, "needs at least two partitions with rows, got \(groups.count)")
        }
        var grand = [Double](repeating: 0, count: d)
        for i in kept { for j in 0..<d { grand[j] += Double(rows[i * d + j]) } }
        grand = grand.map { $0 / Double(kept.count) }
        var total = 0.0, between = 0.0
        for g in groups {
            let members = kept.filter { partitions[$0] == g }
            var mean = [Double](repeating: 0, count: d)
            for i in members { for j in 0..<d { mean[j] += Double(rows[i * d + j]) } }
            mean = mean.map { $0 / Double(members.count) }
            for j in 0..<d { between += Double(members.count) * (mean[j] - grand[j]) * (mean[j] - grand[j]) }
        }
        for i in kept { for j in 0..<d { let e = Double(rows[i * d + j]) - grand[j]; total += e * e } }
        return total > 0 ? between / total : .nan
    }
}
