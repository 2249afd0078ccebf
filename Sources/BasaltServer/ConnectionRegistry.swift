import BasaltCQLProtocol
import BasaltQuery
import NIOCore
import BasaltNIOSupport
import Synchronization

/// The server's open connections. As the `CQLEventSink` the query layer is given, it fans each
/// event out to every connection; each connection's state machine knows whether it REGISTERed
/// for the type (one source of truth, and events are rare enough that asking every connection is
/// cheap). As its `ClientDirectory`, it lists them for `system_views.clients`. Shutdown uses it to
/// find the connections to drain.
///
/// Create it before the query layer (which takes the sink at construction) and pass it to
/// `CQLServer.start`.
public final class ConnectionRegistry: CQLEventSink, ClientDirectory, Sendable {
    /// The open connections; `add`, `remove` and `beginDraining` are the server's.
    let connections = DrainableChannelSet()
    private let records = Mutex<[ObjectIdentifier: ClientConnectionRecord]>([:])

    public init() {}

    public var connectionCount: Int { connections.count }

    public var clients: [ClientInfo] { records.withLock { $0.values.map(\.info) } }

    func register(_ record: ClientConnectionRecord, for channel: any Channel) {
        records.withLock { $0[ObjectIdentifier(channel)] = record }
    }

    func unregister(_ channel: any Channel) {
        _ = records.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    public func publish(_ event: CQLEvent) {
        for channel in connections.channels {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionEvent.push(event))
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
