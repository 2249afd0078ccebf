import BasaltCore
import Foundation

/// Cell paths of non-frozen list elements: 16 bytes that sort in list order as unsigned bytes, like
/// Cassandra's timeuuid paths. The first 8 bytes are a signed microsecond time with its sign bit
/// flipped, the last 8 a sequence number. Both come from the node's clock, not from the statement's
/// timestamp (as in Cassandra, `USING TIMESTAMP` does not move an element in the list):
/// - appends get increasing positions, so a later append (or a later statement of a batch) sorts after;
/// - prepends get positions before every append and decreasing over the process's life, as
///   Cassandra's `Lists.PrecisionTime` gives them: the elements of a prepend sort before those of
///   every earlier prepend (in a batch, `l = [1] + l` then `l = [2] + l` gives `[2, 1, ...]`), and
///   keep their own order (`l = [1, 2] + l` gives `[1, 2, ...]`).
enum ListCellPath {
    private static let clock = Clock()

    /// Paths for `count` appended elements, in list order; `now` is the node's time in microseconds.
    static func append(count: Int, now: Int64) -> [[UInt8]] {
        let (time, first) = clock.append(count: UInt64(count), now: now)
        return (0..<UInt64(count)).map { path(time: time, sequence: first + $0) }
    }

    /// Paths for `count` prepended elements, in list order.
    static func prepend(count: Int, now: Int64) -> [[UInt8]] {
        let (time, first) = clock.prepend(count: UInt64(count), now: now)
        return (0..<UInt64(count)).map { path(time: time, sequence: first + $0) }
    }

    private static func path(time: Int64, sequence: UInt64) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.write(bigEndian: UInt64(bitPattern: time) ^ (1 << 63))
        writer.write(bigEndian: sequence)
        return writer.bytes
    }

    /// The last positions handed out, so that positions stay ordered when the clock stands still or
    /// steps back. Sequences stay below `ceiling` so a block of them never overflows.
    private final class Clock: @unchecked Sendable {
        private static let ceiling = UInt64.max / 2
        private let lock = NSLock()
        private var lastAppend: (time: Int64, next: UInt64) = (.min, 0)
        private var lastPrepend: (time: Int64, first: UInt64) = (.max, ceiling)

        func append(count: UInt64, now: Int64) -> (Int64, UInt64) {
            lock.withLock {
                if now > lastAppend.time || lastAppend.next > Self.ceiling - count {
                    lastAppend = (max(now, lastAppend.time &+ 1), 0)
                }
                defer { lastAppend.next += count }
                return (lastAppend.time, lastAppend.next)
            }
        }

        /// Prepends use negated times: before every append, and later ones sort earlier.
        func prepend(count: UInt64, now: Int64) -> (Int64, UInt64) {
            lock.withLock {
                let time = -now
                if time < lastPrepend.time || lastPrepend.first < count {
                    lastPrepend = (min(time, lastPrepend.time &- 1), Self.ceiling - count)
                } else {
                    lastPrepend.first -= count
                }
                return (lastPrepend.time, lastPrepend.first)
            }
        }
    }
}
