import BasaltClient
import BasaltCQLProtocol
import Foundation
import Synchronization

/// Runs a stress workload through the token-aware client: creates the keyspace and table if
/// missing, prepares its statements, keeps `concurrency` requests in flight (paced by `rate` if
/// set), prints a progress line every second, and with `verify` reads every write back.
public struct StressRunner: Sendable {
    public let configuration: StressConfiguration
    /// Receives progress lines as they happen.
    public let output: @Sendable (String) -> Void

    public init(configuration: StressConfiguration, output: @escaping @Sendable (String) -> Void) {
        precondition(configuration.problem == nil, configuration.problem ?? "")
        self.configuration = configuration
        self.output = output
    }

    /// The shared state of one run's workers.
    private final class Run: Sendable {
        let operationsStarted = Atomic<Int>(0)
        let writesStarted = Atomic<UInt64>(0)
        let readsStarted = Atomic<UInt64>(0)
        let completed = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
        let timeouts = Atomic<Int>(0)
        let unknownOutcome = Atomic<Int>(0)
        let readMisses = Atomic<Int>(0)
        /// The next row class the verify pass reads.
        let verifyNext = Atomic<UInt64>(0)
        let errorSamples = Mutex<[String]>([])
        let latencies = LatencyRecorder()
        let ledger = VerifyLedger()
        /// When the last progress line was printed: the final line covers only the time since.
        let lastReport: Mutex<ContinuousClock.Instant>

        init(start: ContinuousClock.Instant) {
            lastReport = Mutex(start)
        }

        func failed(_ error: any Error) {
            errors.add(1, ordering: .relaxed)
            if (error as? BasaltClientError)?.isTimeout == true { timeouts.add(1, ordering: .relaxed) }
            let text = "\(error)"
            errorSamples.withLock { samples in
                if samples.count < 5 && !samples.contains(text) { samples.append(text) }
            }
        }
    }

