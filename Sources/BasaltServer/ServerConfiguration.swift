/// Where and how the CQL native-protocol listener runs.
public struct ServerConfiguration: Sendable, Hashable {
    /// Address the listener binds (each local-cluster node gets its own 127.0.0.x).
    public var host: String
    /// The CQL native port (9042 by default, as Cassandra).
    public var port: Int
    /// Frames whose body is longer are refused with a protocol error (Cassandra's
    /// `native_transport_max_frame_size`, 16 MiB by default; the protocol allows up to 256 MiB).
    public var maximumFrameBodyBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 9042, maximumFrameBodyBytes: Int = 16 << 20) {
        self.host = host
        self.port = port
        self.maximumFrameBodyBytes = maximumFrameBodyBytes
    }
}
