import BasaltCore
import Synchronization

/// The live counters of one peer. Connections hold a reference and bump them with relaxed atomic
/// adds (no lock on the message path); `InternodeMessenger.statistics()` reads them.
final class PeerCounters: Sendable {
    let sent = Atomic<Int>(0)
    let received = Atomic<Int>(0)
    let dropped = Atomic<Int>(0)
    let timeouts = Atomic<Int>(0)

    var snapshot: InternodePeerStatistics {
        InternodePeerStatistics(
            messagesSent: sent.load(ordering: .relaxed), messagesReceived: received.load(ordering: .relaxed),
            messagesDropped: dropped.load(ordering: .relaxed), requestTimeouts: timeouts.load(ordering: .relaxed))
    }
}

/// Every peer's counters, created on first contact. Only looked up when a connection is created or
/// a handshake names its peer, so the lock is off the message path.
final class PeerCounterRegistry: Sendable {
    private let peers = Mutex<[NodeAddress: PeerCounters]>([:])

    func counters(for peer: NodeAddress) -> PeerCounters {
        peers.withLock { peers in
            if let counters = peers[peer] { return counters }
            let counters = PeerCounters()
            peers[peer] = counters
            return counters
        }
    }

    func snapshot() -> InternodeStatistics {
        InternodeStatistics(peers: peers.withLock { $0 }.mapValues(\.snapshot))
    }
}

extension Atomic<Int> {
    func increment(by count: Int = 1) {
        wrappingAdd(count, ordering: .relaxed)
    }
}
