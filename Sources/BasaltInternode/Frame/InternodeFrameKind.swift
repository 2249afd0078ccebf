/// What a frame is, carried in the header's flags byte.
///
/// The flags byte holds one of four fixed values. Every other value is refused
/// (`InternodeFrameError.invalidFlags`) rather than ignored, so that a later version that gives the
/// free bits a meaning cannot be misread by an older node. DO NOT CHANGE the values: they are on
/// the wire.
public enum InternodeFrameKind: UInt8, Hashable, Sendable, CaseIterable {
    /// Expects an answer with the same request id and verb.
    case request = 0x01
    /// The answer to a request: the handler's payload.
    case response = 0x02
    /// The answer to a request that failed: the payload is an `InternodeErrorResponse`.
    /// Bit 3 (error) is only legal together with bit 1 (response).
    case errorResponse = 0x0A
    /// Fire and forget (gossip): no answer is sent; the request id is 0.
    case oneWay = 0x04

    /// The flags byte of this kind.
    public var flags: UInt8 { rawValue }

    /// Responses travel from the acceptor of a connection to the node that opened it; requests and
    /// one-way messages the other way.
    public var isAnswer: Bool { self == .response || self == .errorResponse }
}
