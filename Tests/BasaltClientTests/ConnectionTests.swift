import BasaltCQLProtocol
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import BasaltClient

/// One `Connection` against a scripted server: requests beyond the connection's limit wait for a
/// stream id (the server never sees more at once), and a request the server never answers times
/// out on the client while the connection stays usable.
@Suite struct ConnectionTests {
    /// Answers STARTUP and OPTIONS at once; QUERY after `delay`, or never when `delay` is nil.
    /// Records how many QUERYs were outstanding at most.
    final class ScriptedServer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let delay: TimeAmount?
        let maximumOutstanding = Atomic<Int>(0)
        private var outstanding = 0
        private var decoder = CQLFrameDecoder(configuration: .init(direction: .request))

        init(delay: TimeAmount?) {
            self.delay = delay
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            decoder.feed(unwrapInboundIn(data))
            while let frame = try? decoder.nextFrame(), let request = try? CQLRequestFrame(decoding: frame) {
                switch request.request {
                case .startup: reply(.ready, stream: request.stream, context: context)
                case .options: reply(.supported(CQLSupported(options: ["CQL_VERSION": ["3.4.7"], "COMPRESSION": []])), stream: request.stream, context: context)
                default:
                    outstanding += 1
                    maximumOutstanding.store(max(maximumOutstanding.load(ordering: .relaxed), outstanding), ordering: .relaxed)
                    guard let delay else { continue }
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    context.eventLoop.scheduleTask(in: delay) {
                        let (server, context) = loopBound.value
                        server.outstanding -= 1
                        server.reply(.result(.void), stream: request.stream, context: context)
                    }
                }
            }
        }

        private func reply(_ response: CQLResponse, stream: Int16, context: ChannelHandlerContext) {
            var buffer = context.channel.allocator.buffer(capacity: 64)
            buffer.writeCQLFrame(CQLResponseFrame(stream: stream, response: response).frame, compression: nil)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    static func withServer(delay: TimeAmount?, _ body: (Endpoint, ScriptedServer) async throws -> Void) async throws {
        let server = ScriptedServer(delay: delay)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        try await body(Endpoint(host: "127.0.0.1", port: channel.localAddress!.port!), server)
    }

    static let query = CQLRequest.query(CQLQuery(query: "INSERT", parameters: CQLQueryParameters(consistency: .one)))

    @Test func requestsBeyondTheLimitWaitForAStreamID() async throws {
        try await Self.withServer(delay: .milliseconds(20)) { endpoint, server in
            var configuration = BasaltClient.Configuration()
            configuration.maximumRequestsPerConnection = 2
            let connection = try await Connection.open(
                to: endpoint, on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, keyspace: nil)
            let deadline = NIODeadline.now() + .seconds(10)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        guard case .result(.void) = try await connection.send(Self.query, deadline: deadline) else {
                            throw BasaltClientError.unexpectedResponse(message: "not VOID")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(server.maximumOutstanding.load(ordering: .relaxed) == 2)
            #expect(connection.pendingCount == 0)
            connection.close()
        }
    }

    @Test func anUnansweredRequestTimesOutAndTheConnectionStaysUsable() async throws {
        try await Self.withServer(delay: nil) { endpoint, _ in
            let connection = try await Connection.open(
                to: endpoint, on: MultiThreadedEventLoopGroup.singleton.next(), configuration: .init(), keyspace: nil)
            let start = ContinuousClock.now
            await #expect(throws: BasaltClientError.self) {
                _ = try await connection.send(Self.query, deadline: .now() + .milliseconds(200))
            }
            let waited = start.duration(to: .now)
            // The upper bound only tells "the request's own deadline fired" from "the 12 s default
            // did": as wide as that allows, because a loaded machine (the crash tests run beside this
            // one) delays the connection's 50 ms deadline sweep by seconds.
            #expect(waited >= .milliseconds(200) && waited < .seconds(11), "timed out after \(waited)")
            guard case .supported = try await connection.send(.options, deadline: .now() + .seconds(5)) else {
                Issue.record("OPTIONS was not answered after the timeout")
                return
            }
            connection.close()
        }
    }
}
