import NIOCore
import Synchronization

/// The open inbound connections, so that `shutdown` can drain them; a connection accepted after
/// draining began is drained at once.
final class InboundConnections: Sendable {
    private struct Contents {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var draining = false
    }

    private let contents = Mutex(Contents())

    /// Registers an active connection; false if the messenger is shutting down.
    func add(_ channel: any Channel) -> Bool {
        contents.withLock { contents in
            contents.channels[ObjectIdentifier(channel)] = channel
            return !contents.draining
        }
    }

    func remove(_ channel: any Channel) {
        _ = contents.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Marks shutdown and returns the connections open now.
    func beginDraining() -> [any Channel] {
        contents.withLock { contents in
            contents.draining = true
            return Array(contents.channels.values)
        }
    }
}

/// Sent into an inbound connection's pipeline by `shutdown`: read nothing more, answer what is
/// running, then close.
struct DrainInboundConnection: Sendable {}
