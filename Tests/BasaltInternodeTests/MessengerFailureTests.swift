import BasaltCore
import BasaltInternode
import NIOCore
import Testing

/// The transport when peers die, come back, misbehave or refuse us.
@Suite(.timeLimit(.minutes(1)))
struct MessengerFailureTests {
    @Test func peerShutDownMidFlightFailsPendingRequestsPromptly() async throws {
        let gate = Gate()
        let b = try await startMessenger(
            configure: { $0.shutdownGracePeriod = .milliseconds(100) },
            handlers: [.readData: { _ in try await gate.wait(); return [] }])
        let a = try await startMessenger()
        let peer = b.address
        // Measured from B's shutdown, and far from the requests' own timeout: what is told apart is
        // "failed when the connection went" from "failed at the timeout", on however busy a machine.
        let shutDownAt = try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    await #expect(throws: InternodeError.connectionLost(peer: peer)) {
                        try await a.request(.readData, payload: [], to: peer, timeout: .seconds(50))
                    }
                }
            }
            await gate.arrivals.take(5)
            // B's handlers never finish: its grace period runs out and it closes the connection.
            let now = ContinuousClock.now
            await b.shutdown()
            try await group.waitForAll()
            return now
        }
        #expect(ContinuousClock.now - shutDownAt < .seconds(20))
        await a.shutdown()
    }

    @Test func reconnectsWhenThePeerComesBackOnTheSamePort() async throws {
        let b = try await startMessenger()
        let a = try await startMessenger()
        let peer = b.address
        #expect(try await a.request(.echo, payload: [1], to: peer, timeout: .seconds(5)) == [1])
        await b.shutdown()
        await #expect(throws: InternodeError.self) {
            try await a.request(.echo, payload: [2], to: peer, timeout: .seconds(5))
        }

        let restarted = try await startMessenger(port: peer.port)
        var answer: [UInt8]?
        for _ in 0..<100 where answer == nil {
            do {
                answer = try await a.request(.echo, payload: [3], to: peer, timeout: .seconds(5))
            } catch InternodeError.unreachable, InternodeError.connectFailed, InternodeError.connectionLost {
                // Still backing off from the failures while the peer was away.
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(answer == [3])
        await a.shutdown()
        await restarted.shutdown()
    }

    @Test func aClientSendingGarbageIsDisconnectedWhileOthersCarryOn() async throws {
        let b = try await startMessenger()
        let a = try await startMessenger()
        #expect(try await a.request(.echo, payload: [1], to: b.address, timeout: .seconds(5)) == [1])

        let garbage = try await connectRawClient(port: b.address.port)
        try await garbage.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: basalt\r\n\r\n"))
        try await garbage.closeFuture.get()

        #expect(try await a.request(.echo, payload: [2], to: b.address, timeout: .seconds(5)) == [2])
        await a.shutdown()
        await b.shutdown()
    }

    @Test func aClientThatNeverSaysHelloIsDisconnected() async throws {
        let b = try await startMessenger(configure: { $0.connectTimeout = .milliseconds(200) })
        let silent = try await connectRawClient(port: b.address.port)
        try await silent.closeFuture.get()
        await b.shutdown()
    }

    @Test func handshakeRefusedOnClusterNameMismatch() async throws {
        let b = try await startMessenger(cluster: "beta")
        // A back-off long enough that the second request certainly falls inside it.
        let a = try await startMessenger(
            cluster: "alpha",
            configure: {
                $0.initialReconnectBackoff = .seconds(10)
                $0.maximumReconnectBackoff = .seconds(10)
            })
        let peer = b.address
        let refusal = InternodeHandshakeRefusal.clusterNameMismatch(offered: "alpha", accepted: "beta")
        await #expect(throws: InternodeError.handshakeRefused(peer: peer, refusal)) {
            try await a.request(.echo, payload: [], to: peer, timeout: .seconds(5))
        }
        // Backing off: the next attempt fails at once, naming the refusal.
        do {
            _ = try await a.request(.echo, payload: [], to: peer, timeout: .seconds(5))
            Issue.record("request to a refusing peer succeeded")
        } catch InternodeError.unreachable(peer, let lastError) {
            #expect(lastError.contains("cluster name mismatch"))
        }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func handshakeRefusedWithoutACommonVersion() async throws {
        let b = try await startMessenger(configure: { $0.supportedVersions = 2...3 })
        let a = try await startMessenger()
        let peer = b.address
        await #expect(throws: InternodeError.handshakeRefused(peer: peer, .versionMismatch(offered: 1...1, accepted: 2...3))) {
            try await a.request(.echo, payload: [], to: peer, timeout: .seconds(5))
        }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func framesOverTheLimitAreRefused() async throws {
        let b = try await startMessenger(configure: { $0.maximumPayloadBytes = 1024 })
        let a = try await startMessenger(configure: { $0.maximumPayloadBytes = 4096 })
        let peer = b.address
        // Over our own limit: refused before anything is sent.
        await #expect(throws: InternodeError.payloadTooLarge(length: 5000, limit: 4096)) {
            try await a.request(.echo, payload: Array(repeating: 0, count: 5000), to: peer, timeout: .seconds(5))
        }
        // Over the peer's limit: it closes the connection on the header alone.
        await #expect(throws: InternodeError.connectionLost(peer: peer)) {
            try await a.request(.echo, payload: Array(repeating: 0, count: 2000), to: peer, timeout: .seconds(5))
        }
        // The next request reconnects.
        #expect(try await a.request(.echo, payload: [1], to: peer, timeout: .seconds(5)) == [1])
        await a.shutdown()
        await b.shutdown()
    }

    /// A peer stuck in the handshake: messages queue until the queue's byte limit, then the next
    /// one fails at once instead of waiting.
    @Test func aFullOutboundQueueFailsFastWithOverloaded() async throws {
        let silent = try await startSilentServer()
        let a = try await startMessenger(configure: {
            $0.maximumPayloadBytes = 30_000
            $0.maximumQueuedBytes = 65_536
            $0.connectTimeout = .seconds(10)
        })
        let peer = NodeAddress(host: "127.0.0.1", port: silent.localAddress!.port!)
        // One-way sends from this task reach the connection's loop in order, before the request.
        a.send(.mutation, payload: Array(repeating: 1, count: 30_000), to: peer)
        a.send(.mutation, payload: Array(repeating: 2, count: 30_000), to: peer)
        let started = ContinuousClock.now
        await #expect(throws: InternodeError.overloaded(peer: peer, queuedBytes: 60_056, limit: 65_536)) {
            try await a.request(.mutation, payload: Array(repeating: 3, count: 30_000), to: peer, timeout: .seconds(10))
        }
        // Fail fast means well before the 10 s timeout, whatever the machine's load.
        #expect(ContinuousClock.now - started < .seconds(5))
        // Urgent traffic has its own allowance on its own connection.
        a.send(.gossipSyn, payload: Array(repeating: 4, count: 30_000), to: peer)
        await a.shutdown()
        // The queued one-way messages never left: dropped.
        #expect(a.statistics()[peer].messagesDropped == 3)
        try await silent.close()
    }
}
