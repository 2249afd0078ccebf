import BasaltCore
import BasaltInternode
import NIOCore
import Testing

@testable import BasaltInternode

/// Real TCP on 127.0.0.1: messengers on ephemeral ports talking to each other.
@Suite(.timeLimit(.minutes(1)))
struct MessengerTests {
    @Test func requestAndResponseInBothDirections() async throws {
        let senders = Recorder<NodeAddress>()
        let reverse: InternodeHandler = { request in
            senders.append(request.sender)
            #expect(request.expectsResponse && request.verb == .readData)
            return request.payload.reversed()
        }
        let a = try await startMessenger(hostLow: 1, handlers: [.readData: reverse])
        let b = try await startMessenger(hostLow: 2, handlers: [.readData: reverse])

        #expect(try await a.request(.readData, payload: [1, 2, 3], to: b.address, timeout: .seconds(5)) == [3, 2, 1])
        #expect(try await b.request(.readData, payload: [4, 5], to: a.address, timeout: .seconds(5)) == [5, 4])
        // Requests are known by the sender's listen address, not its connection's ephemeral port.
        #expect(senders.all == [a.address, b.address])
        // ECHO needs no handler.
        #expect(try await a.request(.echo, payload: Array("ping".utf8), to: b.address, timeout: .seconds(5)) == Array("ping".utf8))

        let statistics = a.statistics()[b.address]
        #expect(statistics.messagesSent == 3 && statistics.messagesReceived == 3)
        #expect(statistics.messagesDropped == 0 && statistics.requestTimeouts == 0)
        await a.shutdown()
        await b.shutdown()
    }

