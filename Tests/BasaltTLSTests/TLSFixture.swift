import BasaltTLS
import BasaltTestSupport
import NIOCore
import NIOPosix

/// An echo server behind `ServerTLS` and a client that sends one line through `ClientTLS` (or in
/// plaintext) and returns what came back: the real handshake, over loopback.
enum TLSFixture {
    static func withEchoServer(_ tls: ServerTLS, _ body: (Int) async throws -> Void) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls.configure(channel.pipeline.syncOperations)
                    try channel.pipeline.syncOperations.addHandler(Echo())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(channel.localAddress?.port ?? 0)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    /// Sends `line` to `host:port` and returns the echo; throws the handshake's error when TLS refuses.
    static func exchange(_ line: String, port: Int, host: String = "127.0.0.1", tls: ClientTLS?) async throws -> String {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let answer = loop.makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls?.configure(channel.pipeline.syncOperations, host: host)
                    try channel.pipeline.syncOperations.addHandler(Collector(answer: answer))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let timeout = loop.scheduleTask(in: .seconds(10)) { answer.fail(ChannelError.connectTimeout(.seconds(10))) }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        try await channel.writeAndFlush(ByteBuffer(string: line)).get()
        return try await answer.futureResult.get()
    }

    /// Where a server's options are built from `certificates`.
    static func server(_ certificates: TestCertificates, _ name: String, ca: String? = nil, requiresClientCertificate: Bool = false,
                       acceptsPlaintext: Bool = false) throws -> ServerTLS {
        try ServerTLS(
            TLSServerOptions(identity: identity(certificates, name), trustedCAPath: ca.map(certificates.certificate),
                             requiresClientCertificate: requiresClientCertificate),
            acceptsPlaintext: acceptsPlaintext)
    }

    static func identity(_ certificates: TestCertificates, _ name: String) -> TLSIdentity {
        TLSIdentity(certificatePath: certificates.certificate(name), privateKeyPath: certificates.privateKey(name))
    }
}

private final class Echo: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let answer: EventLoopPromise<String>

    init(answer: EventLoopPromise<String>) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        answer.succeed(String(buffer: unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(ChannelError.eof)
    }
}
