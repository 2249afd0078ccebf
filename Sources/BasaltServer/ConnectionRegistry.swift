import BasaltCQLProtocol
import BasaltQuery
import NIOCore
import Synchronization

/// The server's open connections. As the `CQLEventSink` the query layer is given, it fans each
/// event out to every connection; each connection's state machine knows whether it REGISTERed
/// for the type (one source of truth, and events are rare enough that asking every connection is
/// cheap). Shutdown uses it to find the connections to drain.
///
/// Create it before the query layer (which takes the sink at construction) and pass it to
/// `CQLServer.start`.
public final class ConnectionRegistry: CQLEventSink, Sendable {
    private struct Contents {
        var channels: [ObjectIdentifier: any Channel] = [:]
        /// Set by shutdown: a connection accepted after that point is drained at once.
        var draining = false
    }

    private let contents = Mutex(Contents())

    public init() {}

    public var connectionCount: Int { contents.withLock { $0.channels.count } }

    public func publish(_ event: CQLEvent) {
        for channel in contents.withLock({ Array($0.channels.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionEvent.push(event))
        }
    }

    /// Called when a connection becomes active; false if the server is shutting down.
    func add(_ channel: any Channel) -> Bool {
        contents.withLock { contents in
            contents.channels[ObjectIdentifier(channel)] = channel
            return !contents.draining
        }
    }

    func remove(_ channel: any Channel) {
        _ = contents.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Marks shutdown and returns the connections open now, for the caller to drain.
    func beginDraining() -> [any Channel] {
        contents.withLock { contents in
            contents.draining = true
            return Array(contents.channels.values)
        }
    }
}

/// Inbound user events the server sends into a connection's pipeline from outside its loop.
enum ConnectionEvent: Sendable {
    /// An event for clients that REGISTERed its type, to be written on stream -1.
    case push(CQLEvent)
    /// Shutdown: answer what is in flight, then close.
    case drain
}
