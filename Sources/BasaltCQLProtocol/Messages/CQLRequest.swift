import NIOCore

/// A client-to-server message. OPTIONS has an empty body, so it has no payload type.
public enum CQLRequest: Hashable, Sendable {
    case startup(CQLStartup)
    case options
    case query(CQLQuery)
    case prepare(CQLPrepare)
    case execute(CQLExecute)
    case batch(CQLBatch)
    case register(CQLRegister)
    case authResponse(CQLAuthToken)

    public var opcode: CQLOpcode {
        switch self {
        case .startup: .startup
        case .options: .options
        case .query: .query
        case .prepare: .prepare
        case .execute: .execute
        case .batch: .batch
        case .register: .register
        case .authResponse: .authResponse
        }
    }
}

/// A request with its frame-level fields: the stream to answer on, whether tracing was asked for,
/// and the custom payload (flag 0x04) that precedes the message.
public struct CQLRequestFrame: Hashable, Sendable {
    public var stream: Int16
    public var tracing: Bool
    public var customPayload: [String: [UInt8]]?
    public var request: CQLRequest

    public init(stream: Int16, request: CQLRequest, tracing: Bool = false, customPayload: [String: [UInt8]]? = nil) {
        self.stream = stream
        self.request = request
        self.tracing = tracing
        self.customPayload = customPayload
    }

    /// Decodes a frame's body. Bytes after the message are ignored: the spec reserves them for
    /// extensions (§1). A body that ends early throws `truncatedBody`.
    public init(decoding frame: CQLFrame) throws {
        precondition(frame.direction == .request, "a request frame was decoded as \(frame.direction)")
        var body = frame.body
        customPayload = frame.flags.contains(.customPayload) ? try body.readWhole(frame.opcode) { try $0.readCQLBytesMap("custom payload") } : nil
        stream = frame.stream
        tracing = frame.flags.contains(.tracing)
        request = try body.readWhole(frame.opcode) { buffer -> CQLRequest? in
            switch frame.opcode {
            case .startup: try buffer.readCQLStartup().map(CQLRequest.startup)
            case .options: .options
            case .query: try buffer.readCQLQuery().map(CQLRequest.query)
            case .prepare: try buffer.readCQLPrepare().map(CQLRequest.prepare)
            case .execute: try buffer.readCQLExecute().map(CQLRequest.execute)
            case .batch: try buffer.readCQLBatch().map(CQLRequest.batch)
            case .register: try buffer.readCQLRegister().map(CQLRequest.register)
            case .authResponse: try buffer.readCQLAuthToken().map(CQLRequest.authResponse)
            case .error, .ready, .authenticate, .supported, .result, .event, .authChallenge, .authSuccess:
                throw CQLProtocolError.unexpectedOpcode(frame.opcode, stream: frame.stream)
            }
        }
    }

    /// The frame carrying this request, with an uncompressed body.
    public var frame: CQLFrame {
        var body = ByteBuffer()
        let flags = writeBody(into: &body)
        return CQLFrame(direction: .request, flags: flags, stream: stream, opcode: request.opcode, body: body)
    }

    /// Appends the body (custom payload, then the message) to `body`; returns the flags it implies.
    func writeBody(into body: inout ByteBuffer) -> CQLFrameFlags {
        var flags: CQLFrameFlags = []
        if tracing { flags.insert(.tracing) }
        if let customPayload {
            flags.insert(.customPayload)
            body.writeCQLBytesMap(customPayload)
        }
        switch request {
        case .startup(let message): body.writeCQLStartup(message)
        case .options: break
        case .query(let message): body.writeCQLQuery(message)
        case .prepare(let message): body.writeCQLPrepare(message)
        case .execute(let message): body.writeCQLExecute(message)
        case .batch(let message): body.writeCQLBatch(message)
        case .register(let message): body.writeCQLRegister(message)
        case .authResponse(let message): body.writeCQLAuthToken(message)
        }
        return flags
    }
}

extension ByteBuffer {
    /// Runs a message reader over a complete frame body, where "need more bytes" means the body
    /// was cut short.
    mutating func readWhole<T>(_ opcode: CQLOpcode, _ read: (inout ByteBuffer) throws -> T?) throws -> T {
        do {
            guard let value = try read(&self) else { throw CQLProtocolError.truncatedBody(opcode) }
            return value
        } catch is CQLNeedMoreBytes {
            throw CQLProtocolError.truncatedBody(opcode)
        }
    }
}
