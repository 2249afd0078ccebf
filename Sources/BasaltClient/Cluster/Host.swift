import BasaltCQLProtocol

/// A node of the cluster, as `system.local` and `system.peers` describe it.
public struct Host: Hashable, Sendable, CustomStringConvertible {
    public var endpoint: Endpoint
    public var dataCenter: String?
    public var rack: String?
    public var hostID: CQLUUID?
    /// The node's Murmur3 tokens: it owns the ranges that end at them.
    public var tokens: [Int64]
    /// Whether the client has an open connection to it (at the moment `BasaltClient.hosts` was read).
    public var isUp: Bool

    public init(endpoint: Endpoint, dataCenter: String?, rack: String?, hostID: CQLUUID?, tokens: [Int64], isUp: Bool = false) {
        self.endpoint = endpoint
        self.dataCenter = dataCenter
        self.rack = rack
        self.hostID = hostID
        self.tokens = tokens
        self.isUp = isUp
    }

    public var description: String {
        "\(endpoint) (\(dataCenter ?? "?")/\(rack ?? "?"), \(tokens.count) tokens, \(isUp ? "up" : "down"))"
    }
}
