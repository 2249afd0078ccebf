/// Header byte 1 (spec §2.2). Bits other than these four are ignored on read, as the spec says.
public struct CQLFrameFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The body is compressed with the algorithm chosen in STARTUP.
    public static let compression = CQLFrameFlags(rawValue: 0x01)
    /// Request: trace this request. Response: the body starts with the tracing session uuid.
    public static let tracing = CQLFrameFlags(rawValue: 0x02)
    /// A `[bytes map]` custom payload precedes the message (after tracing id and warnings).
    public static let customPayload = CQLFrameFlags(rawValue: 0x04)
    /// Response only: a `[string list]` of warnings precedes the message (after the tracing id).
    public static let warning = CQLFrameFlags(rawValue: 0x08)

    static let known: CQLFrameFlags = [.compression, .tracing, .customPayload, .warning]
}
