import Foundation

/// What this node knows of another node of the cluster (from gossip), shown in `system.peers` and
/// `system.peers_v2`; drivers discover hosts, their tokens and their schema versions from these.
public struct PeerInfo: Sendable, Hashable {
    /// The peer's internode (listen) address and port.
    public var address: String
    public var port: Int32
    /// Where clients reach the peer's CQL server.
    public var nativeAddress: String
    public var nativePort: Int32
    public var dataCenter: String
    public var rack: String
    public var hostID: UUID
    public var tokens: [Int64]
    public var releaseVersion: String
    /// Nil until the peer has announced one; drivers skip nulls in schema agreement.
    public var schemaVersion: UUID?

    public init(address: String, port: Int32, nativeAddress: String, nativePort: Int32, dataCenter: String, rack: String,
                hostID: UUID, tokens: [Int64], releaseVersion: String, schemaVersion: UUID?) {
        self.address = address
        self.port = port
        self.nativeAddress = nativeAddress
        self.nativePort = nativePort
        self.dataCenter = dataCenter
        self.rack = rack
        self.hostID = hostID
        self.tokens = tokens
        self.releaseVersion = releaseVersion
        self.schemaVersion = schemaVersion
    }
}

/// The other nodes of the cluster as this node sees them now. A single node has none. Peers
/// without tokens (still joining) are left out by the implementation: drivers reject such rows.
public protocol PeerDirectory: Sendable {
    var peers: [PeerInfo] { get }
}
