#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Client-side write timestamps (µs since the epoch), strictly increasing within one client, as
/// the drivers' monotonic generator: two writes from this client to the same cell are ordered as
/// they were issued, even within one microsecond or across a backwards clock step.
final class TimestampGenerator: Sendable {
    private let last = Atomic<Int64>(0)

    func next() -> Int64 {
        let now = Self.wallClockMicroseconds()
        var previous = last.load(ordering: .relaxed)
        while true {
            let candidate = max(now, previous &+ 1)
            let (exchanged, original) = last.compareExchange(expected: previous, desired: candidate, ordering: .relaxed)
            if exchanged { return candidate }
            previous = original
        }
    }

    static func wallClockMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}
