import NIOCore

/// Writes messages as frames, compressing bodies once compression has been negotiated.
public struct CQLFrameEncoder: Hashable, Sendable {
    /// nil until STARTUP negotiates compression; STARTUP itself is never compressed.
    public var compression: CQLCompression?

    public init(compression: CQLCompression? = nil) {
        self.compression = compression
    }

    /// Uncompressed frames are written straight into `buffer`; compression needs the whole body
    /// first, so a compressed frame is built apart and then compressed into it.
    @discardableResult
    public func encode(_ response: CQLResponseFrame, into buffer: inout ByteBuffer) -> Int {
        guard compression == nil else { return buffer.writeCQLFrame(response.frame, compression: compression) }
        return buffer.writeCQLFrame(direction: .response, stream: response.stream, opcode: response.response.opcode) {
            response.writeBody(into: &$0)
        }
    }

    /// As for responses; STARTUP is never compressed (it negotiates compression).
    @discardableResult
    public func encode(_ request: CQLRequestFrame, into buffer: inout ByteBuffer) -> Int {
        guard compression == nil || request.request.opcode == .startup else {
            return buffer.writeCQLFrame(request.frame, compression: compression)
        }
        return buffer.writeCQLFrame(direction: .request, stream: request.stream, opcode: request.request.opcode) {
            request.writeBody(into: &$0)
        }
    }

    /// The reply to a frame-level protocol error, to be sent just before closing the connection:
    /// an ERROR 0x000A in v4 framing on the offending stream. For `unsupportedVersion` its text is
    /// the one that makes drivers downgrade (notes §0.1). Never compressed: the peer may not have
    /// negotiated anything yet.
    @discardableResult
    public static func encodeReply(to error: CQLProtocolError, into buffer: inout ByteBuffer) -> Int {
        let response = CQLResponseFrame(stream: error.replyStream, response: .error(CQLErrorMessage(error)))
        return buffer.writeCQLFrame(response.frame, compression: nil)
    }
}
