import BasaltCQLProtocol
import NIOCore

/// The NIO side of a `Connection`: decodes every frame a read brought (many answers per system
/// call when the node pipelines) and hands them over in one batch; reports the socket's end.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let connection: Connection
    private var decoder: CQLFrameDecoder
    /// Reused across reads so a read costs no array allocation.
    private var frames: [CQLFrame] = []
    /// The first byte the node sent, to tell a TLS-only node from a broken one.
    private var firstByte: UInt8?

    init(connection: Connection, compression: CQLCompression?) {
        self.connection = connection
        // Compression applies only to frames flagged compressed, which the node sends only after
        // READY, so the decoder can know it from the start.
        decoder = CQLFrameDecoder(configuration: .init(direction: .response), compression: compression)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if firstByte == nil { firstByte = buffer.getInteger(at: buffer.readerIndex) }
        decoder.feed(buffer)
        do {
            while let frame = try decoder.nextFrame() { frames.append(frame) }
        } catch {
            // The byte stream is out of step; nothing after this point can be trusted.
            connection.deliver(frames)
            frames.removeAll(keepingCapacity: true)
            connection.closed(reason: Self.isTLSRecord(firstByte)
                ? "the node answered with TLS (client_encryption_options): connect with Configuration.tls"
                : "malformed frame from the node: \(error)")
            context.close(promise: nil)
            return
        }
        guard !frames.isEmpty else { return }
        connection.deliver(frames)
        frames.removeAll(keepingCapacity: true)
    }

    /// A TLS alert (0x15) or handshake (0x16) record; a response frame starts with 0x81...0x85,
    /// and what a TLS connection's handler sees is already decrypted.
    static func isTLSRecord(_ byte: UInt8?) -> Bool { byte == 0x15 || byte == 0x16 }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed(reason: "connection closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.closed(reason: "\(error)")
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension ConnectionHandler: Sendable {}
