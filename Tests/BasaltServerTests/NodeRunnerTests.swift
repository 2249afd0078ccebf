import BasaltCQLProtocol
import BasaltQuery
import BasaltServer
import Foundation
import Logging
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1)))
struct NodeRunnerTests {
    @Test func startsServesAndStopsWithTheGivenQueryLayer() async throws {
        let directory = "/tmp/basalt-node-runner-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = NodeConfiguration()
        configuration.dataDirectory = directory
        configuration.nativeTransportPort = 0
        configuration.chunkCacheSizeMiB = 1
        let lines = Mutex<[String]>([])
        let readyLines = Mutex<[String]>([])
        let storageSeen = Mutex<String?>(nil)
        let handler = TestRequestHandler()
        let runner = NodeRunner(
            configuration: configuration,
            makeHandler: { storage, _, _ in
                storageSeen.withLock { $0 = storage.configuration.directory }
                return NodeServices(handler: handler)
            },
            logSink: { line in lines.withLock { $0.append(line) } },
            readyLine: { line in readyLines.withLock { $0.append(line) } })

        let server = try await runner.start()
        #expect(storageSeen.withLock { $0 } == directory)
        #expect(readyLines.withLock { $0 } == ["basalt: node ready on 127.0.0.1:\(server.port)"])

        let client = try await TestClient.connect(port: server.port)
        #expect(try await client.startup() == .ready)
        try await client.send(.query("WAIT stop"), stream: 1)
        while handler.gates.waiting("stop") == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let stopping = Task { try await runner.stop() }
        try await Task.sleep(for: .milliseconds(100))  // let stop() begin while the request is in flight
        handler.gates.open("stop")
        try await stopping.value
        #expect(await client.next()?.response == .result(.setKeyspace("WAIT stop")), "in-flight request finished")
        #expect(await client.next() == nil)

        let log = lines.withLock { $0 }
        #expect(log.contains { $0.contains("level=info logger=basalt msg=\"node stopped\"") && $0.hasSuffix("\n") })
        #expect(log.allSatisfy { $0.filter { $0 == "\n" }.count == 1 }, "one line per event")
    }
}
