import BasaltCore
/// Counters of one messenger, per peer listen address, taken at one moment.
public struct InternodeStatistics: Hashable, Sendable {
    public var peers: [NodeAddress: InternodePeerStatistics]

    public init(peers: [NodeAddress: InternodePeerStatistics]) {
        self.peers = peers
    }

    /// The counters of `peer`, zero if it was never in contact.
    public subscript(peer: NodeAddress) -> InternodePeerStatistics {
        peers[peer] ?? InternodePeerStatistics()
    }
}

public struct InternodePeerStatistics: Hashable, Sendable {
    /// Frames handed to the peer's sockets: requests, one-way messages, and responses to its requests.
    public var messagesSent = 0
    /// Frames received from the peer: its requests and one-way messages, and responses to ours.
    public var messagesReceived = 0
    /// One-way messages that could not be sent (peer unreachable, queue full, connection lost
    /// before the write), one-way messages for a verb without a handler, and responses that
    /// arrived after their request had timed out or been cancelled.
    public var messagesDropped = 0
    /// Requests to the peer that timed out.
    public var requestTimeouts = 0

    public init(messagesSent: Int = 0, messagesReceived: Int = 0, messagesDropped: Int = 0, requestTimeouts: Int = 0) {
        self.messagesSent = messagesSent
        self.messagesReceived = messagesReceived
        self.messagesDropped = messagesDropped
        self.requestTimeouts = requestTimeouts
    }
}
