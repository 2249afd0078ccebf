import BasaltCore
/// What a verb handler receives.
public struct InternodeRequest: Sendable {
    public var verb: InternodeVerb
    public var payload: [UInt8]
    /// The sender's listen address from its HELLO: the address to send it requests, not the
    /// ephemeral port its connection came from.
    public var sender: NodeAddress
    /// False for one-way messages (gossip): whatever the handler returns is discarded.
    public var expectsResponse: Bool

    public init(verb: InternodeVerb, payload: [UInt8], sender: NodeAddress, expectsResponse: Bool) {
        self.verb = verb
        self.payload = payload
        self.sender = sender
        self.expectsResponse = expectsResponse
    }
}

/// Answers one verb: returns the response payload, or throws to send an error response (an
/// `InternodeErrorResponse` to choose its code, anything else for `handlerFailure`).
///
/// Handlers run as tasks on the event loop of the connection the request arrived on, so one that
/// does not suspend answers without any thread hand-off. Long or blocking work belongs elsewhere:
/// while it runs on the loop, that loop reads nothing else. A handler should honour cancellation:
/// it is cancelled when its connection closes, because nobody is left to read its answer.
public typealias InternodeHandler = @Sendable (InternodeRequest) async throws -> [UInt8]
