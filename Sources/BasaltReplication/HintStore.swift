import BasaltCore
import BasaltStorage
import Foundation

/// Writes kept for replicas that were down when they were written (hinted handoff), stored in this
/// node's own storage so they survive a crash like any acknowledged write: one partition per target
/// host id, one row per hint ordered by (time, random id), the encoded mutation in column 1.
///
/// Bounds, as Cassandra: no hints for a replica down longer than `maximumWindowSeconds` (3 hours by
/// default — after that, repair is the way back), and at most `maximumBytesPerHost` waiting per
/// replica; both drops are counted. A hint lives no longer than the smallest gc_grace_seconds of its
/// tables, because replaying it later could resurrect data whose tombstone is gone.
public final class HintStore: @unchecked Sendable {
    /// Fixed, so the hints table is the same on every start.
    public static let tableID = UUID(uuidString: "b4a5a17e-0000-4000-8000-68696e747300")!

    public struct Configuration: Sendable {
        public var maximumWindowSeconds: Int64
        public var maximumBytesPerHost: Int

        public init(maximumWindowSeconds: Int64 = 3 * 3600, maximumBytesPerHost: Int = 256 << 20) {
            self.maximumWindowSeconds = maximumWindowSeconds
            self.maximumBytesPerHost = maximumBytesPerHost
        }
    }

    /// One stored hint: its row in the hints table and the mutation to replay.
    public struct Hint: Sendable {
        public var clustering: Clustering
        public var timestamp: Int64
        public var mutation: Mutation
        public var size: Int
    }

    public struct Statistics: Sendable, Hashable {
        public var stored = 0
        public var delivered = 0
        public var droppedOutsideWindow = 0
        public var droppedOverSize = 0
        public var pendingBytes: [UUID: Int] = [:]
        /// The same counts per target host (the totals above are their sums), for the metrics.
        public var perHost: [UUID: HostCounts] = [:]
    }

    public struct HostCounts: Sendable, Hashable {
        public var stored = 0
        public var delivered = 0
        public var dropped = 0

        public init() {}
    }

    let engine: StorageEngine
    let table: Table
    let configuration: Configuration
    private let lock = NSLock()
    private var counters = Statistics()

    /// Opens the hints table. Call before the commit log is replayed, so hints written before a
    /// crash are replayed into it.
    public init(engine: StorageEngine, configuration: Configuration = Configuration()) throws {
        self.engine = engine
        self.configuration = configuration
        // Delivered hints are deleted by row tombstones nobody else needs: purge them at once.
        table = try engine.openTable(Self.tableID, options: TableOptions(name: "system.hints", gcGraceSeconds: 0))
    }

    /// Counts what is already waiting (after replay), so the per-host bound holds across restarts.
    public func loadPendingSizes() throws {
        let scanner = try table.scanner()
        var sizes: [UUID: Int] = [:]
        while let partition = try scanner.next() {
            guard let host = Self.host(partition.key) else { continue }
            sizes[host] = partition.rows.reduce(0) { $0 + ($1.cells.first?.value?.count ?? 0) }
        }
        lock.withLock { counters.pendingBytes = sizes }
    }

    public var statistics: Statistics { lock.withLock { counters } }

    /// Hosts that have hints waiting, in a fixed order (so a simulated run replays the same deliveries).
    public var hostsWithHints: [UUID] {
        lock.withLock { counters.pendingBytes.filter { $0.value > 0 }.map(\.key) }.sorted { $0.uuidString < $1.uuidString }
    }

    /// Stores `mutation` for `host`, down for `downSeconds`. Returns false when the hint was
    /// dropped by a bound (the replica then needs repair to catch up).
    public func store(_ mutation: Mutation, for host: UUID, downSeconds: Int64) async throws -> Bool {
        if downSeconds > configuration.maximumWindowSeconds {
            lock.withLock {
                counters.droppedOutsideWindow += 1
                counters.perHost[host, default: HostCounts()].dropped += 1
            }
            return false
        }
        let payload = DataCodec.encode(mutation)
        let admitted: Bool = lock.withLock {
            guard counters.pendingBytes[host, default: 0] + payload.count <= configuration.maximumBytesPerHost else {
                counters.droppedOverSize += 1
                counters.perHost[host, default: HostCounts()].dropped += 1
                return false
            }
            counters.pendingBytes[host, default: 0] += payload.count
            return true
        }
        guard admitted else { return false }
        let now = engine.configuration.clock()
        let gcGrace = mutation.updates.compactMap { engine.table($0.table)?.options.gcGraceSeconds }.min() ?? 0
        var clustering = ByteWriter()
        clustering.write(bigEndian: UInt64(bitPattern: now))
        clustering.write(bigEndian: UInt64.random(in: 0...UInt64.max))
        var update = PartitionUpdate(table: Self.tableID, key: Self.key(host))
        let nowSeconds = Int32(clamping: now / 1_000_000)
        let cell = gcGrace > 0
            ? Cell(column: 1, path: nil, timestamp: now, ttl: gcGrace, localDeletionTime: nowSeconds &+ gcGrace, value: payload)
            : Cell.live(column: 1, timestamp: now, value: payload)
        update.rows = [Row(clustering: Clustering(clustering.bytes), cells: [cell])]
        do {
            try await engine.write(Mutation([update]))
        } catch {
            lock.withLock { counters.pendingBytes[host, default: 0] -= payload.count }
            throw error
        }
        lock.withLock {
            counters.stored += 1
            counters.perHost[host, default: HostCounts()].stored += 1
        }
        return true
    }

    /// Up to `limit` of the oldest hints for `host`. Hints that no longer decode (written by a
    /// different version) are skipped rather than blocking delivery of the rest.
    public func hints(for host: UUID, limit: Int) throws -> [Hint] {
        guard let partition = try table.read(Self.key(host)) else { return [] }
        return partition.rows.prefix(limit).compactMap { row in
            guard let cell = row.cells.first, let value = cell.value,
                  let mutation = try? DataCodec.decodeMutation(value) else { return nil }
            return Hint(clustering: row.clustering, timestamp: cell.timestamp, mutation: mutation, size: value.count)
        }
    }

    /// Removes a delivered hint.
    public func delivered(_ hint: Hint, for host: UUID) async throws {
        var update = PartitionUpdate(table: Self.tableID, key: Self.key(host))
        update.rows = [Row(clustering: hint.clustering,
                           deletion: DeletionTime(markedForDeleteAt: hint.timestamp,
                                                  localDeletionTime: Int32(clamping: hint.timestamp / 1_000_000)))]
        try await engine.write(Mutation([update]))
        lock.withLock {
            counters.delivered += 1
            counters.perHost[host, default: HostCounts()].delivered += 1
            counters.pendingBytes[host, default: 0] = max(0, counters.pendingBytes[host, default: 0] - hint.size)
        }
    }

    static func key(_ host: UUID) -> PartitionKey {
        withUnsafeBytes(of: host.uuid) { PartitionKey(Array($0)) }
    }

    static func host(_ key: PartitionKey) -> UUID? {
        guard key.bytes.count == 16 else { return nil }
        let b = key.bytes
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
