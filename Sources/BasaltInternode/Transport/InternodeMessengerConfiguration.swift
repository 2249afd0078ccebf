import BasaltCore
import NIOCore

/// Settings of one node's messenger. Values come from the node's configuration file, so they are
/// checked by `validate()` (called by `start`) and reported as errors, not trapped on.
public struct InternodeMessengerConfiguration: Sendable {
    /// Peers with another cluster name are refused at the handshake.
    public var clusterName: String
    public var hostID: InternodeHostID
    /// Bound at start, and announced in HELLO as this node's name: must be an address peers can
    /// dial. Port 0 binds an ephemeral port (tests); the bound one is announced.
    public var listenAddress: NodeAddress
    /// Offered in HELLO. Only narrowed in tests of version negotiation.
    public var supportedVersions: ClosedRange<UInt8> = InternodeProtocol.supportedVersions
    /// The largest payload this node sends or accepts; a larger incoming frame closes the connection.
    public var maximumPayloadBytes = InternodeProtocol.defaultMaximumPayloadBytes
    /// Bytes that may wait to be written to one peer on one connection (urgent and bulk traffic
    /// have separate allowances, so a backed-up mutation stream never blocks gossip). Past it,
    /// messages fail fast with `InternodeError.overloaded`. At least one largest frame.
    public var maximumQueuedBytes = 2 * InternodeProtocol.defaultMaximumPayloadBytes
    /// Requests one inbound connection may have running in handlers at once; past it the
    /// connection stops reading until some finish, which pushes back on the sender through TCP.
    public var maximumInFlightRequestsPerConnection = 4096
    /// Budget for TCP connect, and again for the handshake after it (both sides).
    public var connectTimeout: Duration = .seconds(2)
    /// Wait after a failed connection attempt before the next; doubles on each failure up to
    /// `maximumReconnectBackoff`, and resets when a handshake succeeds.
    public var initialReconnectBackoff: Duration = .milliseconds(100)
    public var maximumReconnectBackoff: Duration = .seconds(5)
    /// How long `shutdown` lets handlers already running finish and answer.
    public var shutdownGracePeriod: Duration = .seconds(5)
    public var eventLoopThreads = System.coreCount
    /// Every connection, inbound and outbound, in TLS; nil: plaintext.
    public var tls: InternodeTLS?

    public init(clusterName: String, hostID: InternodeHostID, listenAddress: NodeAddress) {
        self.clusterName = clusterName
        self.hostID = hostID
        self.listenAddress = listenAddress
    }

    public func validate() throws(InternodeConfigurationError) {
        func check(_ condition: Bool, _ problem: String) throws(InternodeConfigurationError) {
            if !condition { throw InternodeConfigurationError(problem: problem) }
        }
        try check(
            !clusterName.isEmpty && clusterName.utf8.count <= InternodeHello.maximumClusterNameBytes,
            "cluster name must have 1...\(InternodeHello.maximumClusterNameBytes) bytes")
        try check(
            !listenAddress.host.isEmpty && listenAddress.host.utf8.count <= InternodeHello.maximumHostBytes,
            "listen host must have 1...\(InternodeHello.maximumHostBytes) bytes")
        try check((0...65535).contains(listenAddress.port), "listen port \(listenAddress.port) is not in 0...65535")
        try check(supportedVersions.lowerBound >= 1, "protocol versions start at 1")
        try check(
            maximumPayloadBytes >= 0 && maximumPayloadBytes <= Int(UInt32.max) - InternodeFrame.headerLength,
            "maximum payload must fit the u32 length field")
        try check(
            maximumQueuedBytes >= maximumPayloadBytes + InternodeFrame.headerLength + InternodeFrame.trailerLength,
            "maximum queued bytes must hold at least one largest frame")
        try check(maximumInFlightRequestsPerConnection >= 1, "at least one in-flight request per connection")
        try check(connectTimeout > .zero, "connect timeout must be positive")
        try check(
            initialReconnectBackoff > .zero && maximumReconnectBackoff >= initialReconnectBackoff,
            "reconnect back-off must be positive and its maximum at least the initial value")
        try check(shutdownGracePeriod >= .zero, "shutdown grace period must not be negative")
        try check(eventLoopThreads >= 1, "at least one event-loop thread")
    }
}

/// A setting of `InternodeMessengerConfiguration` that cannot work.
public struct InternodeConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var problem: String

    public var description: String { "invalid internode configuration: \(problem)" }
}
