import BasaltCore
import BasaltTLS
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection from this node to a peer's listen address, for one traffic class (urgent or
/// bulk). It connects lazily on the first message, sends HELLO, and then carries this node's
/// requests and one-way messages to the peer and the peer's responses back.
///
/// Life cycle:
///
///     idle --message--> connecting --TCP up--> handshaking --accepted--> ready
///       ^                   |                      |                       |
///       |                   +------ failure -------+--> backingOff         | closed
///       +-------------------------------------------------------------------+
///     backingOff --message after the back-off--> connecting
///     any --shutDown--> closed
///
/// While connecting and handshaking, messages wait unencoded (the frame version is only known once
/// negotiated). A failed attempt fails every waiting request at once; messages arriving during the
/// back-off that follows fail at once with `unreachable`. A connection lost once ready goes back to
/// idle: the next message reconnects immediately, and only a failure of that attempt backs off.
///
/// Isolation: every mutable field is confined to `eventLoop`, which is also the loop of every
/// channel this object opens (so channel callbacks need no hop). `request` and `send` may be called
/// from any thread; they hop to the loop. That is what makes the unchecked `Sendable` sound.
///
/// Batching: frames of one loop tick are encoded into one buffer, handed to the channel with one
/// `writeAndFlush` at the end of the tick.
final class OutboundConnection: @unchecked Sendable {
    private enum State {
        case idle
        /// The attempt's future: shutdown waits for it, because name resolution completes on
        /// another thread and then hops to this loop, which must still be running.
        case connecting(EventLoopFuture<any Channel>)
        case handshaking(any Channel, deadline: Scheduled<Void>)
        case ready(any Channel, version: UInt8)
        case backingOff(until: NIODeadline, lastError: String)
        case closed
    }

    private struct PendingRequest {
        var continuation: CheckedContinuation<[UInt8], any Error>
        var verb: InternodeVerb
        var timeout: Duration
        var timer: Scheduled<Void>
    }

    let peer: NodeAddress
    let eventLoop: any EventLoop
    private let shared: MessengerContext
    private let hello: InternodeHello
    private let counters: PeerCounters
    private let requestIDs = Atomic<UInt64>(0)
    private let entryGate = EntryGate()

    private var state = State.idle
    private var pending: [UInt64: PendingRequest] = [:]
    /// Frames waiting for the handshake, unencoded.
    private var waiting: [InternodeFrame] = []
    private var waitingBytes = 0
    /// Frames encoded during this tick, not yet handed to the channel.
    private var output = ByteBuffer()
    private var outputFrames = 0
    /// One-way frames among `waiting` and `output`: dropped (and counted) if the connection fails.
    private var unsentOneWays = 0
    /// Handed to the channel but not yet written to the socket.
    private var bytesInChannel = 0
    private var flushScheduled = false
    private var nextBackoff: Duration

    init(peer: NodeAddress, eventLoop: any EventLoop, shared: MessengerContext, hello: InternodeHello) {
        self.peer = peer
        self.eventLoop = eventLoop
        self.shared = shared
        self.hello = hello
        self.counters = shared.counters.counters(for: peer)
        self.nextBackoff = shared.configuration.initialReconnectBackoff
    }

    // MARK: - Entry points (any thread)

