import BasaltCore
import NIOCore

/// Cuts a node-to-node byte stream into frames.
///
/// `readFrame(from:)` returns the next frame and moves the buffer's reader index past it, returns
/// nil (index untouched) when the frame is not complete yet, and throws (index untouched) when the
/// bytes cannot be a frame. Every check runs as soon as the bytes it needs have arrived, so garbage
/// is refused on its first bytes and an oversized length before its payload is waited for:
///
///     magic (each byte as it arrives) -> version -> header checksum -> flags -> payload length
///     limit -> (whole payload present) -> payload checksum
///
/// The header checksum is verified before flags and length are believed: a corrupted length would
/// otherwise make the decoder wait for, or allocate, a payload that never existed.
///
/// As a `ByteToMessageDecoder` it emits every complete frame of each read before returning, so a
/// burst of frames costs one read and one decode pass.
public struct InternodeFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = InternodeFrame

    public let maximumPayloadBytes: Int
    public let supportedVersions: ClosedRange<UInt8>

    public init(
        maximumPayloadBytes: Int = InternodeProtocol.defaultMaximumPayloadBytes,
        supportedVersions: ClosedRange<UInt8> = InternodeProtocol.supportedVersions
    ) {
        // Configuration, not network input: a negative or u32-overflowing limit is a programming error.
        precondition(maximumPayloadBytes >= 0 && maximumPayloadBytes <= Int(UInt32.max), "payload limit must fit a u32")
        self.maximumPayloadBytes = maximumPayloadBytes
        self.supportedVersions = supportedVersions
    }

    public func readFrame(from buffer: inout ByteBuffer) throws(InternodeFrameError) -> InternodeFrame? {
        let start = buffer.readerIndex
        let available = buffer.readableBytes
        let magic = InternodeProtocol.magic
        let magicBytesSeen = min(available, magic.count)
        for position in 0..<magicBytesSeen
        where buffer.getInteger(at: start + position, as: UInt8.self) != magic[position] {
            throw .badMagic(seen: buffer.getBytes(at: start, length: magicBytesSeen) ?? [])
        }
        guard available > 4, let version = buffer.getInteger(at: start + 4, as: UInt8.self) else { return nil }
        guard supportedVersions.contains(version) else {
            throw .unsupportedVersion(version, supported: supportedVersions)
        }
        guard available >= InternodeFrame.headerLength,
            let flags = buffer.getInteger(at: start + 5, as: UInt8.self),
            let verbCode = buffer.getInteger(at: start + 6, as: UInt16.self),
            let requestID = buffer.getInteger(at: start + 8, as: UInt64.self),
            let length = buffer.getInteger(at: start + 16, as: UInt32.self),
            let storedHeaderChecksum = buffer.getInteger(at: start + 20, as: UInt32.self)
        else { return nil }
        let headerChecksum = buffer.internodeChecksum(at: start, length: InternodeFrame.checksummedHeaderLength)
        guard headerChecksum == storedHeaderChecksum else {
            throw .headerChecksumMismatch(expected: storedHeaderChecksum, actual: headerChecksum)
        }
        guard let kind = InternodeFrameKind(rawValue: flags) else { throw .invalidFlags(flags) }
        guard UInt64(length) <= UInt64(maximumPayloadBytes) else {
            throw .payloadTooLarge(length: length, limit: maximumPayloadBytes)
        }
        let payloadLength = Int(length)
        let frameLength = InternodeFrame.headerLength + payloadLength + InternodeFrame.trailerLength
        guard available >= frameLength,
            let storedPayloadChecksum = buffer.getInteger(
                at: start + InternodeFrame.headerLength + payloadLength, as: UInt32.self)
        else { return nil }
        let payloadChecksum = buffer.internodeChecksum(at: start + InternodeFrame.headerLength, length: payloadLength)
        guard payloadChecksum == storedPayloadChecksum else {
            throw .payloadChecksumMismatch(expected: storedPayloadChecksum, actual: payloadChecksum)
        }
        let payload = buffer.getBytes(at: start + InternodeFrame.headerLength, length: payloadLength) ?? []
        buffer.moveReaderIndex(forwardBy: frameLength)
        return InternodeFrame(version: version, kind: kind, verbCode: verbCode, requestID: requestID, payload: payload)
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try readFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // Frames that arrived whole before the close are still delivered (a response written just
        // before the peer shut down); a partial frame at the end is dropped with the connection.
        while let frame = try readFrame(from: &buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        return .needMoreData
    }
}
