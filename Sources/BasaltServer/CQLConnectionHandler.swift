import BasaltNIOSupport
import BasaltCQLProtocol
import BasaltQuery
import Logging
import NIOCore

/// The message side of a connection: answers STARTUP, OPTIONS and REGISTER itself, and hands
/// QUERY, PREPARE, EXECUTE and BATCH to the query layer, many at a time, replying on each
/// request's stream as it completes (out of order).
///
/// Threading: every request runs as a task whose executor is this connection's event loop, started
/// with `Task.immediate` so that it runs inside `channelRead` until it first suspends. A handler that
/// answers without suspending is therefore answered inline, and one that suspends resumes on this
/// loop: no request crosses threads unless the query layer itself does.
///
/// Batching: responses are written as they are produced but flushed once per read burst (in
/// `channelReadComplete`, so a pipelined burst costs one `writev`), and completions outside a read
/// burst schedule one flush for the current loop tick, which covers every completion that lands in
/// the same tick.
final class CQLConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = CQLFrame
    typealias OutboundOut = CQLResponseFrame

    private var state: ConnectionStateMachine
    private let requestHandler: any CQLRequestHandler
    /// Checks AUTH_RESPONSE tokens; nil when connections need not log in.
    private let authenticator: (any CQLAuthenticator)?
    private let loginFailures: LoginFailures
    private let registry: ConnectionRegistry
    private let admission: ConnectionAdmission
    /// Counted in `admission` (and so to be released on close).
    private var admittedAddress: String?
    /// Not read while at `maximumRequestsPerConnection` requests in flight.
    private var pausedAtInFlightLimit = false
    /// Not read while the node holds more than `maximumRequestBytesInFlight` of requests.
    private var pausedAtDataLimit = false
    private var startupTimer: Scheduled<Void>?
    private let session = CQLSession()
    private var logger: Logger
    private var executor: EventLoopTaskExecutor?
    /// Between the first `channelRead` of a burst and its `channelReadComplete`.
    private var inReadBurst = false
    private var flushScheduled = false
    private var isActive = false
    /// This connection's row of `system_views.clients`, from `channelActive` on.
    private var record: ClientConnectionRecord?

    init(requestHandler: any CQLRequestHandler, authenticator: (any CQLAuthenticator)?, loginFailures: LoginFailures,
         registry: ConnectionRegistry, admission: ConnectionAdmission, logger: Logger) {
        state = ConnectionStateMachine(authenticatorClass: authenticator?.className)
        self.authenticator = authenticator
        self.loginFailures = loginFailures
        self.requestHandler = requestHandler
        self.registry = registry
        self.admission = admission
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(context.eventLoop)
        logger[metadataKey: "client"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
    }

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.channel.remoteAddress
        let address = remote?.ipAddress ?? "?"
        // Refused before anything is read or registered: the admission logs why (rate-limited).
        if admission.admit(address) != nil {
            context.close(promise: nil)
            return
        }
        admittedAddress = address
        isActive = true
        logger.debug("connection opened")
        let timeout = admission.limits.startupTimeout
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        startupTimer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            guard !handler.state.isStarted else { return }
            handler.logger.info("closing connection", metadata: ["reason": "no STARTUP within \(timeout.nanoseconds / 1_000_000_000) s"])
            context.close(promise: nil)
        }
        let record = ClientConnectionRecord(address: remote?.ipAddress ?? "0.0.0.0", port: Int32(remote?.port ?? 0))
        self.record = record
        registry.register(record, for: context.channel)
        if !registry.connections.add(context.channel) { drain(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        startupTimer?.cancel()
        if let address = admittedAddress {
            admission.release(address)
            admittedAddress = nil
        }
        guard isActive else { return context.fireChannelInactive() }
        isActive = false
        registry.connections.remove(context.channel)
        registry.unregister(context.channel)
        if pausedAtDataLimit { admission.forgetPaused(ObjectIdentifier(self)) }
        logger.debug("connection closed", metadata: ["in_flight": "\(state.inFlight)"])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBurst = true
        let frame = unwrapInboundIn(data)
        let request: CQLRequestFrame
        do {
            request = try CQLRequestFrame(decoding: frame)
        } catch {
            // The frame's length was valid, so the next frame starts where this one ended: the
            // connection stays usable and only this stream gets the protocol error.
            let message = (error as? CQLProtocolError)?.description ?? "\(error)"
            logger.debug("malformed request body", metadata: ["stream": "\(frame.stream)", "error": "\(message)"])
            write(ConnectionStateMachine.protocolError(message), stream: frame.stream, context: context)
            return
        }
        record?.requestReceived()
        let action = state.receive(request.request)
        if case .startup(let startup) = request.request, action.acceptsStartup {
            record?.started(options: startup.options, authenticating: authenticator != nil)
        }
        switch action {
        case .reply(let response):
            write(response, stream: request.stream, context: context)
        case .replyThenCompress(let response, let compression):
            write(response, stream: request.stream, context: context)
            context.triggerUserOutboundEvent(CQLFrameCodecHandler.EnableCompression(compression: compression), promise: nil)
        case .authenticate(let token):
            authenticate(token, stream: request.stream, context: context)
        case .dispatch(let cqlRequest):
            // Counted before it runs: a request answered inline releases its bytes at once.
            let bytes = CQLFrame.headerLength + frame.body.readableBytes
            let underNodeLimit = admission.requestStarted(bytes: bytes)
            dispatch(cqlRequest, stream: request.stream, bytes: bytes, context: context)
            // Frames already received are still handled; no more bytes are read until the limit frees.
            if state.inFlight >= admission.limits.maximumRequestsPerConnection, !pausedAtInFlightLimit {
                pausedAtInFlightLimit = true
                try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
            }
            if !underNodeLimit, !pausedAtDataLimit {
                pausedAtDataLimit = true
                try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let eventLoop = context.eventLoop
                admission.resumeWhenUnderRequestLimit(ObjectIdentifier(self)) {
                    eventLoop.execute {
                        let (handler, context) = loopBound.value
                        handler.pausedAtDataLimit = false
                        handler.readOnIfUnpaused(context: context)
                    }
                }
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        context.flush()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ConnectionEvent.push(let event):
            guard state.isSubscribed(to: event.type) else { return }
            context.writeAndFlush(wrapOutboundOut(CQLResponseFrame(stream: CQLEvent.stream, response: .event(event))), promise: nil)
        case ConnectionEvent.drain:
            drain(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Socket errors (reset by peer and the like) end this connection only.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func dispatch(_ request: CQLRequest, stream: Int16, bytes: Int, context: ChannelHandlerContext) {
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task.immediate(executorPreference: executor) { [requestHandler, session] in
            let response = await requestHandler.handle(request, session: session)
            // With the loop as executor preference we are back on it, unless the handler was
            // isolated elsewhere and this closure's caller changed; hop only in that case.
            if eventLoop.inEventLoop {
                let (handler, context) = loopBound.value
                handler.complete(response, stream: stream, bytes: bytes, context: context)
            } else {
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.complete(response, stream: stream, bytes: bytes, context: context)
                }
            }
        }
    }

    /// Checks the token off the loop (the hash is slow), then answers AUTH_SUCCESS or
    /// AuthenticationError on the loop; a failure leaves the connection waiting for another try.
    private func authenticate(_ token: [UInt8]?, stream: Int16, context: ChannelHandlerContext) {
        guard let authenticator else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let address = admittedAddress ?? "?"
        Task.immediate(executorPreference: executor) { [loginFailures] in
            let outcome: Result<String, AuthenticationFailure>
            do throws(AuthenticationFailure) {
                outcome = .success(try await authenticator.authenticate(token))
            } catch {
                outcome = .failure(error)
            }
            if case .failure(let failure) = outcome { loginFailures.record(failure, from: address) }
            eventLoop.execute {
                let (handler, context) = loopBound.value
                let closeNow = handler.state.authenticated((try? outcome.get()) != nil)
                switch outcome {
                case .success(let role):
                    handler.session.user = role
                    handler.record?.loggedIn(as: role)
                    handler.finish(.authSuccess(CQLAuthToken(token: nil)), stream: stream, closeNow: closeNow, context: context)
                case .failure(let failure):
                    handler.finish(.error(CQLErrorMessage(.badCredentials, message: failure.message)), stream: stream,
                                   closeNow: closeNow, context: context)
                }
            }
        }
    }

    private func complete(_ response: CQLResponse, stream: Int16, bytes: Int, context: ChannelHandlerContext) {
        admission.requestFinished(bytes: bytes)
        // A server error is the node's failure, not the client's: the operator must see it.
        if case .error(let error) = response, case .serverError = error.kind {
            logger.error("request failed", metadata: ["stream": "\(stream)", "error": "\(error.message)"])
        }
        let closeNow = state.requestCompleted()
        record?.keyspaceChanged(session.keyspace)
        finish(response, stream: stream, closeNow: closeNow, context: context)
    }

    /// Writes the answer of a dispatched request and reads on if its slot freed the in-flight limit.
    private func finish(_ response: CQLResponse, stream: Int16, closeNow: Bool, context: ChannelHandlerContext) {
        guard isActive else { return }
        if pausedAtInFlightLimit, state.inFlight < admission.limits.maximumRequestsPerConnection {
            pausedAtInFlightLimit = false
            readOnIfUnpaused(context: context)
        }
        write(response, stream: stream, context: context)
        if closeNow {
            context.flush()
            context.close(promise: nil)
        } else if !inReadBurst {
            scheduleFlush(context: context)
        }
    }

    /// Reads again once neither the connection's nor the node's limit holds it (and it is not draining).
    private func readOnIfUnpaused(context: ChannelHandlerContext) {
        guard isActive, !pausedAtInFlightLimit, !pausedAtDataLimit, !state.isDraining else { return }
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: true)
        context.read()
    }

    private func scheduleFlush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = loopBound.value
            handler.flushScheduled = false
            context.flush()
        }
    }

    private func drain(context: ChannelHandlerContext) {
        // No new reads; requests already received are still answered. The option can only fail
        // on a channel that is already closing, which is the goal anyway.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
        if state.drain() {
            context.flush()
            context.close(promise: nil)
        }
    }

    private func write(_ response: CQLResponse, stream: Int16, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(CQLResponseFrame(stream: stream, response: response)), promise: nil)
    }
}

@available(*, unavailable)
extension CQLConnectionHandler: Sendable {}
