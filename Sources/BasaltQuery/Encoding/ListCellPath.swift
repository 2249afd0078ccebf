import BasaltCore

/// Cell paths of non-frozen list elements: 16 time-ordered bytes, like Cassandra's timeuuid paths, so
/// that elements sort in list order by unsigned bytes. The first 8 bytes are a signed microsecond
/// time with its sign bit flipped; appends use the write time (later appends sort later), prepends
/// use the negated write time (later prepends sort earlier, before every append). The last 8 bytes
/// are a process-wide counter so that elements written in the same microsecond stay distinct and ordered.
enum ListCellPath {
    private static let counter = Counter()

    static func append(time: Int64) -> [UInt8] { path(time: time) }

    static func prepend(time: Int64) -> [UInt8] { path(time: -time) }

    private static func path(time: Int64) -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.write(bigEndian: UInt64(bitPattern: time) ^ (1 << 63))
        writer.write(bigEndian: counter.next())
        return writer.bytes
    }

    private final class Counter: @unchecked Sendable {
        private var value: UInt64 = 0
        private let lock = NSLock()
        func next() -> UInt64 { lock.withLock { value &+= 1; return value } }
    }
}

import Foundation
