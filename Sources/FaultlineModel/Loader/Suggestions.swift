/// "Did you mean …?" for misspelt keys and names.
public enum Suggestions {
    /// The candidate closest to `word` by edit distance, if close enough to be a likely typo
    /// (or the closest at all with `alwaysSuggest`). Ties go to the earlier candidate.
    public static func closest(to word: String, in candidates: some Sequence<String>, alwaysSuggest: Bool = false) -> String? {
        let target = Array(word.lowercased().unicodeScalars)
        var bestName: String?
        var bestDistance = Int.max
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
            if distance < bestDistance { bestName = candidate; bestDistance = distance }
        }
        if alwaysSuggest { return bestName }
        // A one-letter name is one edit from every other: only suggest what keeps most of the word.
        let allowed = Swift.max(1, Swift.min(3, target.count / 3))
        return bestDistance <= allowed && bestDistance < target.count ? bestName : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions
    /// and swaps of adjacent characters ("timoeut") each cost one.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = Array(repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = Swift.min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
