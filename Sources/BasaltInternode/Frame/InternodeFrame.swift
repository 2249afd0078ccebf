/// One message on a node-to-node connection: a 24-byte header, the payload, and the payload's
/// checksum (layout in `docs/formats/internode.md`).
///
/// The payload is opaque here: gossip, mutations, reads, hints and schema are encoded by their own
/// modules; this module only carries the bytes and guarantees they arrive whole and unaltered.
public struct InternodeFrame: Hashable, Sendable {
    /// Bytes before the payload: magic 4, version 1, flags 1, verb 2, request id 8, payload length 4,
    /// header checksum 4.
    public static let headerLength = 24
    /// The header bytes the header checksum covers (everything before it).
    public static let checksummedHeaderLength = 20
    /// The payload checksum after the payload.
    public static let trailerLength = 4

    public var version: UInt8
    public var kind: InternodeFrameKind
    /// The verb number as sent. It may be one this build does not know (`verb` is then nil): such a
    /// request is answered with `unknownVerb` instead of being taken for a broken stream.
    public var verbCode: UInt16
    /// Pairs a response with its request. Chosen by the sender of the request, unique among its
    /// requests in flight on one connection; 0 for one-way messages and the handshake.
    public var requestID: UInt64
    public var payload: [UInt8]

    public init(version: UInt8, kind: InternodeFrameKind, verbCode: UInt16, requestID: UInt64, payload: [UInt8]) {
        self.version = version
        self.kind = kind
        self.verbCode = verbCode
        self.requestID = requestID
        self.payload = payload
    }

    public init(version: UInt8, kind: InternodeFrameKind, verb: InternodeVerb, requestID: UInt64, payload: [UInt8]) {
        self.init(version: version, kind: kind, verbCode: verb.rawValue, requestID: requestID, payload: payload)
    }

    public var verb: InternodeVerb? { InternodeVerb(rawValue: verbCode) }

    /// Bytes this frame takes on the wire.
    public var encodedLength: Int { Self.headerLength + payload.count + Self.trailerLength }
}
