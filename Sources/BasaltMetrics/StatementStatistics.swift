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

    /// Rows live in slots, so a prepared id remembers its row's slot and finds it without hashing
    /// the text. A slot given to another statement (eviction) gets a new generation, which tells a
    /// remembered slot that is stale.
    private struct State {
        var rows: [Row] = []
        var generations: [Int] = []
        var slotOfKey: [Key: Int] = [:]
        var slotOfPrepared: [[UInt8]: (slot: Int, generation: Int)] = [:]
        var nextGeneration = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int) {
        precondition(capacity > 0, "statement statistics need room for one statement")
        self.capacity = capacity
    }

    /// Adds an execution to the row of `key`.
    public func record(_ key: Key, _ execution: Execution) {
        state.withLock { state in
            Self.add(execution, at: Self.slot(for: key, in: &state, capacity: capacity, now: execution.nowMilliseconds), in: &state)
        }
    }

    /// Adds an execution of a prepared statement: its id finds the row; `key` is asked for only
    /// the first time the id is seen (or after its row was evicted or reset).
    public func record(preparedID: [UInt8], key: () -> Key, _ execution: Execution) {
        state.withLock { state in
            if let (slot, generation) = state.slotOfPrepared[preparedID], state.generations[slot] == generation {
                Self.add(execution, at: slot, in: &state)
                return
            }
            let slot = Self.slot(for: key(), in: &state, capacity: capacity, now: execution.nowMilliseconds)
            state.slotOfPrepared[preparedID] = (slot, state.generations[slot])
            Self.add(execution, at: slot, in: &state)
        }
    }

    public var rows: [Row] { state.withLock { $0.rows } }

    public func reset() { state.withLock { $0 = State() } }

    /// The slot of `key`'s row, made (in a free slot, or the least used one's) if it has none.
    private static func slot(for key: Key, in state: inout State, capacity: Int, now: Int64) -> Int {
        if let slot = state.slotOfKey[key] { return slot }
        let row = Row(key: key, firstSeenMilliseconds: now, lastSeenMilliseconds: now)
        state.nextGeneration += 1
        let slot: Int
        if state.rows.count < capacity {
            slot = state.rows.count
            state.rows.append(row)
            state.generations.append(state.nextGeneration)
        } else {
            slot = leastUsed(state.rows)
            state.slotOfKey[state.rows[slot].key] = nil
            state.rows[slot] = row
            state.generations[slot] = state.nextGeneration
            // Ids that pointed at the evicted row see the new generation at their next use.
        }
        state.slotOfKey[key] = slot
        return slot
    }

    private static func add(_ execution: Execution, at slot: Int, in state: inout State) {
        state.rows[slot].calls += 1
        state.rows[slot].rows += execution.rows
        state.rows[slot].errors += execution.failed ? 1 : 0
        state.rows[slot].latency.record(nanoseconds: execution.nanoseconds)
        state.rows[slot].lastSeenMilliseconds = max(state.rows[slot].lastSeenMilliseconds, execution.nowMilliseconds)
    }

    /// A linear scan, run only when a statement not yet seen arrives at a full store: the fewest
    /// calls, and among equals the oldest last call.
    private static func leastUsed(_ rows: [Row]) -> Int {
        var victim = 0
        for index in rows.indices.dropFirst()
        where (rows[index].calls, rows[index].lastSeenMilliseconds) < (rows[victim].calls, rows[victim].lastSeenMilliseconds) {
            victim = index
        }
        return victim
    }
}
