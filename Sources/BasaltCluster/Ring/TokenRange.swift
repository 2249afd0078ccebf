/// A range of Murmur3 tokens `(start, end]`: start exclusive, end inclusive, as Cassandra's `Range`.
///
/// A node's ring token ends the range it owns, which begins just after the previous ring token. A
/// range may wrap past `Int64.max` (`start >= end`), and `start == end` is the whole ring (a ring with
/// a single token). `Int64.min` is the partitioner's minimum token: no partition key hashes to it
/// (`Murmur3.token` maps it to `Int64.max`), so the non-wrapping pieces below, which are all inside
/// `(Int64.min, Int64.max]`, never miss a key.
public struct TokenRange: Hashable, Sendable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Every token: `(min, min]`.
    public static let fullRing = TokenRange(start: .min, end: .min)

    public var isFullRing: Bool { start == end }

    /// True when the range passes `Int64.max` (including the full ring).
    public var isWrapping: Bool { start >= end }

    public func contains(_ token: Int64) -> Bool {
        if isFullRing { return true }
        if start < end { return start < token && token <= end }
        return token > start || token <= end
    }

    /// The same tokens (except the key-less `Int64.min`) as non-wrapping ranges in ascending order,
    /// which is what a range scan walks: `(start, max]` and `(min, end]` for a wrapping range.
    public func unwrapped() -> [TokenRange] {
        if isFullRing { return [TokenRange(start: .min, end: .max)] }
        if start < end { return [self] }
        var pieces: [TokenRange] = []
        if end > .min { pieces.append(TokenRange(start: .min, end: end)) }
        if start < .max { pieces.append(TokenRange(start: start, end: .max)) }
        return pieces
    }

    /// The share of the token space (2^64 tokens) the range covers; the full ring is 1.
    public var fractionOfRing: Double {
        if isFullRing { return 1 }
        return Double(UInt64(bitPattern: end &- start)) / 18_446_744_073_709_551_616.0
    }

    public var description: String { isFullRing ? "(full ring)" : "(\(start), \(end)]" }
}
