import BasaltQuery
import Foundation
import Logging
import Synchronization

/// Runs `basalt admin repair` on this node, one repair at a time, and keeps the history of the
/// last repairs in `<data>/repair_history.json` (read by `GET /repair/history`).
public final class RepairCoordinator: Sendable {
    /// Repairs the history keeps (the oldest are dropped).
    public static let historyLimit = 100

    private let node: ClusterNode
    private let running = Mutex(false)
    private let historyLock = Mutex(())
    private let schedule = Mutex<Task<Void, Never>?>(nil)

    public init(node: ClusterNode) { self.node = node }

    public var isRunning: Bool { running.withLock { $0 } }

    private var historyPath: String { node.configuration.dataDirectory + "/repair_history.json" }

    /// Repairs every range this node replicates of `keyspace` (nil: every keyspace whose data has
    /// more than one replica) or of its table `table`.
    public func repair(keyspace: String?, table: String?, primaryOnly: Bool = false) async throws -> RepairSummary {
        let tables = try self.tables(keyspace: keyspace, table: table)
        guard running.withLock({ running in defer { running = true }; return !running }) else {
            throw RepairError.alreadyRunning
        }
        defer { running.withLock { $0 = false } }
        let id = UUID()
        let started = Date()
        let clock = ContinuousClock.now
        // The consistent view: what was written before this moment, in write-timestamp microseconds.
        let cutoff = Int64(started.timeIntervalSince1970 * 1_000_000)
        var logger = node.logger
        logger[metadataKey: "repair"] = "\(id)"
        logger.info("repair started", metadata: ["keyspace": "\(keyspace ?? "all")", "tables": "\(tables.count)"])
        let session = RepairSession(state: node.state, catalog: node.catalog, engine: node.engine, service: node.service,
                                    transport: InternodeReplicaTransport(messenger: node.messenger), logger: logger,
                                    cutoff: cutoff)
        var failures: [String] = []
        var summaries: [RepairSummary.TableSummary] = []
        for table in tables {
            guard let keyspaceSchema = node.catalog.keyspace(table.keyspace) else { continue }
            summaries.append(await session.repair(table, ranges: session.work(for: keyspaceSchema, primaryOnly: primaryOnly),
                                             failures: &failures))
        }
        let elapsed = ContinuousClock.now - clock
        let summary = RepairSummary(
            id: id, keyspace: keyspace, table: table, primaryOnly: primaryOnly, startedAt: started.timeIntervalSince1970,
            durationSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cutoff: cutoff, tables: summaries, failures: failures)
        logger.info("repair finished", metadata: [
            "ranges": "\(summaries.reduce(0) { $0 + $1.rangesCompared })",
            "differed": "\(summaries.reduce(0) { $0 + $1.rangesDiffered })", "failures": "\(failures.count)",
            "seconds": "\(summary.durationSeconds)",
        ])
        record(summary)
        return summary
    }

    /// Repairs this node's primary ranges of every user keyspace each `interval` (`repair_interval_seconds`),
    /// so that a cluster whose nodes all do it heals without an operator. A run that finds another
    /// repair going skips its turn. Stopped by `stop()`.
    public func repairEvery(_ interval: Duration) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self, !Task.isCancelled else { return }
                do {
                    let summary = try await self.repair(keyspace: nil, table: nil, primaryOnly: true)
                    if !summary.succeeded {
                        self.node.logger.warning("scheduled repair left ranges unrepaired", metadata: ["failures": "\(summary.failures.count)"])
                    }
                } catch {
                    self.node.logger.info("scheduled repair skipped", metadata: ["reason": "\(error)"])
                }
            }
        }
        schedule.withLock { $0?.cancel(); $0 = task }
    }

    /// Stops scheduled repairs (at node shutdown).
    public func stop() {
        schedule.withLock { $0?.cancel(); $0 = nil }
    }

    /// The tables a repair covers, refused when the keyspace or table does not exist. Without a
    /// keyspace: the user keyspaces (system keyspaces are local, or rebuilt by schema exchange).
    /// Tables without storage (the generated system tables) have nothing to repair.
    private func tables(keyspace: String?, table: String?) throws -> [TableSchema] {
        try named(keyspace: keyspace, table: table).filter { node.engine.table($0.id) != nil }
    }

    private func named(keyspace: String?, table: String?) throws -> [TableSchema] {
        let catalog = node.catalog
        guard let keyspace else {
            if table != nil { throw RepairError.tableWithoutKeyspace }
            return catalog.userKeyspaces.flatMap { catalog.tables(in: $0.name) }
        }
        guard catalog.keyspace(keyspace) != nil else { throw RepairError.unknownKeyspace(keyspace) }
        guard let table else { return catalog.tables(in: keyspace) }
        guard let schema = catalog.table(keyspace: keyspace, name: table) else {
            throw RepairError.unknownTable(keyspace: keyspace, table: table)
        }
        return [schema]
    }

    /// The last repairs run on this node, newest last.
    public func history() -> [RepairSummary] {
        historyLock.withLock { _ in readHistory() }
    }

    private func readHistory() -> [RepairSummary] {
        guard let data = FileManager.default.contents(atPath: historyPath),
              let history = try? JSONDecoder().decode([RepairSummary].self, from: data) else { return [] }
        return history
    }

    private func record(_ summary: RepairSummary) {
        historyLock.withLock { _ in
            let history = (readHistory() + [summary]).suffix(Self.historyLimit)
            do {
                try JSONEncoder().encode(Array(history)).write(to: URL(fileURLWithPath: historyPath), options: .atomic)
            } catch {
                node.logger.warning("repair history not written", metadata: ["error": "\(error)"])
            }
        }
    }
}

public enum RepairError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownKeyspace(String)
    case unknownTable(keyspace: String, table: String)
    case tableWithoutKeyspace
    case alreadyRunning

    public var description: String {
        switch self {
        case .unknownKeyspace(let name): "keyspace \(name) does not exist"
        case .unknownTable(let keyspace, let table): "table \(keyspace).\(table) does not exist"
        case .tableWithoutKeyspace: "a table needs its keyspace"
        case .alreadyRunning: "a repair is already running on this node"
        }
    }
}

/// `system_distributed.repair_history`: a row per table of each repair in the history.
extension RepairCoordinator: RepairHistoryDirectory {
    public var repairHistory: [RepairHistoryEntry] {
        history().flatMap { repair in
            repair.tables.map { table in
                RepairHistoryEntry(
                    id: repair.id, keyspace: table.keyspace, table: table.table, coordinator: node.state.localAddress.host,
                    startedAt: Date(timeIntervalSince1970: repair.startedAt),
                    finishedAt: Date(timeIntervalSince1970: repair.startedAt + repair.durationSeconds),
                    status: repair.succeeded ? "SUCCESS" : "FAILED",
                    exceptionMessage: repair.succeeded ? nil : repair.failures.joined(separator: "; "),
                    rangesCompared: table.rangesCompared, rangesDiffered: table.rangesDiffered,
                    partitionsStreamed: table.partitionsReceived + table.partitionsSent,
                    bytesStreamed: table.bytesReceived + table.bytesSent)
            }
        }
    }
}
