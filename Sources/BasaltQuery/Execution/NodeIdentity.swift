import Foundation

/// What this node says about itself in `system.local` (and what DESCRIBE CLUSTER shows).
public struct NodeIdentity: Sendable, Hashable {
    public var clusterName: String
    public var hostID: UUID
    public var dataCenter: String
    public var rack: String
    /// Murmur3 tokens this node owns, as signed 64-bit values (shown as text in `tokens`).
    public var tokens: [Int64]
    public var listenAddress: String
    public var rpcAddress: String
    public var nativePort: Int32
    /// `MAJOR.MINOR.PATCH`; ≥ 4 so cqlsh uses server-side DESCRIBE (notes §0.6).
    public var releaseVersion: String
    public var partitioner: String
    public var cqlVersion: String

    public init(clusterName: String = "Basalt Cluster", hostID: UUID = UUID(), dataCenter: String = "datacenter1",
                rack: String = "rack1", tokens: [Int64] = [0], listenAddress: String = "127.0.0.1",
                rpcAddress: String = "127.0.0.1", nativePort: Int32 = 9042, releaseVersion: String = "5.0.0",
                partitioner: String = "org.apache.cassandra.dht.Murmur3Partitioner", cqlVersion: String = "3.4.7") {
        self.clusterName = clusterName
        self.hostID = hostID
        self.dataCenter = dataCenter
        self.rack = rack
        self.tokens = tokens
        self.listenAddress = listenAddress
        self.rpcAddress = rpcAddress
        self.nativePort = nativePort
        self.releaseVersion = releaseVersion
        self.partitioner = partitioner
        self.cqlVersion = cqlVersion
    }
}
