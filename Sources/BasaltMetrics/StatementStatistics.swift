import BasaltInstruments
import Synchronization

/// pg_stat_statements for CQL: per normalized statement (literals replaced by `?`, so a prepared
/// statement and its inlined forms share a row) and keyspace, how often it ran, the rows it returned
/// or wrote, its errors and latencies, when it was first and last seen.
/// `system_views.statement_stats` shows the rows; TRUNCATE of that table is `reset()`.
///
/// Bounded: a new statement past `capacity` evicts the least-called one (the oldest last call among
/// equals), so a workload of one-off statements cannot grow the store. A prepared statement is found
/// by its id, which is cheaper than hashing its text; the id is linked to its row on first use.
///
/// One lock guards the store; a call holds it for a dictionary lookup and a few additions.
public final class StatementStatistics: Sendable {
    public struct Key: Hashable, Sendable {
        public var keyspace: String
        public var statement: String

        public init(keyspace: String?, statement: String) {
            self.keyspace = keyspace ?? ""
            self.statement = statement
        }
    }

    /// One row of `system_views.statement_stats`.
    public struct Row: Sendable, Hashable {
        public var key: Key
        public var calls = 0
        public var rows = 0
        public var errors = 0
        public var latency = LatencySnapshot()
        public var firstSeenMilliseconds: Int64
        public var lastSeenMilliseconds: Int64
    }

    /// What one execution adds to its row.
    public struct Execution: Sendable {
        public var rows: Int
        public var failed: Bool
        public var nanoseconds: Int64
        public var nowMilliseconds: Int64

        public init(rows: Int, failed: Bool, nanoseconds: Int64, nowMilliseconds: Int64) {
            self.rows = rows
            self.failed = failed
            self.nanoseconds = nanoseconds
            self.nowMilliseconds = nowMilliseconds
        }
    }

    private struct State {
        var rows: [Key: Row] = [:]
        var keysOfPrepared: [[UInt8]: Key] = [:]
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        precondition(capacity > 0, "statement statistics need room for one statement")
        self.capacity = capacity
    }

    /// Adds an execution to the row of `key`.
    public func record(_ key: Key, _ execution: Execution) {
        state.withLock { state in Self.add(execution, to: key, in: &state, capacity: capacity) }
    }

    /// Adds an execution of a prepared statement: its id finds the row; `key` is asked for only
    /// the first time the id is seen (or after its row was evicted or reset).
    public func record(preparedID: [UInt8], key: () -> Key, _ execution: Execution) {
        state.withLock { state in
            let found = state.keysOfPrepared[preparedID].flatMap { state.rows[$0] == nil ? nil : $0 }
            let resolved = found ?? key()
            if found == nil { state.keysOfPrepared[preparedID] = resolved }
            Self.add(execution, to: resolved, in: &state, capacity: capacity)
        }
    }

    public var rows: [Row] { state.withLock { Array($0.rows.values) } }

    public func reset() { state.withLock { $0 = State() } }

    private static func add(_ execution: Execution, to key: Key, in state: inout State, capacity: Int) {
        if state.rows[key] == nil {
            if state.rows.count >= capacity { evictLeastUsed(&state) }
            state.rows[key] = Row(key: key, firstSeenMilliseconds: execution.nowMilliseconds,
                                  lastSeenMilliseconds: execution.nowMilliseconds)
        }
        state.rows[key]!.calls += 1
        state.rows[key]!.rows += execution.rows
        state.rows[key]!.errors += execution.failed ? 1 : 0
        state.rows[key]!.latency.record(nanoseconds: execution.nanoseconds)
        state.rows[key]!.lastSeenMilliseconds = max(state.rows[key]!.lastSeenMilliseconds, execution.nowMilliseconds)
    }

    /// A linear scan, run only when a statement not yet seen arrives at a full store.
    private static func evictLeastUsed(_ state: inout State) {
        guard let victim = state.rows.values.min(by: {
            ($0.calls, $0.lastSeenMilliseconds) < ($1.calls, $1.lastSeenMilliseconds)
        }) else { return }
        state.rows[victim.key] = nil
        // Ids pointing at the evicted row are found stale at their next use and relinked.
    }
}
