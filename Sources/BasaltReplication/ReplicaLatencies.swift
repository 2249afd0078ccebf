import BasaltCore
import BasaltInstruments
import Synchronization

/// How long each replica took to answer this coordinator, per replica and per kind of request:
/// from sending to its answer (this node's own storage counts as a replica). A lock finds the
/// histogram, which then records without one; answers that never came are not recorded.
public final class ReplicaLatencies: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case write, read
    }

    private struct Key: Hashable {
        var replica: NodeAddress
        var kind: Kind
    }

    private let histograms = Mutex<[Key: AtomicLatencyHistogram]>([:])

    public init() {}

    func record(_ replica: NodeAddress, _ kind: Kind, since started: ContinuousClock.Instant) {
        let histogram = histograms.withLock { histograms in
            if let found = histograms[Key(replica: replica, kind: kind)] { return found }
            let made = AtomicLatencyHistogram()
            histograms[Key(replica: replica, kind: kind)] = made
            return made
        }
        histogram.record(started.duration(to: .now))
    }

    /// Every replica and kind answered so far, in address order.
    public var snapshots: [(replica: NodeAddress, kind: Kind, latency: LatencySnapshot)] {
        histograms.withLock { $0 }.sorted { ($0.key.replica, $0.key.kind.rawValue) < ($1.key.replica, $1.key.kind.rawValue) }
            .map { (replica: $0.key.replica, kind: $0.key.kind, latency: $0.value.snapshot()) }
    }
}
