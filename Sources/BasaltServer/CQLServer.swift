import BasaltQuery
import Logging
import NIOCore
import NIOPosix

/// The CQL native-protocol (v4) listener. `start` binds and returns the running server; `stop`
/// shuts it down gracefully. Each accepted connection gets the pipeline
///
///     NIOSSLServerHandler   (with client_encryption_options; or OptionalTLSHandler, which peeks
///                            the first byte and puts TLS in or not)
///     CQLFrameCodecHandler  (bytes <-> frames, lz4, framing errors)
///     CQLConnectionHandler  (ConnectionStateMachine, dispatch to the query layer, batched flushes)
///
/// and stays on one event loop for its life.
public final class CQLServer: Sendable {
    public let configuration: ServerConfiguration
    /// The address actually bound (the real port when the configuration asked for 0).
    public let localAddress: SocketAddress
    public let connections: ConnectionRegistry
    /// What the connections hold against `ConnectionLimits`.
    let admission: ConnectionAdmission
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let logger: Logger

    private init(
        configuration: ServerConfiguration, group: MultiThreadedEventLoopGroup, serverChannel: any Channel,
        connections: ConnectionRegistry, admission: ConnectionAdmission, logger: Logger
    ) throws {
        self.admission = admission
        self.configuration = configuration
        self.group = group
        self.serverChannel = serverChannel
        self.connections = connections
        self.logger = logger
        guard let address = serverChannel.localAddress else { throw ChannelError.ioOnClosedChannel }
        localAddress = address
    }

    /// The bound port (for `port: 0` configurations).
    public var port: Int { localAddress.port ?? configuration.port }

    /// Binds the listener. `connections` is the event sink handed to the query layer.
    public static func start(
        configuration: ServerConfiguration, handler: any CQLRequestHandler, authenticator: (any CQLAuthenticator)? = nil,
        connections: ConnectionRegistry = ConnectionRegistry(), logger: Logger = Logger(label: "basalt.server")
    ) async throws -> CQLServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        let maximumBodyBytes = configuration.maximumFrameBodyBytes
        let admission = ConnectionAdmission(limits: configuration.limits, logger: logger)
        let loginFailures = LoginFailures(logger: logger)
        let tls = configuration.tls
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Int32(clamping: configuration.backlog))
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Responses are small and latency-bound; batching is done by our flushes, not Nagle.
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Read up to 16 times per wake-up before yielding, so a pipelining client's burst is
            // decoded and dispatched together and answered with one flush.
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connectionLogger = logger
                    try tls?.configure(channel.pipeline.syncOperations)
                    try channel.pipeline.syncOperations.addHandlers(
                        CQLFrameCodecHandler(maximumBodyBytes: maximumBodyBytes, admission: admission, logger: connectionLogger),
                        CQLConnectionHandler(requestHandler: handler, authenticator: authenticator,
                                             loginFailures: loginFailures, registry: connections, admission: admission,
                                             logger: connectionLogger))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            let server = try CQLServer(
                configuration: configuration, group: group, serverChannel: channel, connections: connections,
                admission: admission, logger: logger)
            logger.info("listening", metadata: ["address": "\(server.localAddress)", "tls": "\(tls.map(\.mode) ?? "off")"])
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Graceful shutdown: stop accepting, let every connection answer what it has in flight and
    /// close (forcibly after `shutdownGracePeriod`), then stop the event loops. When this returns
    /// no request is running, so the caller may close storage (syncing the commit log).
    public func stop() async {
        try? await serverChannel.close()
        let open = connections.connections.beginDraining()
        logger.info("draining connections", metadata: ["connections": "\(open.count)"])
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ConnectionEvent.drain) }
        let deadline = group.next().scheduleTask(in: configuration.shutdownGracePeriod) {
            for channel in open { channel.close(promise: nil) }
        }
        for channel in open { try? await channel.closeFuture.get() }
        deadline.cancel()
        try? await group.shutdownGracefully()
        logger.info("server stopped")
    }
}
