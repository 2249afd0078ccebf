import BasaltCQLProtocol
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One TCP connection to one node, carrying many requests at once.
///
/// Threading: a caller on any thread takes a stream id from the `StreamTable` under the lock and
/// encodes its frame straight onto the end of `outbound`, the bytes the next flush writes (no
/// buffer of its own, no copy). The first caller of an event-loop tick schedules one flush for
/// that tick; everyone after it in the same tick only appends. So a burst of requests costs one
/// `write` system call and one wake-up of the event loop, not one each: a cross-core hand-off is
/// ~95 µs on the target machines, far more than encoding a request. A request that finds no free
/// id waits, unencoded, and is encoded when an answer frees one.
///
/// Answers are decoded on the event loop, many per read, and each is handed to its caller's
/// continuation; a freed stream id goes straight to the longest-waiting request, if any.
final class Connection: Sendable {
    /// A request on its way, and the caller awaiting the answer.
    struct Pending {
        let request: CQLRequest
        let continuation: UnsafeContinuation<CQLResponse, any Error>
    }

    private struct State {
        var streams: StreamTable<Pending>
        var outbound = ByteBuffer()
        var flushScheduled = false
        /// Set once; every later request fails with it at once.
        var closedError: BasaltClientError?
        var sweep: RepeatedTask?
        var lastReadUptime: UInt64
        var heartbeatInFlight = false
    }

    /// Bytes reserved for each batch of outgoing frames: some twenty small requests; a bigger
    /// burst grows it.
    private static let outboundCapacity = 4096

    let endpoint: Endpoint
    let channel: any Channel
    private let encoder: CQLFrameEncoder
    private let configuration: BasaltClient.Configuration
    private let state: Mutex<State>
    /// `StreamTable.pendingCount`, readable without the lock so a pool can pick its least busy
    /// connection cheaply.
    private let load = Atomic<Int>(0)
    private let onEvent: @Sendable (CQLEvent) -> Void
    private let onClose: Mutex<(@Sendable (Connection) -> Void)?>

    /// Thrown by `send` when the request never reached the wire (the connection was already
    /// closed): trying it elsewhere cannot apply it twice.
    struct NotSent: Error {
        var error: BasaltClientError
    }

    private init(
        endpoint: Endpoint, channel: any Channel, configuration: BasaltClient.Configuration,
        onEvent: @escaping @Sendable (CQLEvent) -> Void
    ) {
        self.endpoint = endpoint
        self.channel = channel
        self.configuration = configuration
        self.onEvent = onEvent
        encoder = CQLFrameEncoder(compression: configuration.compression)
        let capacity = min(max(1, configuration.maximumRequestsPerConnection), StreamTable<Pending>.maximumCapacity)
        state = Mutex(State(streams: StreamTable(capacity: capacity), lastReadUptime: NIODeadline.now().uptimeNanoseconds))
        onClose = Mutex(nil)
    }

