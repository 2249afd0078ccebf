import NIOCore

/// A server-to-client message. READY has an empty body, so it has no payload type.
public enum CQLResponse: Hashable, Sendable {
    case error(CQLErrorMessage)
    case ready
    case authenticate(CQLAuthenticate)
    case supported(CQLSupported)
    case result(CQLResult)
    case event(CQLEvent)
    case authChallenge(CQLAuthToken)
    case authSuccess(CQLAuthToken)

    public var opcode: CQLOpcode {
        switch self {
        case .error: .error
        case .ready: .ready
        case .authenticate: .authenticate
        case .supported: .supported
        case .result: .result
        case .event: .event
        case .authChallenge: .authChallenge
        case .authSuccess: .authSuccess
        }
    }
}

/// A response with its frame-level prefix. The body starts with the tracing id (flag 0x02), then
/// the warnings (0x08), then the custom payload (0x04), then the message: the order Cassandra
/// writes and the python driver reads (notes §1.1).
public struct CQLResponseFrame: Hashable, Sendable {
    public var stream: Int16
    public var tracingID: CQLUUID?
    public var warnings: [String]?
    public var customPayload: [String: [UInt8]]?
    public var response: CQLResponse

    public init(
        stream: Int16, response: CQLResponse, tracingID: CQLUUID? = nil, warnings: [String]? = nil,
        customPayload: [String: [UInt8]]? = nil
    ) {
        self.stream = stream
        self.response = response
        self.tracingID = tracingID
        self.warnings = warnings
        self.customPayload = customPayload
    }

    /// Decodes a frame's body; bytes after the message are ignored (spec §4.2).
    public init(decoding frame: CQLFrame) throws {
        precondition(frame.direction == .response, "a response frame was decoded as \(frame.direction)")
        var body = frame.body
        let opcode = frame.opcode
        stream = frame.stream
        tracingID = frame.flags.contains(.tracing) ? try body.readWhole(opcode) { try $0.readCQLUUID() } : nil
        warnings = frame.flags.contains(.warning) ? try body.readWhole(opcode) { try $0.readCQLStringList("warnings") } : nil
        customPayload =
            frame.flags.contains(.customPayload) ? try body.readWhole(opcode) { try $0.readCQLBytesMap("custom payload") } : nil
        response = try body.readWhole(opcode) { buffer -> CQLResponse? in
            switch opcode {
            case .error: try buffer.readCQLErrorMessage().map(CQLResponse.error)
            case .ready: .ready
            case .authenticate: try buffer.readCQLAuthenticate().map(CQLResponse.authenticate)
            case .supported: try buffer.readCQLSupported().map(CQLResponse.supported)
            case .result: try buffer.readCQLResult().map(CQLResponse.result)
            case .event: try buffer.readCQLEvent().map(CQLResponse.event)
            case .authChallenge: try buffer.readCQLAuthToken().map(CQLResponse.authChallenge)
            case .authSuccess: try buffer.readCQLAuthToken().map(CQLResponse.authSuccess)
            case .startup, .options, .query, .prepare, .execute, .batch, .register, .authResponse:
                throw CQLProtocolError.unexpectedOpcode(opcode, stream: frame.stream)
            }
        }
    }

    /// The frame carrying this response, with an uncompressed body.
    public var frame: CQLFrame {
        var body = ByteBuffer()
        let flags = writeBody(into: &body)
        return CQLFrame(direction: .response, flags: flags, stream: stream, opcode: response.opcode, body: body)
    }

    /// Appends the body (prefixes, then the message) to `body`; returns the flags it implies.
    func writeBody(into body: inout ByteBuffer) -> CQLFrameFlags {
        var flags: CQLFrameFlags = []
        if let tracingID {
            flags.insert(.tracing)
            body.writeCQLUUID(tracingID)
        }
        if let warnings {
            flags.insert(.warning)
            body.writeCQLStringList(warnings)
        }
        if let customPayload {
            flags.insert(.customPayload)
            body.writeCQLBytesMap(customPayload)
        }
        switch response {
        case .error(let message): body.writeCQLErrorMessage(message)
        case .ready: break
        case .authenticate(let message): body.writeCQLAuthenticate(message)
        case .supported(let message): body.writeCQLSupported(message)
        case .result(let result): body.writeCQLResult(result)
        case .event(let event): body.writeCQLEvent(event)
        case .authChallenge(let token), .authSuccess(let token): body.writeCQLAuthToken(token)
        }
        return flags
    }
}
