import ArgumentParser
import BasaltCommitLog
import BasaltCore
import BasaltMetrics
import BasaltCQLProtocol
import BasaltQuery
import BasaltStorage
import Foundation

/// `basalt bench query`: the query layer and storage of one node without the network — PREPARE an
/// INSERT once, then EXECUTE it with fresh bound values from `--concurrency` tasks — and the CPU
/// this process spent per statement. Beside `scripts/bench-ingest` (the same statement through the
/// server, over sockets), the difference is what the protocol and the connections cost; run it under
/// `valgrind --tool=callgrind` for instruction counts, which a noisy machine does not disturb.
struct QueryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Measure prepared INSERTs through the query layer and storage, in process.")

    enum Sync: String, ExpressibleByArgument, CaseIterable { case group, periodic }

    @Option(help: "Statements executed.") var operations = 200_000
    @Option(help: "Statements in flight at once.") var concurrency = 64
    @Option(name: .customLong("value-size"), help: "Bytes of the blob column.") var valueSize = 100
    @Option(help: "Commit-log mode: group (ack after the group's fsync) or periodic (ack at once: CPU only).") var sync = Sync.periodic
    @Option(help: "Data directory (emptied first).") var dir = "/tmp/basalt-bench-query"
    @Flag(help: "Record request metrics, statement statistics and the slow-query log, as a node does by default.")
    var observe = false

    func validate() throws {
        guard operations > 0, (1...4096).contains(concurrency), (0...(1 << 20)).contains(valueSize) else {
            throw ValidationError("--operations must be positive, --concurrency in 1...4096, --value-size in 0...1048576")
        }
    }

    func run() async throws {
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let commitLog = CommitLogConfiguration(syncMode: sync == .group ? .defaultGroup : .periodic(intervalMilliseconds: 10))
        let engine = try StorageEngine(configuration: StorageConfiguration(directory: dir, commitLog: commitLog))
        defer { try? engine.close() }
        let catalog = try SchemaCatalog.open(engine: engine)
        let processor = QueryProcessor(engine: engine, catalog: catalog, node: NodeIdentity(), events: nil)
        if observe {
            processor.observability = QueryObservability(
                requests: ClientRequestMetrics(registry: MetricsRegistry()), statements: StatementStatistics(capacity: 5_000),
                slowQueries: SlowQueryLog(thresholdMilliseconds: 100), settings: [])
        }
        let session = CQLSession()
        for statement in ["CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                          "CREATE TABLE bench.rows (k bigint, c int, v blob, PRIMARY KEY (k, c))"] {
            if case .error(let error) = await processor.handle(.query(CQLQuery(query: statement, parameters: CQLQueryParameters(consistency: .one))), session: session) {
                throw ValidationError("\(statement): \(error.message)")
            }
        }
        guard case .result(.prepared(let prepared)) = await processor.handle(
            .prepare(CQLPrepare(query: "INSERT INTO bench.rows (k, c, v) VALUES (?, ?, ?)")), session: session) else {
            throw ValidationError("PREPARE failed")
        }
        let value = [UInt8](repeating: 0xAB, count: valueSize)
        let next = Counter()
        let failures = Counter()
        let cpuBefore = Self.cpuSeconds()
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    while true {
                        let n = next.increment()
                        guard n < operations else { return }
                        let values: [CQLBoundValue] = [.bytes(Self.bigEndian(Int64(n))), .bytes(Self.bigEndian(Int32(n & 0xFF))), .bytes(value)]
                        let execute = CQLExecute(id: prepared.id, parameters: CQLQueryParameters(consistency: .one, values: .positional(values)))
                        if case .error = await processor.handle(.execute(execute), session: session) { _ = failures.increment() }
                    }
                }
            }
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let cpu = Self.cpuSeconds() - cpuBefore
        let failed = failures.increment()  // the count before this call
        print(String(format: "query bench: %d prepared INSERTs (%d-byte blob), %d in flight, %@ sync%@: %.0f ops/s, %.2f µs CPU per statement, %d failed",
                     operations, valueSize, concurrency, sync.rawValue, observe ? ", observed" : "", Double(operations) / seconds,
                     cpu / Double(operations) * 1e6, failed))
        print("command: basalt bench query --operations \(operations) --concurrency \(concurrency) --value-size \(valueSize) --sync \(sync.rawValue)"
              + (observe ? " --observe" : ""))
    }

    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    /// User and system CPU time of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// A shared counter for the workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.withLock { defer { value += 1 }; return value } }
    }
}
