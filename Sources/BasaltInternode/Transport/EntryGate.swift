import Synchronization

/// Lets callers on any thread hand work to an event loop only while the loop is sure to run it.
///
/// `request` and `send` hop to a connection's loop with `execute`. Once the messenger has stopped
/// its loops, an `execute` is silently dropped by NIO, and a request dropped that way would never
/// complete. So each hop happens inside `enter`/`leave`, and `close` (before the loops stop) waits
/// until no hop is under way: every hop is then either queued on a live loop, where the closed
/// connection fails it with `notRunning`, or refused by `enter`.
final class EntryGate: Sendable {
    private struct State {
        var isClosed = false
        var entered = 0
    }

    private let state = Mutex(State())

    /// False once closed: the caller must not hop.
    func enter() -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.entered += 1
            return true
        }
    }

    func leave() {
        state.withLock { $0.entered -= 1 }
    }

    /// Refuses new entries and returns once every entered caller has left (a hop takes
    /// microseconds, so yielding is enough).
    func close() async {
        state.withLock { $0.isClosed = true }
        while state.withLock({ $0.entered > 0 }) { await Task.yield() }
    }
}