    /// Connects, runs the workload (and `--verify`), closes the client and returns the figures.
    public func run() async throws -> StressResult {
        var clientConfiguration = configuration.client
        clientConfiguration.defaultConsistency = configuration.consistency
        // Every statement here is idempotent: a write stores a value fixed by its sequence number
        // at a timestamp fixed by it too, so applying it twice changes nothing.
        clientConfiguration.defaultIdempotence = true
        let client = try await BasaltClient.connect(contactPoints: configuration.hosts, configuration: clientConfiguration)
        do {
            let result = try await run(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    private func run(_ client: BasaltClient) async throws -> StressResult {
        let table = "\(configuration.keyspace).\(configuration.table)"
        try await createSchema(client, table: table)
        let insert = try await client.prepare("INSERT INTO \(table) (pk, ck, v) VALUES (?, ?, ?)")
        let select = try await client.prepare("SELECT v FROM \(table) WHERE pk = ? AND ck = ?")
        let selector = RowSelector(population: configuration.population, distribution: configuration.distribution, seed: configuration.seed)
        let values = ValueGenerator(size: configuration.valueSize, seed: configuration.seed)
        let start = ContinuousClock.now
        let run = Run(start: start)
        // Write s carries timestamp base + s: later writes of a row win, whatever order they land in.
        let timestampBase = Int64(Date().timeIntervalSince1970 * 1_000_000)

        output("\(configuration.mode.rawValue) against \(configuration.hosts.joined(separator: ",")), \(configuration.concurrency) in flight, \(configuration.consistency.name)")
        let reporter = Task { await report(run, start: start) }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<configuration.concurrency {
                // Workers spread over the client's event loops and stay on theirs, so a request
                // and its answer never cross threads.
                group.addTask {
                    await client.withEventLoopAffinity(worker) {
                        await work(
                            worker: worker, run: run, client: client, insert: insert, select: select,
                            selector: selector, values: values, timestampBase: timestampBase, start: start)
                    }
                }
            }
        }
        let elapsed = start.duration(to: .now)
        reporter.cancel()
        _ = await reporter.value
        let lastInterval = run.latencies.takeInterval()
        output(StressResult.progressLine(
            elapsed: elapsed.seconds, interval: lastInterval,
            intervalSeconds: run.lastReport.withLock { $0 }.duration(to: start + elapsed).seconds,
            total: run.completed.load(ordering: .relaxed), errors: run.errors.load(ordering: .relaxed),
            timeouts: run.timeouts.load(ordering: .relaxed)))

        var result = StressResult(
            mode: configuration.mode, operations: run.completed.load(ordering: .relaxed), seconds: elapsed.seconds,
            errors: run.errors.load(ordering: .relaxed), timeouts: run.timeouts.load(ordering: .relaxed),
            unknownOutcome: run.unknownOutcome.load(ordering: .relaxed), readMisses: run.readMisses.load(ordering: .relaxed),
            latencies: run.latencies.totalHistogram, errorSamples: run.errorSamples.withLock { $0 })
        if configuration.verify {
            result.verification = await verify(
                client: client, select: select, selector: selector, values: values, run: run)
        }
        return result
    }

    private func createSchema(_ client: BasaltClient, table: String) async throws {
        try await client.execute(
            "CREATE KEYSPACE IF NOT EXISTS \(configuration.keyspace) WITH replication = "
                + "{'class': 'SimpleStrategy', 'replication_factor': \(configuration.replicationFactor)}")
        try await client.execute("CREATE TABLE IF NOT EXISTS \(table) (pk bigint, ck int, v blob, PRIMARY KEY (pk, ck))")
        // --verify judges every row it reads by this run's writes alone, so rows of earlier
        // runs (written with other seeds or over other populations) must not be there.
        if configuration.verify { try await client.execute("TRUNCATE \(table)") }
    }

    /// One worker: takes the next operation until the run's size or time is used up.
    private func work(
        worker: Int, run: Run, client: BasaltClient, insert: PreparedStatement, select: PreparedStatement,
        selector: RowSelector, values: ValueGenerator, timestampBase: Int64, start: ContinuousClock.Instant
    ) async {
        let deadline = configuration.duration.map { start + $0 }
        while true {
            let operation = run.operationsStarted.wrappingAdd(1, ordering: .relaxed).oldValue
            if let total = configuration.operations, operation >= total { return }
            var began = ContinuousClock.now
            if let deadline, began >= deadline { return }
            if let rate = configuration.rate {
                // Latency counts from when the operation was due, not from when it was sent, so a
                // server that falls behind shows in the latencies (no coordinated omission).
                let due = start + .seconds(Double(operation) / rate)
                if due > began { try? await Task.sleep(until: due, clock: .continuous) }
                began = due
                if let deadline, due >= deadline { return }
            }
            let isRead: Bool = switch configuration.mode {
            case .write: false
            case .read: true
            case .mixed: Double(mixed(UInt64(operation) ^ configuration.seed) >> 11) / Double(1 << 53) < configuration.readRatio
            }
            if isRead {
                let sequence = run.readsStarted.wrappingAdd(1, ordering: .relaxed).oldValue
                let row = selector.readRow(sequence, written: configuration.mode == .read ? selector.population : run.writesStarted.load(ordering: .relaxed))
                do {
                    let result = try await client.execute(try bind(select, row: row))
                    if result.rows.isEmpty { run.readMisses.add(1, ordering: .relaxed) }
                } catch {
                    run.failed(error)
                }
            } else {
                let sequence = run.writesStarted.wrappingAdd(1, ordering: .relaxed).oldValue
                do {
                    var statement = try bind(insert, row: selector.writeRow(sequence), value: values.value(sequence))
                    statement.timestamp = timestampBase + Int64(sequence)
                    try await client.execute(statement)
                    if configuration.verify { run.ledger.recordAcknowledged(sequence) }
                } catch {
                    run.failed(error)
                    if (error as? BasaltClientError)?.outcomeIsUnknown == true {
                        run.unknownOutcome.add(1, ordering: .relaxed)
                        if configuration.verify { run.ledger.recordUnknown(sequence) }
                    }
                }
            }
            run.latencies.record(microseconds: UInt64(max(0, began.duration(to: .now).microseconds)), worker: worker)
            run.completed.add(1, ordering: .relaxed)
        }
    }

    private func bind(_ statement: PreparedStatement, row: UInt64, value: [UInt8]? = nil) throws -> Statement {
        let partition = CQLValue.bigint(Int64(row / UInt64(configuration.rowsPerPartition)))
        let clustering = CQLValue.int(Int32(row % UInt64(configuration.rowsPerPartition)))
        guard let value else { return try statement.bind(partition, clustering) }
        return try statement.bind(partition, clustering, CQLValue.blob(value))
    }

    /// Prints a progress line every second until cancelled.
    private func report(_ run: Run, start: ContinuousClock.Instant) async {
        var previous = start
        while true {
            run.lastReport.withLock { $0 = previous }
            guard (try? await Task.sleep(until: previous + .seconds(1), clock: .continuous)) != nil else { return }
            let now = ContinuousClock.now
            output(StressResult.progressLine(
                elapsed: start.duration(to: now).seconds, interval: run.latencies.takeInterval(),
                intervalSeconds: previous.duration(to: now).seconds, total: run.completed.load(ordering: .relaxed),
                errors: run.errors.load(ordering: .relaxed), timeouts: run.timeouts.load(ordering: .relaxed)))
            previous = now
        }
    }

    /// Reads back, at the run's consistency level, every row this run's writes touched, and
    /// judges each against the writes' outcomes (`VerifyLedger`).
    private func verify(
        client: BasaltClient, select: PreparedStatement, selector: RowSelector, values: ValueGenerator, run: Run
    ) async -> StressResult.Verification {
        let issued = run.writesStarted.load(ordering: .relaxed)
        let rows = min(issued, selector.population)
        output("verify: reading back the \(rows) rows written")
        let start = ContinuousClock.now
        var total = StressResult.Verification()
        await withTaskGroup(of: StressResult.Verification.self) { group in
            for worker in 0..<configuration.concurrency {
                group.addTask {
                    await client.withEventLoopAffinity(worker) {
                        await verifyRows(
                            client: client, select: select, selector: selector, values: values, run: run, rows: rows,
                            issued: issued)
                    }
                }
            }
            for await counts in group { total.add(counts) }
        }
        total.seconds = start.duration(to: .now).seconds
        return total
    }

    /// One verify worker: reads rows until none is left.
    private func verifyRows(
        client: BasaltClient, select: PreparedStatement, selector: RowSelector, values: ValueGenerator, run: Run,
        rows: UInt64, issued: UInt64
    ) async -> StressResult.Verification {
        var counts = StressResult.Verification()
        while true {
            let first = run.verifyNext.wrappingAdd(1, ordering: .relaxed).oldValue
            guard first < rows else { return counts }
            let history = run.ledger.history(first: first, stride: selector.population, issued: issued)
            guard history.acknowledged != nil || !history.unknownAfter.isEmpty else { continue }
            do {
                let result = try await client.execute(try bind(select, row: selector.writeRow(first)))
                let observed: [UInt8]? = try result.first.map { row in
                    guard case .blob(let bytes) = try row.value(at: 0) else { return [] }
                    return bytes
                }
                counts.count(VerifyLedger.verdict(
                    observed: observed, acknowledged: history.acknowledged, unknownAfter: history.unknownAfter,
                    value: values.value))
            } catch {
                counts.readErrors += 1
            }
        }
    }
}
