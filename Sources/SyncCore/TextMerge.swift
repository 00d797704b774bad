/// Three-way merge of free text (memo text) against the version both edits started from.
///
/// The texts are cut into words, runs of spaces and single punctuation marks; each side is
/// matched to the base by longest common subsequence; between the stretches of base that
/// both sides kept, a stretch changed on one side only takes that side's version, and a
/// stretch changed differently on both sides is a conflict: both versions are kept, the one
/// given as `first` before `second`, joined by `separator`. Nothing either side typed is
/// dropped, and the result is never truncated (a merge may exceed a field's limit; the
/// caller flags it).
///
/// ```swift
/// TextMerge.merge(base: "Call Monday about the package",
///                 first: "Call Tuesday about the package",
///                 second: "Call Monday about the new package")
/// // → "Call Tuesday about the new package", no conflict
/// ```
public enum TextMerge {
    /// The outcome of a merge.
    public struct Result: Equatable, Sendable {
        /// The merged text.
        public let text: String
        /// Whether some stretch was changed differently on both sides (both kept).
        public let conflicted: Bool

        /// Creates a result.
        public init(text: String, conflicted: Bool) {
            self.text = text
            self.conflicted = conflicted
        }
    }

    /// Merges `first` and `second`, both edited from `base`.
    /// - Parameter separator: placed between the two versions of a conflicting stretch.
    public static func merge(base: String, first: String, second: String, separator: String = " / ") -> Result {
        if first == second { return Result(text: first, conflicted: false) }
        if first == base { return Result(text: second, conflicted: false) }
        if second == base { return Result(text: first, conflicted: false) }
        let original = tokens(base), ours = tokens(first), theirs = tokens(second)
        let toOurs = match(original, ours), toTheirs = match(original, theirs)
        var text = ""
        var conflicted = false
        var (i, a, b) = (0, 0, 0)

        func settle(_ baseEnd: Int, _ oursEnd: Int, _ theirsEnd: Int) {
            let stretch = original[i..<baseEnd], mine = ours[a..<oursEnd], yours = theirs[b..<theirsEnd]
            if mine.elementsEqual(stretch) {
                text += yours.joined()
            } else if yours.elementsEqual(stretch) || mine.elementsEqual(yours) {
                text += mine.joined()
            } else {
                conflicted = true
                text += mine.joined() + separator + yours.joined()
            }
        }

        for k in original.indices {
            // A stable token: kept by both sides, after everything already merged.
            guard let x = toOurs[k], let y = toTheirs[k], k >= i, x >= a, y >= b else { continue }
            settle(k, x, y)
            text += original[k]
            (i, a, b) = (k + 1, x + 1, y + 1)
        }
        settle(original.count, ours.count, theirs.count)
        return Result(text: text, conflicted: conflicted)
    }

    /// Words (letters and digits of any script), runs of whitespace, and single other
    /// characters, in order; joined they give the text back.
    static func tokens(_ text: String) -> [String] {
        enum Kind { case word, space, other }
        func kind(_ character: Character) -> Kind {
            if character.isLetter || character.isNumber { return .word }
            if character.isWhitespace { return .space }
            return .other
        }
        var result: [String] = []
        var current = ""
        var currentKind: Kind?
        for character in text {
            let next = kind(character)
            if next == currentKind && next != .other {
                current.append(character)
            } else {
                if !current.isEmpty { result.append(current) }
                current = String(character)
                currentKind = next
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// For each token of `base`, the index of the token of `other` it is matched to by a
    /// longest common subsequence, or `nil`.
    static func match(_ base: [String], _ other: [String]) -> [Int?] {
        let n = base.count, m = other.count
        var lengths = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lengths[i][j] = base[i] == other[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var result = [Int?](repeating: nil, count: n)
        var (i, j) = (0, 0)
        while i < n && j < m {
            if base[i] == other[j] {
                result[i] = j
                i += 1
                j += 1
            } else if lengths[i + 1][j] >= lengths[i][j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }
}
