import NIOCore

/// The pipeline end of an `OutboundConnection`'s channel: hands decoded frames and the close to
/// the connection object, which outlives its channels (it reconnects with a new one).
final class OutboundChannelHandler: ChannelInboundHandler {
    typealias InboundIn = InternodeFrame

    private let connection: OutboundConnection

    init(connection: OutboundConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data), on: context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A framing error from the peer's answers, or a socket error: the connection's requests
        // fail with `connectionLost` when the close arrives in `channelInactive`.
        connection.log(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension OutboundChannelHandler: Sendable {}
