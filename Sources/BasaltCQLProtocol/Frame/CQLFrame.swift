import NIOCore

/// One v4 frame: the 9-byte header (spec §2) and its body.
///
/// `body` is always uncompressed: the decoder inflates compressed bodies and clears the
/// compression flag, and the encoder decides compression on the way out.
public struct CQLFrame: Hashable, Sendable {
    public static let headerLength = 9
    /// The only protocol version Basalt speaks.
    public static let version: UInt8 = 4
    /// The body limit the spec states ("currently a frame is limited to 256MB").
    public static let defaultMaximumBodyLength = 256 * 1024 * 1024

    public var direction: CQLFrameDirection
    public var flags: CQLFrameFlags
    public var stream: Int16
    public var opcode: CQLOpcode
    public var body: ByteBuffer

    public init(direction: CQLFrameDirection, flags: CQLFrameFlags = [], stream: Int16, opcode: CQLOpcode, body: ByteBuffer) {
        self.direction = direction
        self.flags = flags.subtracting(.compression)
        self.stream = stream
        self.opcode = opcode
        self.body = body
    }
}

extension ByteBuffer {
    /// Reads one frame; `nil` means more bytes are needed. `compression` is what the connection
    /// negotiated; a compressed frame without it is a protocol error.
    ///
    /// A header with a version other than 4 throws `unsupportedVersion` as soon as the stream id is
    /// readable (3 bytes for v1/v2, whose stream was one byte; 4 bytes otherwise), so the server can
    /// answer in v4 framing on that stream without waiting for a body it will never parse.
    public mutating func readCQLFrame(
        direction: CQLFrameDirection,
        compression: CQLCompression?,
        maximumBodyLength: Int = CQLFrame.defaultMaximumBodyLength
    ) throws -> CQLFrame? {
        try parseUnwindingIfNeeded { buffer in
            guard let versionByte = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
            let version = versionByte & 0x7F
            if version != CQLFrame.version {
                let stream: Int16
                if version < 3 {
                    guard let narrow = buffer.getInteger(at: buffer.readerIndex + 2, as: Int8.self) else { return nil }
                    stream = Int16(narrow)
                } else {
                    guard let wide = buffer.getInteger(at: buffer.readerIndex + 2, as: Int16.self) else { return nil }
                    stream = wide
                }
                throw CQLProtocolError.unsupportedVersion(version: version, stream: stream)
            }
            guard buffer.readableBytes >= CQLFrame.headerLength else { return nil }
            buffer.moveReaderIndex(forwardBy: 1)
            let flags = CQLFrameFlags(rawValue: try buffer.readCQLByte()).intersection(.known)
            let stream = Int16(bitPattern: try buffer.readCQLShort())
            let opcodeByte = try buffer.readCQLByte()
            let length = try buffer.readCQLInt()
            guard versionByte & 0x80 == direction.versionBit else {
                throw CQLProtocolError.unexpectedDirection(versionByte: versionByte, stream: stream)
            }
            guard let opcode = CQLOpcode(rawValue: opcodeByte) else {
                throw CQLProtocolError.unknownOpcode(opcodeByte, stream: stream)
            }
            guard opcode.direction == direction else { throw CQLProtocolError.unexpectedOpcode(opcode, stream: stream) }
            guard length >= 0 else { throw CQLProtocolError.negativeFrameLength(length, stream: stream) }
            guard Int(length) <= maximumBodyLength else {
                throw CQLProtocolError.frameTooLarge(length: Int(length), limit: maximumBodyLength, stream: stream)
            }
            guard var body = buffer.readSlice(length: Int(length)) else { return nil }
            if flags.contains(.compression) {
                // STARTUP negotiates compression, so it can never itself be compressed (spec §5).
                guard let compression, opcode != .startup else { throw CQLProtocolError.compressionNotNegotiated }
                body = try compression.decompress(body, maximumLength: maximumBodyLength)
            }
            return CQLFrame(direction: direction, flags: flags, stream: stream, opcode: opcode, body: body)
        }
    }

    /// Writes a frame, compressing the body when `compression` is given (never for STARTUP).
    @discardableResult
    public mutating func writeCQLFrame(_ frame: CQLFrame, compression: CQLCompression?) -> Int {
        var flags = frame.flags
        var body = frame.body
        if let compression, frame.opcode != .startup {
            body = compression.compress(frame.body)
            flags.insert(.compression)
        }
        precondition(body.readableBytes <= Int(Int32.max), "frame body of \(body.readableBytes) bytes")
        return writeCQLFrameHeader(
            direction: frame.direction, flags: flags, stream: frame.stream, opcode: frame.opcode,
            bodyLength: Int32(body.readableBytes)) + writeImmutableBuffer(body)
    }

    /// Writes an uncompressed frame whose body `writeBody` appends right behind the header
    /// (returning the flags it implies); flags and length are patched in afterwards. This spares
    /// the body a buffer of its own and a copy, on the path every request and response takes.
    @discardableResult
    mutating func writeCQLFrame(
        direction: CQLFrameDirection, stream: Int16, opcode: CQLOpcode, body writeBody: (inout ByteBuffer) -> CQLFrameFlags
    ) -> Int {
        let start = writerIndex
        writeCQLFrameHeader(direction: direction, flags: [], stream: stream, opcode: opcode, bodyLength: 0)
        let flags = writeBody(&self).subtracting(.compression)
        let bodyLength = writerIndex - start - CQLFrame.headerLength
        precondition(bodyLength <= Int(Int32.max), "frame body of \(bodyLength) bytes")
        // Header layout (spec §2): version, flags at +1, stream at +2, opcode at +4, length at +5.
        setInteger(flags.rawValue, at: start + 1)
        setInteger(Int32(bodyLength), at: start + 5)
        return writerIndex - start
    }

    @discardableResult
    private mutating func writeCQLFrameHeader(
        direction: CQLFrameDirection, flags: CQLFrameFlags, stream: Int16, opcode: CQLOpcode, bodyLength: Int32
    ) -> Int {
        writeInteger(direction.versionBit | CQLFrame.version) + writeInteger(flags.rawValue) + writeInteger(stream)
            + writeInteger(opcode.rawValue) + writeInteger(bodyLength)
    }
}
