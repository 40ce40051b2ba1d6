/// Levenshtein distance, for "did you mean" suggestions on misspelt keys.
public enum EditDistance {
    /// Insertions, deletions and substitutions (each cost 1) turning `a` into `b`, over characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The candidate closest to `word` (the first in `candidates` order on ties), or nil when even the
    /// closest differs in more than half of its characters (then a suggestion would mislead).
    public static func nearest(to word: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word.lowercased(), c.lowercased())
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (candidate, d) = best, d <= max(1, max(word.count, candidate.count) / 2) else { return nil }
        return candidate
    }
}
