import BasaltCore
import BasaltCQLProtocol
import BasaltQuery
import BasaltServer
import NIOCore
import Testing

/// End-to-end over real TCP on 127.0.0.1 with an ephemeral port.
@Suite(.timeLimit(.minutes(1)))
struct CQLServerTests {
    private func withServer(
        maximumFrameBodyBytes: Int = 1 << 20, handler: TestRequestHandler = TestRequestHandler(),
        authenticator: (any CQLAuthenticator)? = nil, _ body: (CQLServer) async throws -> Void
    ) async throws {
        let configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, maximumFrameBodyBytes: maximumFrameBodyBytes, eventLoopThreads: 2,
            shutdownGracePeriod: .seconds(5))
        try await CQLServer.running(configuration, handler: handler, authenticator: authenticator, body)
    }

    private func errorCode(_ response: CQLResponse?) -> Int32? {
        guard case .error(let error) = response else { return nil }
        return error.kind.code
    }

    /// With an authenticator, over lz4: AUTHENTICATE, nothing served before a login, a wrong
    /// password answered 0x0100 on a connection that stays open for the next try, then queries.
    @Test func loginBeforeQueries() async throws {
        try await withServer(authenticator: TestAuthenticator()) { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup(compression: .lz4)
                == .authenticate(CQLAuthenticate(authenticatorClass: "org.apache.cassandra.auth.PasswordAuthenticator")))
            client.compressRequests()
            #expect(errorCode(try await client.request(.query("SELECT 1"))) == 0x000A)
            let wrong = SASLPlainToken(username: "u", password: "x").encoded
            #expect(try await client.request(.authResponse(CQLAuthToken(token: wrong)))
                == .error(CQLErrorMessage(.badCredentials, message: "Provided username u and/or password are incorrect")))
            #expect(errorCode(try await client.request(.authResponse(CQLAuthToken(token: [1, 2])))) == 0x0100)
            #expect(server.connections.clients.map(\.connectionStage) == ["authenticating"])
            let right = SASLPlainToken(username: "u", password: "p").encoded
            #expect(try await client.request(.authResponse(CQLAuthToken(token: right))) == .authSuccess(CQLAuthToken(token: nil)))
            #expect(try await client.request(.query("SELECT 1")) == .result(.setKeyspace("SELECT 1")))
            #expect(server.connections.clients.map(\.username) == ["u"])
            await client.close()
        }
    }

    @Test func startupAnswersReadyAndQueriesFollow() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            #expect(try await client.request(.query("SELECT 1")) == .result(.setKeyspace("SELECT 1")))
            await client.close()
        }
    }

    /// What `system_views.clients` is built from: one entry per open connection, STARTUP options
    /// once accepted, requests counted, gone when the connection closes.
    @Test func theRegistryListsEveryOpenConnection() async throws {
        try await withServer { server in
            let first = try await TestClient.connect(port: server.port)
            #expect(try await first.startup() == .ready)
            #expect(try await first.request(.query("SELECT 1")) == .result(.setKeyspace("SELECT 1")))
            let second = try await TestClient.connect(port: server.port)
            #expect(try await second.request(.options, stream: 0) != nil)
            let clients = server.connections.clients.sorted { $0.requestCount > $1.requestCount }
            #expect(clients.count == 2)
            #expect(clients.map(\.connectionStage) == ["ready", "established"])
            #expect(clients.map(\.requestCount) == [2, 1])
            #expect(clients.allSatisfy { $0.address == "127.0.0.1" && $0.port > 0 && $0.protocolVersion == 4 })
            #expect(clients[0].options["DRIVER_NAME"] == "BasaltServerTests")
            await first.close()
            for _ in 0..<200 where server.connections.clients.count > 1 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.connections.clients.map(\.connectionStage) == ["established"])
            await second.close()
        }
    }

    @Test func requestsRunOnTheConnectionsEventLoop() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            #expect(try await client.request(.query("THREAD")) == .result(.setKeyspace("loop before=true after=true")))
            await client.close()
        }
    }

    @Test func requestsBeforeStartupAreProtocolErrorsOnAnOpenConnection() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(errorCode(try await client.request(.query("SELECT 1"), stream: 3)) == 0x000A)
            #expect(try await client.startup() == .ready)
            await client.close()
        }
    }

    @Test func optionsAnswersSupportedWithVersionAndCompression() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            guard case .supported(let supported) = try await client.request(.options, stream: 5) else {
                Issue.record("OPTIONS was not answered with SUPPORTED")
                return
            }
            #expect(supported.options["CQL_VERSION"] == ["3.4.7"])
            #expect(supported.options["COMPRESSION"] == ["lz4"])
            #expect(supported.options["PROTOCOL_VERSIONS"] == ["4/v4"])
            await client.close()
        }
    }

    @Test(arguments: [UInt8(0x42), 0x41, 0x05, 0x03])
    func otherVersionsGetUnsupportedVersionOnTheirStreamThenClose(version: UInt8) async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            // OPTIONS with a 9-byte header in the asked-for version, on stream 7.
            try await client.sendRaw([version, 0x00, 0x00, 0x07, 0x05, 0x00, 0x00, 0x00, 0x00])
            let reply = await client.next()
            #expect(reply?.stream == 7)
            guard case .error(let error) = reply?.response else {
                Issue.record("no ERROR for version \(version)")
                return
            }
            #expect(error.kind.code == 0x000A)
            #expect(error.message.contains("unsupported protocol version"))
            #expect(client.rawBytes.first == 0x84, "the reply is in v4 framing")
            #expect(await client.next() == nil, "the connection is closed after the reply")
        }
    }

    @Test func inFlightStreamsAreAnsweredOutOfOrderAsTheyComplete() async throws {
        let handler = TestRequestHandler()
        try await withServer(handler: handler) { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            // Streams 1...8 wait behind a gate, 9...16 answer at once; all sent in one burst.
            for stream in Int16(1)...16 {
                try await client.send(.query(stream <= 8 ? "WAIT slow" : "FAST \(stream)"), stream: stream)
            }
            var order: [Int16] = []
            for _ in 1...8 {
                guard let frame = await client.next() else { break }
                order.append(frame.stream)
            }
            #expect(Set(order) == Set(9...16), "the fast requests are answered while the others are in flight: \(order)")
            handler.gates.open("slow")
            for _ in 1...8 {
                guard let frame = await client.next() else { break }
                #expect(frame.response == .result(.setKeyspace("WAIT slow")), "stream \(frame.stream)")
                order.append(frame.stream)
            }
            #expect(Set(order.suffix(8)) == Set(1...8))
            await client.close()
        }
    }

    @Test func lz4IsNegotiatedAndUsedBothWays() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup(compression: .lz4) == .ready)
            client.compressRequests()
            let text = "SELECT " + String(repeating: "compressible ", count: 200)
            #expect(try await client.request(.query(text), stream: 2) == .result(.setKeyspace(text)))
            let raw = client.rawBytes
            // READY (9 bytes, empty body) is not compressed; the RESULT after it is.
            #expect(raw.count > 18)
            #expect(raw[1] & 0x01 == 0, "READY uncompressed")
            #expect(raw[9 + 1] & 0x01 == 0x01, "RESULT compressed")
            #expect(raw.count - 18 < text.utf8.count, "the RESULT body is smaller than its text")
            await client.close()
        }
    }

    @Test func unknownCompressionIsRefusedAndTheConnectionStaysUsable() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            let snappy = CQLStartup(options: ["CQL_VERSION": "3.4.7", "COMPRESSION": "snappy"])
            #expect(errorCode(try await client.request(.startup(snappy), stream: 0)) == 0x000A)
            #expect(try await client.startup() == .ready)
            await client.close()
        }
    }

    @Test func registeredConnectionsReceiveTheirEventTypesOnStreamMinusOne() async throws {
        try await withServer { server in
            let listener = try await TestClient.connect(port: server.port)
            let bystander = try await TestClient.connect(port: server.port)
            #expect(try await listener.startup() == .ready)
            #expect(try await bystander.startup() == .ready)
            #expect(try await listener.request(.register(CQLRegister(eventTypes: [.schemaChange])), stream: 1) == .ready)

            let address = CQLInetSocketAddress(address: CQLInet("127.0.0.1")!, port: 9042)
            let schemaChange = CQLEvent.schemaChange(CQLSchemaChange(change: .created, target: .keyspace("ks")))
            server.connections.publish(.statusChange(.up, address))
            server.connections.publish(schemaChange)

            let pushed = await listener.next()
            #expect(pushed?.stream == -1)
            #expect(pushed?.response == .event(schemaChange), "STATUS_CHANGE was not registered for")
            // The bystander did not register: its next frame is the answer to its own request.
            #expect(try await bystander.request(.options, stream: 4).map { $0.opcode } == .supported)
            await listener.close()
            await bystander.close()
        }
    }

    @Test func malformedBodyGetsAProtocolErrorAndTheConnectionStaysUsable() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            // QUERY whose [long string] claims 100 bytes but the body holds 2.
            try await client.sendRaw([0x04, 0x00, 0x00, 0x09, 0x07, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x64, 0x41, 0x42])
            let reply = await client.next()
            #expect(reply?.stream == 9)
            #expect(errorCode(reply?.response) == 0x000A)
            #expect(try await client.request(.query("after"), stream: 10) == .result(.setKeyspace("after")))
            await client.close()
        }
    }

    @Test func requestErrorsKeepTheConnectionOpen() async throws {
        try await withServer { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            #expect(errorCode(try await client.request(.query("FAIL"), stream: 1)) == 0x2200)
            #expect(try await client.request(.query("next"), stream: 2) == .result(.setKeyspace("next")))
            await client.close()
        }
    }

    @Test func oversizedLengthGetsAnErrorThenClose() async throws {
        try await withServer(maximumFrameBodyBytes: 1 << 20) { server in
            let client = try await TestClient.connect(port: server.port)
            #expect(try await client.startup() == .ready)
            // QUERY on stream 3 announcing 1 MiB + 1 bytes: refused from the header alone.
            try await client.sendRaw([0x04, 0x00, 0x00, 0x03, 0x07, 0x00, 0x10, 0x00, 0x01])
            let reply = await client.next()
            #expect(reply?.stream == 3)
            #expect(errorCode(reply?.response) == 0x000A)
            #expect(await client.next() == nil)
        }
    }

    @Test func garbageClosesOnlyItsOwnConnection() async throws {
        try await withServer { server in
            let healthy = try await TestClient.connect(port: server.port)
            #expect(try await healthy.startup() == .ready)
            var random = SplitMix64(seed: 0xBA5A17)
            for round in 0..<20 {
                let garbage = try await TestClient.connect(port: server.port)
                var bytes = (0..<(4 + round * 97)).map { _ in UInt8.random(in: 0...255, using: &random) }
                // At least 4 bytes, so the stream id is there. A leading 0x04 would be a plausible
                // v4 header that may wait for its body; any other first byte is a version the
                // server must refuse at once.
                if bytes[0] & 0x7F == 0x04 { bytes[0] ^= 0x01 }
                try await garbage.sendRaw(bytes)
                while await garbage.next() != nil {}
                let text = "still here \(round)"
                #expect(try await healthy.request(.query(text), stream: Int16(round)) == .result(.setKeyspace(text)))
            }
            await healthy.close()
        }
    }

    @Test func stopFinishesInFlightRequestsThenCloses() async throws {
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, eventLoopThreads: 1)
        let handler = TestRequestHandler()
        let server = try await CQLServer.start(configuration: configuration, handler: handler)
        let client = try await TestClient.connect(port: server.port)
        #expect(try await client.startup() == .ready)
        try await client.send(.query("WAIT stop"), stream: 11)
        while handler.gates.waiting("stop") == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let stopping = Task { await server.stop() }
        // Give stop() time to begin (a slow machine only makes this check weaker, never flaky); the
        // request is still in flight and must be answered, not cut off, before the close.
        try await Task.sleep(for: .milliseconds(100))
        handler.gates.open("stop")
        await stopping.value
        let answer = await client.next()
        #expect(answer?.stream == 11)
        #expect(answer?.response == .result(.setKeyspace("WAIT stop")))
        #expect(await client.next() == nil)
        #expect(server.connections.connectionCount == 0)
    }
}
