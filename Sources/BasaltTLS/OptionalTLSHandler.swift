import NIOCore
import NIOSSL

/// Cassandra 4's optional client encryption: one port serves TLS and plaintext clients. The first
/// byte a client sends decides: 0x16 opens a TLS handshake record (RFC 8446 §5.1), while a CQL
/// frame starts with its protocol version (0x01...0x05, and 0x41... for a response-flagged one),
/// so the two never collide. The handler then puts TLS in its place, or nothing, and leaves.
final class OptionalTLSHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let handshakeRecordType: UInt8 = 0x16

    private let sslContext: NIOSSLContext

    init(context: NIOSSLContext) { self.sslContext = context }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
        if first == Self.handshakeRecordType {
            do {
                try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext), position: .after(self))
            } catch {
                context.fireErrorCaught(error)
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
