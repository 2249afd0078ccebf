import BasaltCQLProtocol
import NIOCore
import Testing
@testable import BasaltServer

/// `ConnectionLimits` against a real server on 127.0.0.1: each limit is reached by a real client
/// and a well-behaved client keeps being served.
@Suite(.timeLimit(.minutes(1)))
struct ConnectionLimitsTests {
    private func withServer(_ limits: ConnectionLimits, handler: TestRequestHandler = TestRequestHandler(),
                            _ body: (CQLServer) async throws -> Void) async throws {
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 2, shutdownGracePeriod: .seconds(2),
                                                limits: limits)
        try await CQLServer.running(configuration, handler: handler, body)
    }

    /// Waits (bounded) until `condition` holds; the server's side of a close is asynchronous.
    private func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    @Test func connectionsBeyondTheLimitAreClosedAndCountedBack() async throws {
        try await withServer(ConnectionLimits(maximumConnections: 100, maximumConnectionsPerAddress: 2)) { server in
            let first = try await TestClient.connect(port: server.port)
            let second = try await TestClient.connect(port: server.port)
            #expect(try await first.startup() == .ready)
            #expect(try await second.startup() == .ready)
            let third = try await TestClient.connect(port: server.port)
            #expect(await third.next() == nil, "a third connection from one address is closed")
            #expect(server.admission.openConnections == 2)
            await first.close()
            #expect(try await eventually { server.admission.openConnections == 1 })
            let again = try await TestClient.connect(port: server.port)
            #expect(try await again.startup() == .ready)
            await second.close()
            await again.close()
        }
    }

    /// The well-behaved connection finishes its STARTUP before the silent one opens, so however
    /// busy the machine is, only the silent one can outlast the limit.
    @Test func aConnectionThatNeverStartsIsClosed() async throws {
        try await withServer(ConnectionLimits(startupTimeout: .seconds(2))) { server in
            let started = try await TestClient.connect(port: server.port)
            #expect(try await started.startup() == .ready)
            let silent = try await TestClient.connect(port: server.port)
            #expect(await silent.next() == nil)
            #expect(try await started.request(.query("SELECT 1")) == .result(.setKeyspace("SELECT 1")))
            await started.close()
        }
    }

    /// A header announcing 1,000 body bytes, then 10 of them: a frame that never completes.
    static let partialFrame: [UInt8] = [0x04, 0x00, 0x00, 0x07, 0x07, 0x00, 0x00, 0x03, 0xE8] + [UInt8](repeating: 0x41, count: 10)

    @Test func aFrameLeftIncompleteIsClosedAndItsBytesAreFreed() async throws {
        try await withServer(ConnectionLimits(partialFrameTimeout: .seconds(2))) { server in
            let stalled = try await TestClient.connect(port: server.port)
            #expect(try await stalled.startup() == .ready)
            try await stalled.sendRaw(Self.partialFrame)
            #expect(try await eventually { server.admission.partialFrameBytes == Self.partialFrame.count })
            #expect(await stalled.next() == nil)
            #expect(try await eventually { server.admission.partialFrameBytes == 0 })
        }
    }

    @Test func partialFramesOverTheNodeLimitCloseTheConnectionThatWentOver() async throws {
        try await withServer(ConnectionLimits(maximumPartialFrameBytes: 30)) { server in
            let first = try await TestClient.connect(port: server.port)
            let second = try await TestClient.connect(port: server.port)
            #expect(try await first.startup() == .ready)
            #expect(try await second.startup() == .ready)
            try await first.sendRaw(Self.partialFrame)
            #expect(try await eventually { server.admission.partialFrameBytes == Self.partialFrame.count })
            try await second.sendRaw(Self.partialFrame)
            #expect(await second.next() == nil, "the connection that took the node over the limit is closed")
            #expect(server.admission.partialFrameBytes == Self.partialFrame.count)
            // The first finishes its frame (1,000 bytes in all; the body is not a valid QUERY).
            try await first.sendRaw([UInt8](repeating: 0x41, count: 990))
            #expect(await first.next() != nil)
            #expect(try await eventually { server.admission.partialFrameBytes == 0 })
            await first.close()
        }
    }

    @Test func requestsBeyondTheInFlightLimitWaitUnreadUntilOneCompletes() async throws {
        let handler = TestRequestHandler()
        try await withServer(ConnectionLimits(maximumRequestsPerConnection: 2), handler: handler) { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            for stream in Int16(1)...2 { try await client.send(.query("WAIT a"), stream: stream) }
            #expect(try await eventually { handler.gates.waiting("a") == 2 })
            // Sent while the connection is at its limit: read (and answered) only once one completes.
            try await client.send(.query("SELECT 3"), stream: 3)
            try await Task.sleep(for: .milliseconds(200))
            #expect(handler.gates.waiting("a") == 2)
            handler.gates.open("a")
            var streams: Set<Int16> = []
            for _ in 0..<3 { if let frame = await client.next() { streams.insert(frame.stream) } }
            #expect(streams == [1, 2, 3])
            await client.close()
        }
    }

    /// Two connections each hold a 22-byte request (`WAIT a`) under a 30-byte node limit: the
    /// second took the node over it, so its next request stays unread until the first two
    /// complete, while the node keeps answering the connection that did not go over.
    @Test func requestsOverTheNodesRequestDataLimitWaitUnreadUntilItFrees() async throws {
        let handler = TestRequestHandler()
        try await withServer(ConnectionLimits(maximumRequestBytesInFlight: 30), handler: handler) { server in
            let first = try await TestClient.connect(port: server.port)
            let second = try await TestClient.connect(port: server.port)
            #expect(try await first.startup() == .ready)
            #expect(try await second.startup() == .ready)
            try await first.send(.query("WAIT a"), stream: 1)
            #expect(try await eventually { handler.gates.waiting("a") == 1 })
            try await second.send(.query("WAIT a"), stream: 1)
            #expect(try await eventually { handler.gates.waiting("a") == 2 })
            #expect(server.admission.requestBytesInFlight > 30)
            #expect(try await eventually { server.admission.pausedConnections == 1 })
            try await second.send(.query("WAIT b"), stream: 2)
            try await Task.sleep(for: .milliseconds(200))
            #expect(handler.gates.waiting("b") == 0, "not read while the node is over its limit")
            handler.gates.open("a")
            #expect(await first.next()?.stream == 1)
            #expect(await second.next()?.stream == 1)
            #expect(try await eventually { handler.gates.waiting("b") == 1 }, "read once the node is under its limit")
            handler.gates.open("b")
            #expect(await second.next()?.stream == 2)
            #expect(try await eventually { server.admission.requestBytesInFlight == 0 && server.admission.pausedConnections == 0 })
            await first.close()
            await second.close()
        }
    }

    /// One request larger than the whole limit still runs when nothing else does.
    @Test func aRequestLargerThanTheNodeLimitRunsAlone() async throws {
        try await withServer(ConnectionLimits(maximumRequestBytesInFlight: 10)) { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            #expect(try await client.request(.query("SELECT 1")) == .result(.setKeyspace("SELECT 1")))
            #expect(try await client.request(.query("SELECT 2")) == .result(.setKeyspace("SELECT 2")))
            await client.close()
        }
    }
}
