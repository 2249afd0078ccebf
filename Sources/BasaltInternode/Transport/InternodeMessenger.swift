import BasaltCore
import BasaltTLS
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One node's end of the node-to-node transport: it listens for peers, runs their requests
/// through registered verb handlers, and sends this node's requests and one-way messages.
///
///     let messenger = InternodeMessenger(configuration: configuration)
///     messenger.register(.readData) { request in try await readLocally(request.payload) }
///     try await messenger.start()
///     let answer = try await messenger.request(.readData, payload: query, to: replica, timeout: .seconds(2))
///     messenger.send(.gossipSyn, payload: digests, to: seed)
///     await messenger.shutdown()
///
/// Connections: to each peer, up to two outbound connections opened on first use, one for urgent
/// verbs (gossip, echo: `InternodeVerb.isUrgent`) and one for bulk traffic, so that a queue of
/// large mutations never delays a heartbeat. A connection carries requests from the node that
/// opened it and responses back; a peer's requests to us come on the connections it opens. So no
/// connection is ever shared by two senders and both nodes may connect at the same time.
///
/// Thread safety: every method may be called from any thread or task.
public final class InternodeMessenger: Sendable {
    private enum TrafficClass: Hashable {
        case urgent
        case bulk
    }

    private struct OutboundKey: Hashable {
        var peer: NodeAddress
        var trafficClass: TrafficClass
    }

    private enum Phase {
        case created
        case running
        case stopped
    }

    private struct State {
        var phase = Phase.created
        var group: MultiThreadedEventLoopGroup?
        var serverChannel: (any Channel)?
        var hello: InternodeHello?
        var outbound: [OutboundKey: OutboundConnection] = [:]
    }

    public let configuration: InternodeMessengerConfiguration
    private let shared: MessengerContext
    private let state = Mutex(State())

    public init(configuration: InternodeMessengerConfiguration, logger: Logger = Logger(label: "basalt.internode")) {
        self.configuration = configuration
        self.shared = MessengerContext(configuration: configuration, logger: logger)
    }

    /// Sets the handler of `verb`, replacing any earlier one. Register before `start` to have no
    /// window in which the verb is answered with `unknownVerb`. ECHO is answered by the messenger
    /// and HANDSHAKE belongs to the transport; neither can be registered.
    public func register(_ verb: InternodeVerb, handler: @escaping InternodeHandler) {
        precondition(verb != .handshake && verb != .echo, "\(verb) is answered by the messenger itself")
        shared.handlers.register(verb, handler)
    }

