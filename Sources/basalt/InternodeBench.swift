import BasaltCore
import ArgumentParser
import BasaltInternode
import Foundation
import Logging
import Synchronization

/// `basalt bench internode`: request/response round trips over loopback between two messengers in
/// this process, with `--concurrency` requests in flight. The server answers with the request's
/// payload from a handler that never suspends, so the figure is the transport's alone: framing,
/// checksums, batching and the hops between the callers' tasks and the event loops.
struct InternodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "internode",
        abstract: "Measure node-to-node request/response round trips per second over loopback.")

    @Option(help: "Round trips to time (after a warm-up of 1,000).") var requests = 200_000
    @Option(help: "Requests in flight at once.") var concurrency = 64
    @Option(name: .customLong("payload-bytes"), help: "Payload bytes of each request and response.") var payloadBytes = 100
    @Option(name: .customLong("loop-threads"), help: "Event-loop threads of each of the two messengers.") var loopThreads = 1
    @Flag(help: "Use the urgent (gossip) connection instead of the bulk one.") var urgent = false
    @Flag(help: "Print one JSON object as the last line.") var json = false

    func validate() throws {
        guard requests > 0, (1...100_000).contains(concurrency), (0...(1 << 20)).contains(payloadBytes),
            (1...64).contains(loopThreads)
        else {
            throw ValidationError(
                "--requests must be positive, --concurrency in 1...100000, --payload-bytes in 0...1048576, "
                    + "--loop-threads in 1...64")
        }
    }

    func run() async throws {
        var logger = Logger(label: "basalt.bench.internode")
        logger.logLevel = .warning
        func messenger(_ low: UInt64) -> InternodeMessenger {
            var configuration = InternodeMessengerConfiguration(
                clusterName: "bench", hostID: InternodeHostID(high: 0xBE4C4, low: low),
                listenAddress: NodeAddress(host: "127.0.0.1", port: 0))
            configuration.eventLoopThreads = loopThreads
            return InternodeMessenger(configuration: configuration, logger: logger)
        }
        let server = messenger(1)
        let client = messenger(2)
        // ECHO is answered by the messenger on the urgent connection; READ_DATA with an echoing
        // handler takes the bulk connection that reads and mutations use.
        server.register(.readData) { $0.payload }
        try await server.start()
        try await client.start()
        let verb: InternodeVerb = urgent ? .echo : .readData
        let peer = server.listenAddress!
        let payload = [UInt8](repeating: 0x5A, count: payloadBytes)

        _ = try await roundTrips(1_000, client: client, verb: verb, peer: peer, payload: payload)
        let start = ContinuousClock.now
        let histogram = try await roundTrips(requests, client: client, verb: verb, peer: peer, payload: payload)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        await client.shutdown()
        await server.shutdown()

        let perSecond = Double(requests) / seconds
        let p50 = histogram.percentileMicroseconds(0.50)
        let p99 = histogram.percentileMicroseconds(0.99)
        print("command: basalt " + CommandLine.arguments.dropFirst().joined(separator: " "))
        print(String(
            format: "internode %@: %d round trips in %.2f s = %.0f req/s, %d in flight, %d-byte payloads, "
                + "p50 %.1f us, p99 %.1f us",
            verb.description, requests, seconds, perSecond, concurrency, payloadBytes, p50, p99))
        if json {
            let fields: [(String, String)] = [
                ("verb", "\"\(verb)\""), ("requests", "\(requests)"), ("concurrency", "\(concurrency)"),
                ("payload_bytes", "\(payloadBytes)"), ("loop_threads", "\(loopThreads)"),
                ("secs", String(format: "%.3f", seconds)), ("requests_per_sec", String(format: "%.0f", perSecond)),
                ("p50_us", String(format: "%.1f", p50)), ("p99_us", String(format: "%.1f", p99)),
            ]
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        }
    }

    /// `total` round trips from `concurrency` tasks, each sending its next request as soon as its
    /// previous one is answered.
    private func roundTrips(
        _ total: Int, client: InternodeMessenger, verb: InternodeVerb, peer: NodeAddress, payload: [UInt8]
    ) async throws -> LatencyHistogram {
        let issued = IssuedCount()
        return try await withThrowingTaskGroup(of: LatencyHistogram.self) { group in
            for _ in 0..<min(concurrency, total) {
                group.addTask {
                    var histogram = LatencyHistogram()
                    while issued.next() < total {
                        let sent = ContinuousClock.now
                        _ = try await client.request(verb, payload: payload, to: peer, timeout: .seconds(30))
                        let elapsed = sent.duration(to: .now).components
                        histogram.record(
                            nanoseconds: UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000))
                    }
                    return histogram
                }
            }
            var merged = LatencyHistogram()
            for try await histogram in group { merged.merge(histogram) }
            return merged
        }
    }
}

/// Numbers the round trips across the worker tasks, so that exactly `total` are sent.
private final class IssuedCount: Sendable {
    private let count = Atomic<Int>(0)

    /// The number of round trips issued before this one.
    func next() -> Int {
        count.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