    /// Opens a connection and completes the handshake (STARTUP, then `USE` if `keyspace` is set).
    /// `onEvent` receives EVENT frames (only a connection that REGISTERs gets any).
    static func open(
        to endpoint: Endpoint, on eventLoop: any EventLoop, configuration: BasaltClient.Configuration,
        keyspace: String?, onEvent: @escaping @Sendable (CQLEvent) -> Void = { _ in }
    ) async throws -> Connection {
        let created = eventLoop.makePromise(of: Connection.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            // Requests are batched by our own flushes; Nagle would only add latency.
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configuration.tls?.client.configure(channel.pipeline.syncOperations, host: endpoint.host)
                    let connection = Connection(
                        endpoint: endpoint, channel: channel, configuration: configuration, onEvent: onEvent)
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(connection: connection, compression: configuration.compression))
                    created.succeed(connection)
                }
            }
        do {
            _ = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            created.fail(error)
            throw BasaltClientError.connectionError(host: endpoint.description, message: "\(error)")
        }
        let connection = try await created.futureResult.get()
        connection.startSweeping()
        do {
            try await connection.handshake(keyspace: keyspace)
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Requests on the wire or waiting for a stream id.
    var pendingCount: Int { load.load(ordering: .relaxed) }

    /// Called once, after the connection closed and every pending request was failed.
    func setCloseHandler(_ handler: @escaping @Sendable (Connection) -> Void) {
        let alreadyClosed = state.withLock { $0.closedError != nil }
        if alreadyClosed {
            handler(self)
        } else {
            onClose.withLock { $0 = handler }
        }
    }

    /// Sends `request` and waits for its answer, or until `deadline`.
    func send(_ request: CQLRequest, deadline: NIODeadline) async throws -> CQLResponse {
        try await withUnsafeThrowingContinuation { continuation in
            enqueue(Pending(request: request, continuation: continuation), deadline: deadline)
        }
    }

    private func enqueue(_ pending: Pending, deadline: NIODeadline) {
        enum Outcome { case queued, flush, closed(BasaltClientError) }
        let outcome = state.withLock { state -> Outcome in
            if let error = state.closedError { return .closed(error) }
            defer { load.store(state.streams.pendingCount, ordering: .relaxed) }
            guard let stream = state.streams.acquire(pending, deadline: deadline.uptimeNanoseconds) else { return .queued }
            encoder.encode(CQLRequestFrame(stream: stream, request: pending.request), into: &state.outbound)
            if state.flushScheduled { return .queued }
            state.flushScheduled = true
            return .flush
        }
        switch outcome {
        case .queued: break
        case .flush: channel.eventLoop.execute { self.flush() }
        case .closed(let error): pending.continuation.resume(throwing: NotSent(error: error))
        }
    }

    /// Writes everything appended since the last flush in one go. Runs on the event loop.
    private func flush() {
        let outbound = state.withLock { state -> ByteBuffer? in
            state.flushScheduled = false
            guard state.outbound.readableBytes > 0 else { return nil }
            // The written buffer belongs to the channel now; the next requests start a new one,
            // sized for a burst so that appending rarely grows it.
            defer { state.outbound = channel.allocator.buffer(capacity: Self.outboundCapacity) }
            return state.outbound
        }
        if let outbound { channel.writeAndFlush(outbound, promise: nil) }
    }

    /// Hands decoded answers to their callers. Runs on the event loop, once per read.
    func deliver(_ frames: [CQLFrame]) {
        var answered: [(Pending, CQLFrame)] = []
        answered.reserveCapacity(frames.count)
        var events: [CQLFrame] = []
        let flushNow = state.withLock { state -> Bool in
            state.lastReadUptime = NIODeadline.now().uptimeNanoseconds
            var promoted = false
            for frame in frames {
                guard frame.stream >= 0 else {
                    events.append(frame)
                    continue
                }
                let (pending, next) = state.streams.complete(frame.stream)
                if let pending { answered.append((pending, frame)) }
                if let next {
                    encoder.encode(CQLRequestFrame(stream: next.stream, request: next.request.request), into: &state.outbound)
                    promoted = true
                }
            }
            load.store(state.streams.pendingCount, ordering: .relaxed)
            // Promoted waiters go out in this same tick, with no extra hop.
            guard promoted, !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        if flushNow { flush() }
        for (pending, frame) in answered {
            do {
                pending.continuation.resume(returning: try CQLResponseFrame(decoding: frame).response)
            } catch {
                pending.continuation.resume(throwing: BasaltClientError.protocolError(message: "\(error)"))
            }
        }
        for frame in events {
            guard case .event(let event)? = try? CQLResponseFrame(decoding: frame).response else { continue }
            onEvent(event)
        }
    }

    /// Closes the socket; pending requests fail with `connectionError` when it is gone.
    func close() {
        channel.close(promise: nil)
    }

    /// The socket is gone: fails every pending request, then tells the pool. Idempotent.
    func closed(reason: String) {
        let error = BasaltClientError.connectionError(host: endpoint.description, message: reason)
        let drained = state.withLock { state -> (sent: [Pending], waiting: [Pending])? in
            guard state.closedError == nil else { return nil }
            state.closedError = error
            state.sweep?.cancel()
            state.sweep = nil
            load.store(0, ordering: .relaxed)
            return state.streams.removeAll()
        }
        guard let drained else { return }
        // Requests on the wire may have been applied; waiting ones never left the client.
        for pending in drained.sent { pending.continuation.resume(throwing: error) }
        for pending in drained.waiting { pending.continuation.resume(throwing: NotSent(error: error)) }
        onClose.withLock { handler in
            defer { handler = nil }
            return handler
        }?(self)
    }

    // MARK: Handshake, timeouts, heartbeats

    private func handshake(keyspace: String?) async throws {
        var options = ["CQL_VERSION": "3.4.7", "DRIVER_NAME": BasaltClient.driverName, "DRIVER_VERSION": BasaltClient.driverVersion]
        options["COMPRESSION"] = configuration.compression?.rawValue
        let deadline = NIODeadline.now() + TimeAmount(configuration.connectTimeout)
        switch try await send(.startup(CQLStartup(options: options)), deadline: deadline) {
        case .ready:
            break
        case .authenticate(let authenticate):
            try await logIn(authenticate.authenticatorClass, deadline: deadline)
        case .error(let error):
            throw BasaltClientError(error)
        default:
            throw BasaltClientError.unexpectedResponse(message: "STARTUP was not answered with READY")
        }
        if let keyspace { try await use(keyspace, deadline: deadline) }
    }

    /// Answers AUTHENTICATE with the configured credentials as SASL PLAIN, which Cassandra's,
    /// ScyllaDB's and Basalt's PasswordAuthenticator take; a failed login is `badCredentials`.
    private func logIn(_ authenticatorClass: String, deadline: NIODeadline) async throws {
        guard let credentials = configuration.credentials else {
            throw BasaltClientError.badCredentials(
                message: "the node requires authentication (\(authenticatorClass)) but no credentials are configured")
        }
        let token = SASLPlainToken(username: credentials.username, password: credentials.password).encoded
        switch try await send(.authResponse(CQLAuthToken(token: token)), deadline: deadline) {
        case .authSuccess:
            break
        case .authChallenge:
            throw BasaltClientError.badCredentials(message: "\(authenticatorClass) sent a SASL challenge; only PLAIN is supported")
        case .error(let error):
            throw BasaltClientError(error)
        default:
            throw BasaltClientError.unexpectedResponse(message: "AUTH_RESPONSE was not answered with AUTH_SUCCESS")
        }
    }

    /// Makes `keyspace` this connection's current keyspace.
    func use(_ keyspace: String, deadline: NIODeadline) async throws {
        let query = CQLQuery(query: "USE \(quoteIdentifier(keyspace))", parameters: CQLQueryParameters(consistency: .one))
        switch try await send(.query(query), deadline: deadline) {
        case .result(.setKeyspace): break
        case .error(let error): throw BasaltClientError(error)
        default: throw BasaltClientError.unexpectedResponse(message: "USE was not answered with SET_KEYSPACE")
        }
    }

    /// Every 50 ms: fail requests past their deadline, close a connection whose ids are mostly
    /// held by answers that never came, and send a heartbeat when idle. One timer per connection
    /// instead of one per request keeps timeouts free on the hot path; 50 ms is the resolution.
    private func startSweeping() {
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(50), delay: .milliseconds(50)) {
            [weak self] _ in self?.sweep()
        }
        let closedAlready = state.withLock { state -> Bool in
            guard state.closedError == nil else { return true }
            state.sweep = task
            return false
        }
        if closedAlready { task.cancel() }
    }

    private func sweep() {
        let now = NIODeadline.now().uptimeNanoseconds
        let heartbeatNanoseconds = UInt64(configuration.heartbeatInterval.totalNanoseconds)
        let (expired, stuck, heartbeat) = state.withLock { state -> ([Pending], Bool, Bool) in
            let expired = state.streams.expire(now: now)
            if !expired.isEmpty { load.store(state.streams.pendingCount, ordering: .relaxed) }
            let stuck = state.streams.orphanedCount > state.streams.capacity / 2
            let idle = now &- state.lastReadUptime >= heartbeatNanoseconds && state.streams.pendingCount == 0
            let heartbeat = idle && !state.heartbeatInFlight && state.closedError == nil
            if heartbeat { state.heartbeatInFlight = true }
            return (expired, stuck, heartbeat)
        }
        let error = BasaltClientError.requestTimeout(host: endpoint.description, timeout: configuration.requestTimeout)
        for pending in expired { pending.continuation.resume(throwing: error) }
        if stuck {
            configuration.logger.warning("closing a connection whose node stopped answering", metadata: ["host": "\(endpoint)"])
            close()
        }
        if heartbeat { sendHeartbeat() }
    }

    private func sendHeartbeat() {
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        Task {
            do {
                _ = try await send(.options, deadline: deadline)
                state.withLock { $0.heartbeatInFlight = false }
            } catch {
                configuration.logger.info("heartbeat failed, closing", metadata: ["host": "\(endpoint)", "error": "\(error)"])
                close()
            }
        }
    }
}

/// Quotes a keyspace or table name for CQL text: `"name"`, with embedded quotes doubled.
func quoteIdentifier(_ name: String) -> String {
    var quoted = "\""
    for character in name {
        if character == "\"" { quoted.append("\"") }
        quoted.append(character)
    }
    return quoted + "\""
}
