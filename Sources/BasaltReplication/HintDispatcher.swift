import BasaltCore
import Foundation
import Logging

/// Replays stored hints to their replicas once those are alive again. `deliverPending()` is called
/// every few seconds and when a node comes back up; it sends each host's hints oldest first, a
/// bounded number at a time, deletes each one the replica acknowledged, and stops at the first
/// failure for that host (it will be tried again on the next call).
public final class HintDispatcher: @unchecked Sendable {
    /// Hints in flight to one host at once: enough to hide round trips, few enough not to flood a
    /// replica that has just restarted.
    static let batch = 64

    let hints: HintStore
    let view: ClusterView
    let transport: ReplicaTransport
    let timeout: Duration
    let logger: Logger
    private let lock = NSLock()
    private var delivering: Set<UUID> = []

    public init(hints: HintStore, view: ClusterView, transport: ReplicaTransport, timeout: Duration = .seconds(10),
                logger: Logger = Logger(label: "basalt.hints")) {
        self.hints = hints
        self.view = view
        self.transport = transport
        self.timeout = timeout
        self.logger = logger
    }

    public func deliverPending() async {
        await withTaskGroup(of: Void.self) { group in
            for host in hints.hostsWithHints {
                guard let address = view.address(ofHost: host),
                      view.members.contains(where: { $0.address == address && $0.isAlive }),
                      lock.withLock({ delivering.insert(host).inserted }) else { continue }
                group.addTask {
                    defer { _ = self.lock.withLock { self.delivering.remove(host) } }
                    await self.deliver(to: host, at: address)
                }
            }
        }
    }

    private func deliver(to host: UUID, at address: NodeAddress) async {
        var delivered = 0
        do {
            while true {
                let batch = try hints.hints(for: host, limit: Self.batch)
                if batch.isEmpty { break }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for hint in batch {
                        group.addTask {
                            _ = try await self.transport.request(.hint, payload: DataCodec.encode(hint.mutation), to: address,
                                                                 timeout: self.timeout)
                            try await self.hints.delivered(hint, for: host)
                        }
                    }
                    try await group.waitForAll()
                }
                delivered += batch.count
            }
            if delivered > 0 { logger.info("delivered hints", metadata: ["to": "\(address)", "hints": "\(delivered)"]) }
        } catch {
            logger.warning("hint delivery paused", metadata: ["to": "\(address)", "delivered": "\(delivered)", "error": "\(error)"])
        }
    }
}
