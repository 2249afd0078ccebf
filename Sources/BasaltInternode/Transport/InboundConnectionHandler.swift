import BasaltNIOSupport
import BasaltCore
import BasaltTLS
import Logging
import NIOCore

/// The accepting side of a connection: answers HELLO, then runs every request and one-way message
/// through its verb's handler, many at a time, writing each response as it completes (out of
/// order; the request id pairs them up).
///
/// Isolation: a channel handler, so everything here runs on the connection's event loop. Handlers
/// run as tasks with that loop as executor preference, started with `Task.immediate` so that a
/// handler that never suspends answers inside `channelRead` itself.
///
/// Batching: responses are encoded into one buffer and written with one flush per read burst (in
/// `channelReadComplete`); responses completing outside a read burst schedule one flush for the
/// current loop tick, which covers every completion of that tick.
///
/// Limits: a peer has `connectTimeout` to send HELLO. At most `maximumInFlightRequestsPerConnection`
/// handlers run at once; requests beyond that which arrived in the same read wait in `backlog`, and
/// reading pauses until there is room again, as it does while the socket cannot take our
/// responses. A peer that floods requests or stops reading is slowed by TCP instead of growing our
/// memory.
final class InboundConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = InternodeFrame
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingHello
        case established(peer: NodeAddress, version: UInt8, counters: PeerCounters)
        /// HELLO was refused or broke the protocol; the close is on its way.
        case closing
    }

    private let shared: MessengerContext
    private var state = State.awaitingHello
    private var logger: Logger
    private var executor: EventLoopTaskExecutor?
    private var helloDeadline: Scheduled<Void>?
    /// `HandlerTasks` ids of this connection's running handlers.
    private var running: Set<UInt64> = []
    /// Requests received while `running` was full, in arrival order.
    private var backlog = CircularBuffer<InternodeFrame>()
    private var output = ByteBuffer()
    private var inReadBurst = false
    private var flushScheduled = false
    private var isActive = false
    private var draining = false
    private var readingPaused = false

    init(shared: MessengerContext) {
        self.shared = shared
        self.logger = shared.logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        executor = EventLoopTaskExecutor(context.eventLoop)
        logger[metadataKey: "remote"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
    }

    func channelActive(context: ChannelHandlerContext) {
        isActive = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        helloDeadline = context.eventLoop.scheduleTask(in: TimeAmount(shared.configuration.connectTimeout)) {
            let (handler, context) = loopBound.value
            handler.protocolViolation("no HELLO within the connect timeout", context: context)
        }
        if !shared.inbound.add(context.channel) { drain(context: context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        helloDeadline?.cancel()
        shared.inbound.remove(context.channel)
        // Nobody is left to read these answers: let the handlers stop early.
        for id in running { shared.handlerTasks.cancel(id) }
        backlog.removeAll()
        logger.debug("inbound connection closed", metadata: ["running": "\(running.count)"])
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        inReadBurst = true
        switch state {
        case .awaitingHello:
            receiveHello(frame, context: context)
        case .established(let peer, let version, let counters):
            counters.received.increment()
            guard frame.version == version, frame.kind == .request || frame.kind == .oneWay else {
                protocolViolation(
                    "\(frame.kind) frame of version \(frame.version) on a connection for version-\(version) requests",
                    context: context)
                return
            }
            if running.count < shared.configuration.maximumInFlightRequestsPerConnection {
                dispatch(frame, peer: peer, counters: counters, context: context)
            } else {
                backlog.append(frame)
                updateReading(context: context)
            }
        case .closing:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        flushOutput(context: context)
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        updateReading(context: context)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is DrainInboundConnection {
            drain(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A framing error (garbage, bad checksum, oversized frame) or a socket error ends this
        // connection only; every other connection of the node carries on.
        if let frameError = error as? InternodeFrameError {
            logger.warning("closing inbound connection on a framing error", metadata: ["error": "\(frameError)"])
        } else if TLSHandshakeFailure.matches(error) {
            logger.warning("closing inbound connection: TLS refused", metadata: ["error": "\(error)"])
        } else {
            logger.debug("inbound connection error", metadata: ["error": "\(error)"])
        }
        state = .closing
        context.close(promise: nil)
    }

    private func receiveHello(_ frame: InternodeFrame, context: ChannelHandlerContext) {
        helloDeadline?.cancel()
        guard frame.kind == .request, frame.verb == .handshake,
            frame.version == InternodeProtocol.handshakeFrameVersion
        else {
            let detail = "expected HELLO, got a \(frame.kind) frame for verb 0x\(String(frame.verbCode, radix: 16))"
            protocolViolation(detail, context: context)
            return
        }
        let hello: InternodeHello
        do {
            hello = try InternodeHello(decoding: frame.payload)
        } catch {
            protocolViolation("malformed HELLO: \(error)", context: context)
            return
        }
        let configuration = shared.configuration
        let answer = InternodeHandshake.answer(
            to: hello, clusterName: configuration.clusterName, supportedVersions: configuration.supportedVersions,
            hostID: configuration.hostID)
        output.writeInternodeFrame(
            InternodeFrame(
                version: InternodeProtocol.handshakeFrameVersion, kind: .response, verb: .handshake, requestID: 0,
                payload: answer.encoded()))
        logger[metadataKey: "peer"] = "\(hello.listenAddress)"
        guard answer.outcome == .accepted else {
            logger.warning(
                "refused handshake",
                metadata: [
                    "outcome": "\(answer.outcome)", "peer_cluster": "\(hello.clusterName)",
                    "peer_versions": "\(hello.supportedVersions)", "peer_host_id": "\(hello.hostID)",
                ])
            state = .closing
            closeAfterFlush(context: context)
            return
        }
        logger.debug("handshake accepted", metadata: ["version": "\(answer.version)"])
        let counters = shared.counters.counters(for: hello.listenAddress)
        state = .established(peer: hello.listenAddress, version: answer.version, counters: counters)
    }

    private func dispatch(
        _ frame: InternodeFrame, peer: NodeAddress, counters: PeerCounters, context: ChannelHandlerContext
    ) {
        let expectsResponse = frame.kind == .request
        guard let verb = frame.verb, verb != .handshake, let handler = handler(for: verb) else {
            if expectsResponse {
                let message = "no handler for verb 0x\(String(frame.verbCode, radix: 16))"
                writeAnswer(
                    .errorResponse, InternodeErrorResponse(code: .unknownVerb, message: message).encoded(),
                    verbCode: frame.verbCode, requestID: frame.requestID, counters: counters)
                scheduleFlushIfOutsideReadBurst(context: context)
            } else {
                counters.dropped.increment()
            }
            return
        }
        let request = InternodeRequest(
            verb: verb, payload: frame.payload, sender: peer, expectsResponse: expectsResponse)
        let id = shared.handlerTasks.makeID()
        running.insert(id)
        updateReading(context: context)
        let requestID = frame.requestID
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let task = Task.immediate(executorPreference: executor) {
            let outcome: Result<[UInt8], any Error>
            do {
                outcome = .success(try await handler(request))
            } catch {
                outcome = .failure(error)
            }
            // With the loop as executor preference we are back on it, unless the handler hopped to
            // an actor and the task resumed there; hop only in that case.
            let finish: @Sendable () -> Void = {
                let (handler, context) = loopBound.value
                handler.complete(
                    id: id, verb: verb, requestID: requestID, expectsResponse: expectsResponse, outcome: outcome,
                    counters: counters, context: context)
            }
            if eventLoop.inEventLoop { finish() } else { eventLoop.execute(finish) }
        }
        // A handler that finished without suspending has already completed and left `running`.
        if running.contains(id) { shared.handlerTasks.insert(task, id: id) }
    }

    private func handler(for verb: InternodeVerb) -> InternodeHandler? {
        if verb == .echo { return { $0.payload } }
        return shared.handlers.handler(for: verb)
    }

    private func complete(
        id: UInt64, verb: InternodeVerb, requestID: UInt64, expectsResponse: Bool, outcome: Result<[UInt8], any Error>,
        counters: PeerCounters, context: ChannelHandlerContext
    ) {
        running.remove(id)
        shared.handlerTasks.remove(id)
        guard isActive else { return }
        let limit = shared.configuration.maximumPayloadBytes
        // nil for one-way messages, which get no answer.
        let answer: (kind: InternodeFrameKind, payload: [UInt8])?
        switch outcome {
        case .success where !expectsResponse:
            answer = nil
        case .failure(let error) where !expectsResponse:
            logger.debug("one-way handler failed", metadata: ["verb": "\(verb)", "error": "\(error)"])
            answer = nil
        case .success(let payload) where payload.count > limit:
            let message = "response of \(payload.count) bytes exceeds the limit of \(limit) bytes"
            answer = (.errorResponse, InternodeErrorResponse(code: .handlerFailure, message: message).encoded())
        case .success(let payload):
            answer = (.response, payload)
        case .failure(let error as InternodeErrorResponse):
            answer = (.errorResponse, error.encoded())
        case .failure(let error):
            answer = (.errorResponse, InternodeErrorResponse(code: .handlerFailure, message: "\(error)").encoded())
        }
        if let answer {
            writeAnswer(answer.kind, answer.payload, verbCode: verb.rawValue, requestID: requestID, counters: counters)
        }
        if case .established(let peer, _, _) = state, !backlog.isEmpty {
            dispatch(backlog.removeFirst(), peer: peer, counters: counters, context: context)
        }
        if draining && running.isEmpty && backlog.isEmpty {
            closeAfterFlush(context: context)
        } else {
            updateReading(context: context)
            scheduleFlushIfOutsideReadBurst(context: context)
        }
    }

    private func writeAnswer(
        _ kind: InternodeFrameKind, _ payload: [UInt8], verbCode: UInt16, requestID: UInt64, counters: PeerCounters
    ) {
        guard case .established(_, let version, _) = state else { return }
        output.writeInternodeFrame(
            InternodeFrame(version: version, kind: kind, verbCode: verbCode, requestID: requestID, payload: payload))
        counters.sent.increment()
    }

    private func scheduleFlushIfOutsideReadBurst(context: ChannelHandlerContext) {
        guard !inReadBurst, !flushScheduled else { return }
        flushScheduled = true
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = loopBound.value
            handler.flushScheduled = false
            handler.flushOutput(context: context)
        }
    }

    private func flushOutput(context: ChannelHandlerContext) {
        guard isActive, output.readableBytes > 0 else { return }
        let buffer = output
        output = ByteBuffer()
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Reads only while handlers have room and the socket takes our answers: the two ways a peer
    /// could otherwise make this node hold unbounded work.
    private func updateReading(context: ChannelHandlerContext) {
        let wanted = !draining && backlog.isEmpty
            && running.count < shared.configuration.maximumInFlightRequestsPerConnection && context.channel.isWritable
        guard wanted == readingPaused else { return }
        readingPaused = !wanted
        // Fails only on a channel that is already closing, which stops reading anyway.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: wanted)
    }

    private func drain(context: ChannelHandlerContext) {
        draining = true
        updateReading(context: context)
        if running.isEmpty && backlog.isEmpty { closeAfterFlush(context: context) }
    }

    private func protocolViolation(_ detail: String, context: ChannelHandlerContext) {
        logger.warning("closing inbound connection on a protocol violation", metadata: ["detail": "\(detail)"])
        state = .closing
        context.close(promise: nil)
    }

    /// Closes once what is buffered is on the wire: closing at once would discard a refusal or
    /// the last answers, and the peer needs them to report the reason.
    private func closeAfterFlush(context: ChannelHandlerContext) {
        guard isActive else { return }
        let buffer = output
        output = ByteBuffer()
        context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension InboundConnectionHandler: Sendable {}