    func request(_ verb: InternodeVerb, payload: [UInt8], timeout: Duration) async throws -> [UInt8] {
        let id = requestIDs.wrappingAdd(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                // A cancellation that reaches the loop before its request finds nothing pending
                // and is ignored; checking here leaves only a narrow window in which that can
                // happen, and then the request still ends with its answer or its timeout.
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                guard entryGate.enter() else {
                    continuation.resume(throwing: InternodeError.notRunning)
                    return
                }
                eventLoop.execute {
                    self.enqueueRequest(
                        id: id, verb: verb, payload: payload, timeout: timeout, continuation: continuation)
                }
                entryGate.leave()
            }
        } onCancel: {
            guard entryGate.enter() else { return }
            eventLoop.execute { self.cancelRequest(id) }
            entryGate.leave()
        }
    }

    /// False if the connection is shut down: the message is dropped.
    func send(_ verb: InternodeVerb, payload: [UInt8]) -> Bool {
        guard entryGate.enter() else { return false }
        eventLoop.execute { self.enqueueOneWay(verb, payload: payload) }
        entryGate.leave()
        return true
    }

    /// Fails what is pending with `notRunning`, writes out the frames of this tick (a node's last
    /// gossip message), and closes. Returns when the channel is closed; after it nothing more is
    /// handed to the event loop, which may then stop.
    func shutDown() async {
        await entryGate.close()
        try? await eventLoop.flatSubmit {
            let closed: EventLoopFuture<Void>
            switch self.state {
            case .handshaking(let channel, let deadline):
                deadline.cancel()
                closed = channel.close()
            case .ready(let channel, _):
                self.flushOutput()
                closed = channel.close()
            case .connecting(let attempt):
                // `connected` closes the channel when it finds the connection closed.
                closed = attempt.flatMap { $0.closeFuture }
            case .idle, .backingOff, .closed:
                closed = self.eventLoop.makeSucceededVoidFuture()
            }
            self.state = .closed
            self.failAll(.notRunning)
            return closed.recover { _ in }
        }.get()
    }

    // MARK: - On the loop

    private func enqueueRequest(
        id: UInt64, verb: InternodeVerb, payload: [UInt8], timeout: Duration,
        continuation: CheckedContinuation<[UInt8], any Error>
    ) {
        let frame = InternodeFrame(version: 0, kind: .request, verb: verb, requestID: id, payload: payload)
        if let refusal = admit(frame) {
            continuation.resume(throwing: refusal)
            return
        }
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { self.expire(id) }
        pending[id] = PendingRequest(continuation: continuation, verb: verb, timeout: timeout, timer: timer)
        append(frame)
    }

    private func enqueueOneWay(_ verb: InternodeVerb, payload: [UInt8]) {
        let frame = InternodeFrame(version: 0, kind: .oneWay, verb: verb, requestID: 0, payload: payload)
        if let refusal = admit(frame) {
            shared.logger.trace(
                "dropped one-way message", metadata: ["peer": "\(peer)", "verb": "\(verb)", "reason": "\(refusal)"])
            counters.dropped.increment()
            return
        }
        unsentOneWays += 1
        append(frame)
    }

    /// Whether `frame` may be queued: nil if so (starting a connection when there is none),
    /// otherwise the error to fail it with.
    ///
    /// A full queue fails the message at once instead of making the caller wait for room. A peer
    /// whose socket cannot drain `maximumQueuedBytes` is slow or partitioned; queueing more there
    /// only adds latency to requests that would time out anyway and grows memory with every
    /// caller. Failing fast hands the decision back while the deadline still has room: the
    /// coordinator tries another replica, stores a hint, or answers the client.
    private func admit(_ frame: InternodeFrame) -> InternodeError? {
        switch state {
        case .closed:
            return .notRunning
        case .backingOff(let until, let lastError):
            guard NIODeadline.now() >= until else { return .unreachable(peer: peer, lastError: lastError) }
            connect()
        case .idle:
            connect()
        case .connecting, .handshaking, .ready:
            break
        }
        let queued = waitingBytes + output.readableBytes + bytesInChannel
        let limit = shared.configuration.maximumQueuedBytes
        guard queued + frame.encodedLength <= limit else {
            return .overloaded(peer: peer, queuedBytes: queued, limit: limit)
        }
        return nil
    }

    private func append(_ frame: InternodeFrame) {
        guard case .ready(_, let version) = state else {
            waiting.append(frame)
            waitingBytes += frame.encodedLength
            return
        }
        var frame = frame
        frame.version = version
        output.writeInternodeFrame(frame)
        outputFrames += 1
        guard !flushScheduled else { return }
        // Every frame queued in this tick (the tasks already in the loop's queue) goes out with one
        // flush, run after them.
        flushScheduled = true
        eventLoop.execute { self.flushOutput() }
    }

    private func flushOutput() {
        flushScheduled = false
        guard case .ready(let channel, _) = state, output.readableBytes > 0 else { return }
        let buffer = output
        let count = buffer.readableBytes
        output = ByteBuffer()
        counters.sent.increment(by: outputFrames)
        outputFrames = 0
        unsentOneWays = 0
        bytesInChannel += count
        // The promise completes once the bytes are in the kernel, or fails when the channel
        // closes: either way they no longer count against the queue.
        channel.writeAndFlush(buffer).whenComplete { _ in self.bytesInChannel -= count }
    }

    private func connect() {
        let shared = self.shared
        let host = peer.host
        let attempt = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(shared.configuration.connectTimeout))
            // Frames are coalesced per loop tick by us; Nagle would only add delay on top.
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // HELLO, written once connected, waits in the TLS handler for the handshake.
                    try shared.configuration.tls?.client.configure(channel.pipeline.syncOperations, host: host)
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(shared.makeDecoder()), OutboundChannelHandler(connection: self))
                }
            }
            .connect(host: peer.host, port: peer.port)
        state = .connecting(attempt)
        attempt.whenComplete { result in
            switch result {
            case .success(let channel): self.connected(channel)
            case .failure(let error): self.connectionFailed(.connectFailed(peer: self.peer, reason: "\(error)"))
            }
        }
    }

    private func connected(_ channel: any Channel) {
        guard case .connecting = state else {
            // Shut down while connecting.
            channel.close(promise: nil)
            return
        }
        let frame = InternodeFrame(
            version: InternodeProtocol.handshakeFrameVersion, kind: .request, verb: .handshake, requestID: 0,
            payload: hello.encoded())
        var buffer = channel.allocator.buffer(capacity: frame.encodedLength)
        buffer.writeInternodeFrame(frame)
        channel.writeAndFlush(buffer, promise: nil)
        let deadline = eventLoop.scheduleTask(in: TimeAmount(shared.configuration.connectTimeout)) {
            let reason = "no handshake answer within the connect timeout"
            self.connectionFailed(.connectFailed(peer: self.peer, reason: reason))
            channel.close(promise: nil)
        }
        state = .handshaking(channel, deadline: deadline)
    }

    /// A frame from `channel`, from `OutboundChannelHandler`.
    func received(_ frame: InternodeFrame, on channel: any Channel) {
        switch state {
        case .handshaking(let current, let deadline) where current === channel:
            deadline.cancel()
            receiveHelloAnswer(frame, channel: channel)
        case .ready(let current, let version) where current === channel:
            receiveAnswer(frame, version: version, channel: channel)
        default:
            // A frame still buffered from a channel this connection already gave up on.
            break
        }
    }

    private func receiveHelloAnswer(_ frame: InternodeFrame, channel: any Channel) {
        guard frame.kind == .response, frame.verb == .handshake,
            let answer = try? InternodeHelloAnswer(decoding: frame.payload)
        else {
            connectionFailed(.connectFailed(peer: peer, reason: "malformed handshake answer"))
            channel.close(promise: nil)
            return
        }
        switch InternodeHandshake.version(accepting: answer, offered: hello) {
        case .success(let version):
            shared.logger.debug(
                "connected", metadata: ["peer": "\(peer)", "version": "\(version)", "peer_host_id": "\(answer.hostID)"])
            state = .ready(channel, version: version)
            nextBackoff = shared.configuration.initialReconnectBackoff
            let frames = waiting
            waiting = []
            waitingBytes = 0
            for frame in frames { append(frame) }
        case .failure(let refusal):
            shared.logger.warning("handshake refused", metadata: ["peer": "\(peer)", "reason": "\(refusal)"])
            connectionFailed(.handshakeRefused(peer: peer, refusal))
            channel.close(promise: nil)
        }
    }

    private func receiveAnswer(_ frame: InternodeFrame, version: UInt8, channel: any Channel) {
        guard frame.kind.isAnswer, frame.version == version else {
            shared.logger.warning(
                "closing connection on a protocol violation",
                metadata: [
                    "peer": "\(peer)", "detail": "\(frame.kind) frame of version \(frame.version) from the acceptor",
                ])
            channel.close(promise: nil)
            return
        }
        guard let request = pending.removeValue(forKey: frame.requestID) else {
            // Timed out or cancelled: nobody waits for it any more.
            counters.dropped.increment()
            return
        }
        request.timer.cancel()
        counters.received.increment()
        guard frame.verbCode == request.verb.rawValue else {
            let detail = "answer to \(request.verb) carries verb 0x\(String(frame.verbCode, radix: 16))"
            request.continuation.resume(throwing: InternodeError.protocolViolation(peer: peer, detail: detail))
            return
        }
        guard frame.kind == .errorResponse else {
            request.continuation.resume(returning: frame.payload)
            return
        }
        do {
            let response = try InternodeErrorResponse(decoding: frame.payload)
            request.continuation.resume(throwing: InternodeError.remote(peer: peer, verb: request.verb, response))
        } catch {
            let detail = "malformed error response: \(error)"
            request.continuation.resume(throwing: InternodeError.protocolViolation(peer: peer, detail: detail))
        }
    }

    /// `channel` closed, from `OutboundChannelHandler`.
    func closed(_ channel: any Channel) {
        switch state {
        case .handshaking(let current, let deadline) where current === channel:
            deadline.cancel()
            connectionFailed(.connectFailed(peer: peer, reason: "connection closed during the handshake"))
        case .ready(let current, _) where current === channel:
            shared.logger.info("connection lost", metadata: ["peer": "\(peer)", "pending": "\(pending.count)"])
            state = .idle
            failAll(.connectionLost(peer: peer))
        default:
            break
        }
    }

    /// An error on one of this connection's channels, just before it is closed.
    func log(_ error: any Error) {
        // A refused certificate keeps this node out of the cluster: the operator must see it.
        if TLSHandshakeFailure.matches(error) {
            shared.logger.warning("outbound connection: TLS refused", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return
        }
        let level: Logger.Level = error is InternodeFrameError ? .warning : .debug
        shared.logger.log(level: level, "outbound connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
    }

    /// A connection attempt failed: fail what waited for it and back off before the next one.
    private func connectionFailed(_ error: InternodeError) {
        // After shutDown everything has already failed with `notRunning`.
        if case .closed = state { return }
        shared.logger.debug("connection attempt failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
        state = .backingOff(until: .now() + TimeAmount(nextBackoff), lastError: "\(error)")
        nextBackoff = min(nextBackoff * 2, shared.configuration.maximumReconnectBackoff)
        failAll(error)
    }

    private func failAll(_ error: InternodeError) {
        let requests = pending
        pending = [:]
        counters.dropped.increment(by: unsentOneWays)
        unsentOneWays = 0
        waiting = []
        waitingBytes = 0
        output = ByteBuffer()
        outputFrames = 0
        for request in requests.values {
            request.timer.cancel()
            request.continuation.resume(throwing: error)
        }
    }

    private func expire(_ id: UInt64) {
        guard let request = pending.removeValue(forKey: id) else { return }
        counters.timeouts.increment()
        let error = InternodeError.timeout(peer: peer, verb: request.verb, after: request.timeout)
        request.continuation.resume(throwing: error)
    }

    private func cancelRequest(_ id: UInt64) {
        guard let request = pending.removeValue(forKey: id) else { return }
        request.timer.cancel()
        request.continuation.resume(throwing: CancellationError())
    }
}
