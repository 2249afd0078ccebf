import Synchronization

/// The outcome of every write of a run, two bits per sequence number instead of the rows
/// themselves: acknowledged, unknown (a timeout or lost connection: it may or may not have been
/// applied), or neither (it failed in a way that applied nothing). Rows and values follow from
/// sequence numbers (`RowSelector`, `ValueGenerator`), so this is all `--verify` needs to know
/// what each row must hold.
public final class VerifyLedger: Sendable {
    private struct Bits {
        var acknowledged: [UInt64] = []
        var unknown: [UInt64] = []

        mutating func set(_ sequence: UInt64, in keyPath: WritableKeyPath<Bits, [UInt64]>) {
            let word = Int(sequence / 64)
            if word >= self[keyPath: keyPath].count {
                // Grow geometrically: a duration-bound run does not know its length in advance.
                let count = max(word + 1, self[keyPath: keyPath].count * 2)
                self[keyPath: keyPath] += [UInt64](repeating: 0, count: count - self[keyPath: keyPath].count)
            }
            self[keyPath: keyPath][word] |= 1 << (sequence % 64)
        }

        func isSet(_ sequence: UInt64, in bits: [UInt64]) -> Bool {
            let word = Int(sequence / 64)
            return word < bits.count && bits[word] & (1 << (sequence % 64)) != 0
        }
    }

    private let bits = Mutex(Bits())

    public init() {}

    public func recordAcknowledged(_ sequence: UInt64) {
        bits.withLock { $0.set(sequence, in: \.acknowledged) }
    }

    public func recordUnknown(_ sequence: UInt64) {
        bits.withLock { $0.set(sequence, in: \.unknown) }
    }

    /// The writes that may have left their mark on one row: the sequence numbers `first`,
    /// `first + stride`, ... below `issued` (a row is written once per lap over the population).
    /// Returns the last acknowledged one and the unknown ones after it; earlier writes were
    /// overwritten by it (their timestamps are lower).
    public func history(first: UInt64, stride: UInt64, issued: UInt64) -> (acknowledged: UInt64?, unknownAfter: [UInt64]) {
        bits.withLock { bits in
            var acknowledged: UInt64?
            var unknown: [UInt64] = []
            var sequence = first
            while sequence < issued {
                if bits.isSet(sequence, in: bits.acknowledged) {
                    acknowledged = sequence
                    unknown.removeAll()
                } else if bits.isSet(sequence, in: bits.unknown) {
                    unknown.append(sequence)
                }
                sequence += stride
            }
            return (acknowledged, unknown)
        }
    }

    /// What reading a row back says about the writes that targeted it.
    public enum Verdict: Hashable, Sendable {
        /// It holds the last acknowledged write (or an unknown-outcome one after it).
        case verified
        /// An acknowledged write is not there: data was lost.
        case missing
        /// It holds a value no write that could be there wrote: corruption or a lost overwrite.
        case unexpected
        /// Only unknown-outcome writes targeted it, and one of them landed.
        case unknownPresent
        /// Only unknown-outcome writes targeted it, and none landed.
        case unknownAbsent
        /// No write of this run was acknowledged or left in doubt: nothing to check.
        case untouched
    }

    /// Judges `observed` (nil: no row) against a row's history; `value(s)` is what write `s` stored.
    public static func verdict(
        observed: [UInt8]?, acknowledged: UInt64?, unknownAfter: [UInt64], value: (UInt64) -> [UInt8]
    ) -> Verdict {
        guard acknowledged != nil || !unknownAfter.isEmpty else { return .untouched }
        guard let observed else { return acknowledged == nil ? .unknownAbsent : .missing }
        if let acknowledged, observed == value(acknowledged) { return .verified }
        if unknownAfter.contains(where: { observed == value($0) }) {
            return acknowledged == nil ? .unknownPresent : .verified
        }
        return .unexpected
    }
}
