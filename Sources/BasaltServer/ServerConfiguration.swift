import BasaltTLS
import NIOCore

/// Where and how the CQL native-protocol listener runs.
public struct ServerConfiguration: Sendable, Hashable {
    /// Address the listener binds (each local-cluster node gets its own 127.0.0.x).
    public var host: String
    /// The CQL native port (9042 by default, as Cassandra); 0 picks a free port (tests).
    public var port: Int
    /// Frames whose body is longer are refused with a protocol error (Cassandra's
    /// `native_transport_max_frame_size`, 16 MiB by default; the protocol allows up to 256 MiB).
    public var maximumFrameBodyBytes: Int
    /// Event-loop threads; one per core, since each connection stays on one loop for its life.
    public var eventLoopThreads: Int
    /// Pending-accept queue of the listening socket: drivers open a pool of connections at once.
    public var backlog: Int
    /// How long `stop()` waits for in-flight requests before closing connections regardless.
    public var shutdownGracePeriod: TimeAmount
    /// What one client may hold of the node.
    public var limits: ConnectionLimits
    /// TLS on the port (`client_encryption_options`); nil: plaintext only.
    public var tls: ServerTLS?

    public init(
        host: String = "127.0.0.1", port: Int = 9042, maximumFrameBodyBytes: Int = 16 << 20,
        eventLoopThreads: Int = System.coreCount, backlog: Int = 256, shutdownGracePeriod: TimeAmount = .seconds(10),
        limits: ConnectionLimits = ConnectionLimits(), tls: ServerTLS? = nil
    ) {
        self.limits = limits
        self.tls = tls
        self.host = host
        self.port = port
        self.maximumFrameBodyBytes = maximumFrameBodyBytes
        self.eventLoopThreads = eventLoopThreads
        self.backlog = backlog
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}
