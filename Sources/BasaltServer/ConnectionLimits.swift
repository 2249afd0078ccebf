import Foundation
import NIOCore

/// What one client may hold of a node, so that no client (a bug, a driver pool gone wild, an
/// attacker) exhausts it. Defaults are far above what a driver uses — the Python driver opens one
/// or two connections per host, `basalt stress` a handful — and far below what the node can hold.
public struct ConnectionLimits: Sendable, Hashable {
    /// Open connections, all clients together (Cassandra's
    /// `native_transport_max_concurrent_connections`). Beyond it a new connection is closed at once.
    public var maximumConnections: Int
    /// Open connections from one IP address (`native_transport_max_concurrent_connections_per_ip`).
    public var maximumConnectionsPerAddress: Int
    /// Requests of one connection being executed at once. At the limit the node stops reading the
    /// connection until one completes (backpressure: TCP slows the client down), so a client that
    /// pipelines without bound costs waiting, not memory.
    public var maximumRequestsPerConnection: Int
    /// Bytes of requests being executed, all connections together (Cassandra's
    /// `native_transport_max_request_data_in_flight`). A connection whose request takes the node
    /// over it stops being read until enough requests complete — backpressure, as the per-connection
    /// limit, so many clients together cannot pile up unbounded work either. One request is always
    /// admitted when nothing else runs, so a request larger than the limit still completes.
    public var maximumRequestBytesInFlight: Int
    /// Bytes held in frames received only in part, all connections together. A connection whose
    /// partial frame takes it over the limit is closed: stalled senders cannot pin the node's memory.
    public var maximumPartialFrameBytes: Int
    /// A connection that has not completed STARTUP by then is closed.
    public var startupTimeout: TimeAmount
    /// A frame that has begun to arrive must be complete by then, or the connection is closed (a
    /// sender trickling a byte every few seconds holds a connection and its buffer forever).
    public var partialFrameTimeout: TimeAmount

    public init(maximumConnections: Int = 4096, maximumConnectionsPerAddress: Int = 1024,
                maximumRequestsPerConnection: Int = 1024, maximumRequestBytesInFlight: Int = ConnectionLimits.defaultRequestBytesInFlight,
                maximumPartialFrameBytes: Int = 128 << 20,
                startupTimeout: TimeAmount = .seconds(10), partialFrameTimeout: TimeAmount = .seconds(30)) {
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.maximumRequestsPerConnection = maximumRequestsPerConnection
        self.maximumRequestBytesInFlight = maximumRequestBytesInFlight
        self.maximumPartialFrameBytes = maximumPartialFrameBytes
        self.startupTimeout = startupTimeout
        self.partialFrameTimeout = partialFrameTimeout
    }

    /// A tenth of the machine's memory, as Cassandra's default is a tenth of its heap.
    public static var defaultRequestBytesInFlight: Int { Int(min(ProcessInfo.processInfo.physicalMemory / 10, UInt64(Int.max))) }
}
