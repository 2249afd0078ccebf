import BasaltCQLProtocol
import Logging
import NIOCore

/// The byte side of a connection: request bytes in, `CQLFrame`s out; `CQLResponseFrame`s in,
/// bytes out, compressed once STARTUP negotiated it.
///
/// It decodes one frame at a time and passes it on before decoding the next, so that when STARTUP
/// switches compression on (`EnableCompression`, sent back through the pipeline while STARTUP is
/// still being handled) the frames already received behind it are decoded with it.
///
/// A framing error (unknown version, oversized or negative length, corrupt lz4, random bytes)
/// leaves the stream position unknown: the connection gets the protocol's ERROR reply on the
/// offending stream and is closed. Nothing else is shared, so other connections never notice.
///
/// Bytes of a frame received only in part count against the node-wide
/// `ConnectionLimits.maximumPartialFrameBytes` (a connection that would take the node over it is
/// closed), and a frame begun must be complete within `partialFrameTimeout`.
final class CQLFrameCodecHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = CQLFrame
    typealias OutboundIn = CQLResponseFrame
    typealias OutboundOut = ByteBuffer

    /// Outbound user event from the connection handler, sent right after READY was written.
    struct EnableCompression: Sendable {
        var compression: CQLCompression
    }

    private var decoder: CQLFrameDecoder
    private var encoder = CQLFrameEncoder()
    private var failed = false
    private let logger: Logger
    private let admission: ConnectionAdmission
    /// Buffered bytes as last counted in `admission`.
    private var countedBytes = 0
    /// Runs while a frame is incomplete; restarted whenever one completes.
    private var partialFrameTimer: Scheduled<Void>?

    init(maximumBodyBytes: Int, admission: ConnectionAdmission, logger: Logger) {
        decoder = CQLFrameDecoder(configuration: .init(direction: .request, maximumBodyLength: maximumBodyBytes))
        self.admission = admission
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // After a framing error the remaining bytes are meaningless; the close is on its way.
        guard !failed else { return }
        decoder.feed(unwrapInboundIn(data))
        var completed = false
        do {
            while !failed, let frame = try decoder.nextFrame() {
                completed = true
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            fail(error, context: context)
            return
        }
        guard !failed else { return }
        account(completedAFrame: completed, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    /// Counts what the decoder holds and (re)arms the partial-frame timer.
    private func account(completedAFrame: Bool, context: ChannelHandlerContext) {
        let held = decoder.bufferedByteCount
        if held != countedBytes {
            guard admission.adjustPartialFrameBytes(from: countedBytes, to: held) else {
                countedBytes = 0
                close(context, reason: "partly received frames of all connections over \(admission.limits.maximumPartialFrameBytes) bytes")
                return
            }
            countedBytes = held
        }
        if completedAFrame || held == 0 {
            partialFrameTimer?.cancel()
            partialFrameTimer = nil
        }
        if held > 0, partialFrameTimer == nil {
            let timeout = admission.limits.partialFrameTimeout
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            partialFrameTimer = context.eventLoop.scheduleTask(in: timeout) {
                let (handler, context) = loopBound.value
                handler.partialFrameTimer = nil
                handler.close(context, reason: "a frame stayed incomplete for \(timeout.nanoseconds / 1_000_000_000) s")
            }
        }
    }

    private func close(_ context: ChannelHandlerContext, reason: String) {
        failed = true
        release()
        logger.info("closing connection", metadata: ["reason": "\(reason)"])
        context.close(promise: nil)
    }

    private func release() {
        partialFrameTimer?.cancel()
        partialFrameTimer = nil
        if countedBytes > 0 {
            _ = admission.adjustPartialFrameBytes(from: countedBytes, to: 0)
            countedBytes = 0
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let response = unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: CQLFrame.headerLength + 64)
        encoder.encode(response, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let enable = event as? EnableCompression else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        decoder.compression = enable.compression
        encoder.compression = enable.compression
        promise?.succeed()
    }

    private func fail(_ error: CQLProtocolError, context: ChannelHandlerContext) {
        failed = true
        logger.info("closing connection on a framing error", metadata: ["error": "\(error)"])
        var reply = context.channel.allocator.buffer(capacity: 128)
        CQLFrameEncoder.encodeReply(to: error, into: &reply)
        // Close only once the reply is on the wire: closing at once would discard it, and the
        // driver needs its text ("unsupported protocol version") to step down a version.
        context.writeAndFlush(wrapOutboundOut(reply)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
