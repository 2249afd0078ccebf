import BasaltCore
/// Why a request (or, for the counters, a one-way message) did not get through. Each case names
/// the peer, so a coordinator can tell a slow replica from a dead one and log who failed.
public enum InternodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No response within the request's timeout. A response arriving later is dropped.
    case timeout(peer: NodeAddress, verb: InternodeVerb, after: Duration)
    /// The peer's outbound queue already holds `queuedBytes` of `limit`: the message was refused
    /// at once rather than queued (see `OutboundConnection.admit`).
    case overloaded(peer: NodeAddress, queuedBytes: Int, limit: Int)
    /// The connection carrying the request closed before the response arrived.
    case connectionLost(peer: NodeAddress)
    /// A connection attempt just failed and the back-off before the next one has not passed:
    /// failing at once beats waiting out the timeout for a node known to be down.
    case unreachable(peer: NodeAddress, lastError: String)
    /// TCP connect, or the handshake after it, failed (refused, timed out, closed, garbage answer).
    case connectFailed(peer: NodeAddress, reason: String)
    case handshakeRefused(peer: NodeAddress, InternodeHandshakeRefusal)
    /// The peer answered with an error response.
    case remote(peer: NodeAddress, verb: InternodeVerb, InternodeErrorResponse)
    /// The peer answered with something that is not a valid answer to the request.
    case protocolViolation(peer: NodeAddress, detail: String)
    /// The payload is over this node's `maximumPayloadBytes`; nothing was sent.
    case payloadTooLarge(length: Int, limit: Int)
    /// The messenger has not been started, or has been shut down.
    case notRunning

    public var description: String {
        switch self {
        case .timeout(let peer, let verb, let after): "\(verb) to \(peer) timed out after \(after)"
        case .overloaded(let peer, let queued, let limit):
            "outbound queue to \(peer) is full (\(queued) of \(limit) bytes queued)"
        case .connectionLost(let peer): "connection to \(peer) lost before the response arrived"
        case .unreachable(let peer, let lastError): "\(peer) is unreachable (last attempt: \(lastError))"
        case .connectFailed(let peer, let reason): "cannot connect to \(peer): \(reason)"
        case .handshakeRefused(let peer, let refusal): "\(peer) refused the handshake: \(refusal)"
        case .remote(let peer, let verb, let response): "\(peer) failed \(verb): \(response)"
        case .protocolViolation(let peer, let detail): "protocol violation by \(peer): \(detail)"
        case .payloadTooLarge(let length, let limit): "payload of \(length) bytes exceeds the limit of \(limit) bytes"
        case .notRunning: "the internode messenger is not running"
        }
    }
}
