import BasaltQuery
import BasaltTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The node's admin endpoint: HTTP/1.1 with JSON answers on `admin_port` of the listen address,
/// serving the routes of `AdminRouter` (what `basalt admin` calls; docs/admin.md).
///
/// One request per connection (the answer closes it): the CLI makes one call per command, and a
/// long call (repair) never holds a pipelined queue behind it. A request with a body over
/// `maximumBodyBytes`, or a connection that sends nothing for `idleTimeout`, is closed, so a
/// broken client costs one socket for a bounded time.
///
/// With `tls` the endpoint speaks HTTPS (`admin_encryption_options`); with `access` (the node
/// requires logins) every request must carry a superuser's Basic credentials (`AdminAuthentication`).
public final class AdminServer: Sendable {
    public static let maximumBodyBytes = 64 << 10
    public static let idleTimeout: TimeAmount = .seconds(30)

    public let host: String
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let logger: Logger
    private let endpoint: Endpoint

    private init(host: String, port: Int, endpoint: Endpoint, group: MultiThreadedEventLoopGroup, channel: any Channel,
                 logger: Logger) {
        self.endpoint = endpoint
        self.host = host
        self.port = port
        self.group = group
        self.channel = channel
        self.logger = logger
    }

    /// What an endpoint serves, for its log lines and errors: the admin commands, or the
    /// Prometheus metrics (the same server with one route, on `prometheus_port`).
    public enum Endpoint: String, Sendable {
        case admin = "admin_port"
        case metrics = "prometheus_port"

        var name: String { self == .admin ? "admin endpoint" : "metrics endpoint" }
    }

    /// Binds `host:port` (port 0: any free port, read back from `port`).
    public static func start(host: String, port: Int, router: AdminRouter, endpoint: Endpoint = .admin, tls: ServerTLS? = nil,
                             access: AccessControl? = nil, logger: Logger) async throws -> AdminServer {
        let authentication = access.map(AdminAuthentication.init)
        // One thread: admin calls are rare, and the heavy ones (flush, repair) run off the loop.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls?.configure(channel.pipeline.syncOperations)
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(AdminRequestHandler(router: router, authentication: authentication,
                                                                                      logger: logger))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            logger.info("\(endpoint.name) listening", metadata: [
                "address": "\(host):\(bound)", "tls": "\(tls.map(\.mode) ?? "off")", "logins": "\(access == nil ? "off" : "superusers")",
            ])
            return AdminServer(host: host, port: bound, endpoint: endpoint, group: group, channel: channel, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw AdminServerError.cannotBind(host: host, port: port, endpoint: endpoint, reason: "\(error)")
        }
    }

    /// Stops accepting and stops the loop; a call still running is cut off with it.
    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
        logger.info("\(endpoint.name) stopped")
    }
}

public enum AdminServerError: Error, Hashable, CustomStringConvertible {
    case cannotBind(host: String, port: Int, endpoint: AdminServer.Endpoint, reason: String)

    public var description: String {
        switch self {
        case .cannotBind(let host, let port, let endpoint, let reason):
            "cannot bind the \(endpoint.name) on \(host):\(port) (\(endpoint.rawValue)): \(reason)"
        }
    }
}

/// Collects one request, answers it through the router off the event loop, writes the JSON and
/// closes the connection.
final class AdminRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: AdminRouter
    private let authentication: AdminAuthentication?
    private let logger: Logger
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var answered = false

    init(router: AdminRouter, authentication: AdminAuthentication?, logger: Logger) {
        self.router = router
        self.authentication = authentication
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            if bodyBytes > AdminServer.maximumBodyBytes {
                write(AdminRouter.refusal(413, "request body over \(AdminServer.maximumBodyBytes) bytes"), context: context)
            }
        case .end:
            guard let head else { return }
            answered = true
            let request: AdminRequest
            do {
                request = try AdminRequest(method: head.method.rawValue, uri: head.uri)
            } catch {
                write(AdminRouter.refusal(400, "\(error)"), context: context)
                return
            }
            let router = self.router
            let authentication = self.authentication
            let authorization = head.headers.first(name: "Authorization")
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            Task {
                // Nothing runs before the check: a refused request never reaches the router.
                let refusal = await authentication?.refusal(authorization: authorization)
                let response = if let refusal { refusal } else { await router.respond(to: request) }
                loop.execute {
                    let (handler, context) = bound.value
                    handler.write(response, context: context)
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, !answered {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func write(_ response: AdminResponse, context: ChannelHandlerContext) {
        answered = true
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        for (name, value) in response.headers { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus(statusCode: response.status)
        let version = head?.version ?? .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        let afterWrite = response.afterWrite
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in afterWrite?() }
        context.close(promise: nil)
    }
}
