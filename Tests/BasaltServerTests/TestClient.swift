import BasaltCQLProtocol
import NIOCore
import NIOPosix
import Synchronization

/// A minimal CQL client over real TCP for the tests: frames go out through `CQLFrameEncoder`, and
/// what comes back is decoded with `CQLFrameDecoder` and queued, raw bytes kept for inspection.
final class TestClient {
    enum Received: Sendable {
        case frame(CQLResponseFrame)
        case closed
    }

    private let channel: any Channel
    private var received: AsyncStream<Received>.Iterator
    private let raw: RawBytes
    private var encoder = CQLFrameEncoder()

    private init(channel: any Channel, received: AsyncStream<Received>, raw: RawBytes) {
        self.channel = channel
        self.received = received.makeAsyncIterator()
        self.raw = raw
    }

    static func connect(port: Int) async throws -> TestClient {
        let (stream, continuation) = AsyncStream<Received>.makeStream()
        let raw = RawBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation, raw: raw))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel, received: stream, raw: raw)
    }

    /// Every byte received so far, before decoding (to check compression flags on the wire).
    var rawBytes: [UInt8] { raw.bytes.withLock { $0 } }

    /// Compress requests from now on (the client's side of STARTUP COMPRESSION=lz4, after READY).
    func compressRequests() { encoder.compression = .lz4 }

    func send(_ request: CQLRequest, stream: Int16) async throws {
        var buffer = channel.allocator.buffer(capacity: 64)
        encoder.encode(CQLRequestFrame(stream: stream, request: request), into: &buffer)
        try await channel.writeAndFlush(buffer)
    }

    func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    /// The next response, or nil once the server closed the connection.
    func next() async -> CQLResponseFrame? {
        switch await received.next() {
        case .frame(let frame): frame
        case .closed, nil: nil
        }
    }

    /// Sends and waits for the answer (only with no other request outstanding).
    func request(_ request: CQLRequest, stream: Int16 = 1) async throws -> CQLResponse? {
        try await send(request, stream: stream)
        guard let frame = await next() else { return nil }
        precondition(frame.stream == stream, "answer on stream \(frame.stream), expected \(stream)")
        return frame.response
    }

    func startup(compression: CQLCompression? = nil) async throws -> CQLResponse? {
        var options = ["CQL_VERSION": "3.4.7", "DRIVER_NAME": "BasaltServerTests"]
        options["COMPRESSION"] = compression?.rawValue
        return try await request(.startup(CQLStartup(options: options)), stream: 0)
    }

    func close() async {
        try? await channel.close()
    }
}

/// Test helpers for building requests.
extension CQLRequest {
    static func query(_ text: String) -> CQLRequest {
        .query(CQLQuery(query: text, parameters: CQLQueryParameters(consistency: .one)))
    }
}

private final class RawBytes: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let continuation: AsyncStream<TestClient.Received>.Continuation
    private let raw: RawBytes
    // Compressed frames are recognised by their flag, so the client can always accept lz4.
    private var decoder = CQLFrameDecoder(configuration: .init(direction: .response), compression: .lz4)

    init(continuation: AsyncStream<TestClient.Received>.Continuation, raw: RawBytes) {
        self.continuation = continuation
        self.raw = raw
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        raw.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        do {
            for frame in try decoder.decode(buffer) {
                continuation.yield(.frame(try CQLResponseFrame(decoding: frame)))
            }
        } catch {
            // A server reply the codec cannot read is a test failure: surface it as a close.
            continuation.yield(.closed)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
    }
}