    /// Binds the listen address and starts accepting peers.
    public func start() async throws {
        precondition(state.withLock { $0.phase == .created }, "InternodeMessenger.start called twice or after shutdown")
        try configuration.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
        let shared = self.shared
        let queuedBytes = configuration.maximumQueuedBytes
        let tls = configuration.tls?.server
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            // A restarted node must get its port back while the old connections sit in TIME_WAIT.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Read up to 16 times per wake-up, so a burst of requests is decoded and dispatched
            // together and answered with one flush.
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Reading pauses while more than this many response bytes wait for the socket.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: queuedBytes / 2, high: queuedBytes))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try tls?.configure(channel.pipeline.syncOperations)
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(shared.makeDecoder()), InboundConnectionHandler(shared: shared))
                }
            }
        let channel: any Channel
        do {
            let listen = configuration.listenAddress
            channel = try await bootstrap.bind(host: listen.host, port: listen.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let listen = configuration.listenAddress
        let address = NodeAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port)
        let hello = InternodeHello(
            supportedVersions: configuration.supportedVersions, clusterName: configuration.clusterName,
            listenAddress: address, hostID: configuration.hostID)
        state.withLock { state in
            state.phase = .running
            state.group = group
            state.serverChannel = channel
            state.hello = hello
        }
        shared.logger.info(
            "internode listening",
            metadata: ["address": "\(address)", "cluster": "\(configuration.clusterName)", "tls": "\(tls.map(\.mode) ?? "off")"])
    }

    /// The address peers reach this node at (with the bound port when the configuration asked for
    /// port 0); nil before `start`.
    public var listenAddress: NodeAddress? {
        state.withLock { $0.hello?.listenAddress }
    }

    /// Sends `payload` to `peer` as a `verb` request and returns the response payload.
    ///
    /// Many requests may be in flight on one connection; each completes when its own response
    /// arrives, in any order. Throws `InternodeError` (`.timeout` when `timeout` passes first,
    /// `.remote` when the peer answers with an error, `.connectionLost`, `.overloaded`, ...), or
    /// `CancellationError` when the calling task is cancelled.
    public func request(
        _ verb: InternodeVerb, payload: [UInt8], to peer: NodeAddress, timeout: Duration
    ) async throws -> [UInt8] {
        precondition(verb != .handshake, "HANDSHAKE belongs to the transport")
        let connection = try connection(to: peer, verb: verb, payloadBytes: payload.count)
        return try await connection.request(verb, payload: payload, timeout: timeout)
    }

    /// Sends a one-way message (gossip): no answer, no error. When it cannot be sent (peer
    /// unreachable, queue full, connection lost before the write, messenger not running) it is
    /// dropped and counted in `statistics()`: the gossip protocol repairs a lost round by itself.
    public func send(_ verb: InternodeVerb, payload: [UInt8], to peer: NodeAddress) {
        precondition(verb != .handshake, "HANDSHAKE belongs to the transport")
        do {
            guard try connection(to: peer, verb: verb, payloadBytes: payload.count).send(verb, payload: payload) else {
                throw InternodeError.notRunning
            }
        } catch {
            shared.logger.debug(
                "dropped one-way message", metadata: ["peer": "\(peer)", "verb": "\(verb)", "reason": "\(error)"])
            shared.counters.counters(for: peer).dropped.increment()
        }
    }

    /// Sent, received, dropped and timed-out messages per peer, now.
    public func statistics() -> InternodeStatistics {
        shared.counters.snapshot()
    }

    /// Stops the transport: requests still waiting for an answer fail with `notRunning`, the frames
    /// already queued on open connections are written, peers' requests already running are answered
    /// (for up to `shutdownGracePeriod`), then every connection closes and the event loops stop.
    /// Safe to call more than once; requests racing with it fail with `notRunning`.
    public func shutdown() async {
        let taken = state.withLock { state -> (MultiThreadedEventLoopGroup, (any Channel)?, [OutboundConnection])? in
            guard case .running = state.phase, let group = state.group else {
                state.phase = .stopped
                return nil
            }
            state.phase = .stopped
            defer { state.outbound = [:] }
            return (group, state.serverChannel, Array(state.outbound.values))
        }
        guard let taken else { return }
        let (group, serverChannel, outbound) = taken
        try? await serverChannel?.close()
        for connection in outbound { await connection.shutDown() }

        let inbound = shared.inbound.beginDraining()
        for channel in inbound { channel.pipeline.fireUserInboundEventTriggered(DrainInboundConnection()) }
        let grace = configuration.shutdownGracePeriod
        let forceClose = group.next().scheduleTask(in: TimeAmount(grace)) {
            for channel in inbound { channel.close(promise: nil) }
        }
        for channel in inbound { try? await channel.closeFuture.get() }
        forceClose.cancel()
        // Closing cancelled the handlers still running; they must finish before their loops stop.
        await shared.handlerTasks.cancelAllAndWait(upTo: grace)
        try? await group.shutdownGracefully()
        shared.logger.info("internode stopped")
    }

    /// The connection for `verb` traffic to `peer`, created (unconnected) on first use.
    private func connection(
        to peer: NodeAddress, verb: InternodeVerb, payloadBytes: Int
    ) throws(InternodeError) -> OutboundConnection {
        let limit = configuration.maximumPayloadBytes
        guard payloadBytes <= limit else { throw .payloadTooLarge(length: payloadBytes, limit: limit) }
        let key = OutboundKey(peer: peer, trafficClass: verb.isUrgent ? .urgent : .bulk)
        let shared = self.shared
        return try state.withLock { (state: inout State) throws(InternodeError) -> OutboundConnection in
            guard case .running = state.phase, let group = state.group, let hello = state.hello else {
                throw .notRunning
            }
            if let connection = state.outbound[key] { return connection }
            let connection = OutboundConnection(peer: peer, eventLoop: group.next(), shared: shared, hello: hello)
            state.outbound[key] = connection
            return connection
        }
    }

    /// Open outbound connection objects to `peer` (urgent and bulk), for tests of the split.
    func outboundConnectionCount(to peer: NodeAddress) -> Int {
        state.withLock { state in state.outbound.keys.filter { $0.peer == peer }.count }
    }
}