    /// 1,000 requests are all inside the peer's handler at once (the barrier proves it), and are
    /// then answered in the reverse order of their arrival.
    @Test func thousandConcurrentRequestsCompleteOutOfOrder() async throws {
        let count = 1000
        let barrier = ReverseBarrier(count: count)
        let b = try await startMessenger(handlers: [
            .mutation: { request in
                await barrier.arrive(request.payload)
                return request.payload + [0xAC]
            }
        ])
        let a = try await startMessenger()
        let completions = Recorder<[UInt8]>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let payload = [UInt8(index >> 8), UInt8(index & 0xFF)]
                    let response = try await a.request(.mutation, payload: payload, to: b.address, timeout: .seconds(20))
                    #expect(response == payload + [0xAC])
                    completions.append(payload)
                }
            }
            try await group.waitForAll()
        }
        let arrivalOrder = await barrier.arrivalOrder
        let completionOrder = completions.all
        #expect(Set(completionOrder).count == count)
        #expect(completionOrder != arrivalOrder, "responses completed in request order")
        #expect(a.statistics()[b.address].messagesReceived == count)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func handlersRunningPerConnectionAreBounded() async throws {
        let gate = Gate()
        let b = try await startMessenger(
            configure: { $0.maximumInFlightRequestsPerConnection = 2 },
            handlers: [.readData: { request in try await gate.wait(); return request.payload }])
        let a = try await startMessenger()
        let peer = b.address
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<6 {
                group.addTask {
                    let payload = [UInt8(index)]
                    let response = try await a.request(.readData, payload: payload, to: peer, timeout: .seconds(10))
                    #expect(response == payload)
                }
            }
            await gate.arrivals.take(2)
            // A negative check needs time to go wrong: no third handler may start while two run.
            try await Task.sleep(for: .milliseconds(200))
            #expect(gate.arrivalCount == 2)
            gate.open()
            try await group.waitForAll()
        }
        await a.shutdown()
        await b.shutdown()
    }

    @Test func handlerErrorsAndUnknownVerbsBecomeErrorResponses() async throws {
        struct DiskFull: Error, CustomStringConvertible {
            var description: String { "disk full" }
        }
        let b = try await startMessenger(handlers: [
            .mutation: { _ in throw DiskFull() },
            .hint: { _ in throw InternodeErrorResponse(code: .unavailable, message: "bootstrapping") },
        ])
        let a = try await startMessenger()
        let peer = b.address
        func remote(_ verb: InternodeVerb, _ code: InternodeErrorCode, _ message: String) -> InternodeError {
            .remote(peer: peer, verb: verb, InternodeErrorResponse(code: code, message: message))
        }
        await #expect(throws: remote(.mutation, .handlerFailure, "disk full")) {
            try await a.request(.mutation, payload: [], to: peer, timeout: .seconds(5))
        }
        await #expect(throws: remote(.hint, .unavailable, "bootstrapping")) {
            try await a.request(.hint, payload: [], to: peer, timeout: .seconds(5))
        }
        await #expect(throws: remote(.truncate, .unknownVerb, "no handler for verb 0x60")) {
            try await a.request(.truncate, payload: [], to: peer, timeout: .seconds(5))
        }
        // The connection survives all three.
        #expect(try await a.request(.echo, payload: [9], to: peer, timeout: .seconds(5)) == [9])
        await a.shutdown()
        await b.shutdown()
    }

    @Test func timeoutWhenTheHandlerNeverAnswersAndTheLateResponseIsDropped() async throws {
        let gate = Gate()
        let b = try await startMessenger(handlers: [
            .readData: { request in
                try await gate.wait()
                return request.payload
            }
        ])
        let a = try await startMessenger()
        let peer = b.address
        let started = ContinuousClock.now
        await #expect(throws: InternodeError.timeout(peer: peer, verb: .readData, after: .milliseconds(200))) {
            try await a.request(.readData, payload: [1], to: peer, timeout: .milliseconds(200))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(3))
        #expect(a.statistics()[peer].requestTimeouts == 1)

        gate.open()
        #expect(await eventually { a.statistics()[peer].messagesDropped == 1 })
        #expect(try await a.request(.readData, payload: [2], to: peer, timeout: .seconds(5)) == [2])
        await a.shutdown()
        await b.shutdown()
    }

    @Test func cancellingTheCallerFailsTheRequest() async throws {
        let gate = Gate()
        let b = try await startMessenger(handlers: [.readData: { _ in try await gate.wait(); return [] }])
        let a = try await startMessenger()
        let peer = b.address
        let task = Task { try await a.request(.readData, payload: [], to: peer, timeout: .seconds(30)) }
        await gate.arrivals.take(1)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        gate.open()
        #expect(await eventually { a.statistics()[peer].messagesDropped == 1 })
        await a.shutdown()
        await b.shutdown()
    }

    @Test func oneWayMessagesArriveAndUndeliverableOnesAreCounted() async throws {
        let (received, delivered) = AsyncStream<InternodeRequest>.makeStream()
        let b = try await startMessenger(handlers: [
            .gossipSyn: { request in
                delivered.yield(request)
                return []
            }
        ])
        let a = try await startMessenger()
        a.send(.gossipSyn, payload: [7, 7], to: b.address)
        var iterator = received.makeAsyncIterator()
        let request = await iterator.next()
        #expect(request?.payload == [7, 7] && request?.sender == a.address && request?.expectsResponse == false)
        #expect(await eventually { a.statistics()[b.address].messagesSent == 1 })

        // Nobody listens on the port of a stopped messenger: fire and forget, counted as dropped.
        let stopped = try await startMessenger()
        let nowhere = stopped.address
        await stopped.shutdown()
        a.send(.gossipSyn, payload: [1], to: nowhere)
        #expect(await eventually { a.statistics()[nowhere].messagesDropped == 1 })
        // During the back-off after that failure it is dropped at once.
        a.send(.gossipSyn, payload: [2], to: nowhere)
        #expect(await eventually { a.statistics()[nowhere].messagesDropped == 2 })
        await a.shutdown()
        await b.shutdown()
    }

    @Test func urgentAndBulkTrafficUseSeparateConnections() async throws {
        let b = try await startMessenger(handlers: [.mutation: { $0.payload }, .gossipAck: { $0.payload }])
        let a = try await startMessenger()
        _ = try await a.request(.mutation, payload: [1], to: b.address, timeout: .seconds(5))
        #expect(a.outboundConnectionCount(to: b.address) == 1)
        _ = try await a.request(.gossipAck, payload: [2], to: b.address, timeout: .seconds(5))
        _ = try await a.request(.echo, payload: [3], to: b.address, timeout: .seconds(5))
        #expect(a.outboundConnectionCount(to: b.address) == 2)
        await a.shutdown()
        await b.shutdown()
    }

    @Test func shutdownAnswersRequestsAlreadyRunning() async throws {
        let gate = Gate()
        let b = try await startMessenger(handlers: [.readData: { request in try await gate.wait(); return request.payload }])
        let a = try await startMessenger()
        let peer = b.address
        async let response = a.request(.readData, payload: [5], to: peer, timeout: .seconds(10))
        await gate.arrivals.take(1)
        async let stopped: Void = b.shutdown()
        gate.open()
        #expect(try await response == [5])
        await stopped
        await #expect(throws: InternodeError.notRunning) {
            try await b.request(.echo, payload: [], to: a.address, timeout: .seconds(1))
        }
        await a.shutdown()
    }
}

/// Holds every arriving handler until `count` have arrived, then releases them newest first.
actor ReverseBarrier {
    private let count: Int
    private var waiting: [([UInt8], CheckedContinuation<Void, Never>)] = []
    private(set) var arrivalOrder: [[UInt8]] = []

    init(count: Int) {
        self.count = count
    }

    func arrive(_ payload: [UInt8]) async {
        await withCheckedContinuation { continuation in
            waiting.append((payload, continuation))
            arrivalOrder.append(payload)
            guard waiting.count == count else { return }
            for (_, waiter) in waiting.reversed() { waiter.resume() }
            waiting = []
        }
    }
}
