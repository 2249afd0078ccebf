#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// Waits for SIGTERM or SIGINT. The default actions are disabled first, so the process is not
/// killed and the node can drain connections and sync the commit log before exiting 0.
enum ShutdownSignal {
    /// Returns the name of the first signal received.
    static func next() async -> String {
        let signals: [(Int32, String)] = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]
        for (number, _) in signals { signal(number, SIG_IGN) }
        let sources = signals.map { DispatchSource.makeSignalSource(signal: $0.0, queue: .global()) }
        let received = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let resumed = Mutex(false)
            for (source, (_, name)) in zip(sources, signals) {
                source.setEventHandler {
                    // Both signals may arrive (an impatient ^C after SIGTERM); resume once.
                    let first = resumed.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume(returning: name) }
                }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
        return received
    }
}
