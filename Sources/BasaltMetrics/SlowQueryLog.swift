import Synchronization

/// Statements that took longer than the node's `slow_query_log_timeout_ms`: the newest `capacity`
/// of them, for `system_views.slow_queries`, each also handed to `onSlowQuery` (the node logs it).
public final class SlowQueryLog: Sendable {
    public struct Entry: Sendable, Hashable {
        public var keyspace: String?
        /// As the client sent it (a prepared statement's text for EXECUTE), cut at `maximumTextLength`.
        public var statement: String
        public var consistency: String
        public var durationNanoseconds: Int64
        public var coordinator: String
        /// Replicas the coordinator sent the statement's reads or writes to, where it recorded them.
        public var replicas: [String]
        public var rows: Int
        public var startedAtMilliseconds: Int64

        public init(keyspace: String?, statement: String, consistency: String, durationNanoseconds: Int64,
                    coordinator: String, replicas: [String], rows: Int, startedAtMilliseconds: Int64) {
            self.keyspace = keyspace
            self.statement = statement
            self.consistency = consistency
            self.durationNanoseconds = durationNanoseconds
            self.coordinator = coordinator
            self.replicas = replicas
            self.rows = rows
            self.startedAtMilliseconds = startedAtMilliseconds
        }
    }

    /// A statement's text is kept to this many characters: a batch of thousands of inlined rows
    /// would otherwise hold megabytes per entry.
    public static let maximumTextLength = 2_000

    public let thresholdNanoseconds: Int64
    public let capacity: Int
    private let onSlowQuery: @Sendable (Entry) -> Void
    private let entries = Mutex<[Entry]>([])

    /// - Parameter thresholdMilliseconds: 0 or less turns the log off.
    public init(thresholdMilliseconds: Int, capacity: Int = 1_000, onSlowQuery: @escaping @Sendable (Entry) -> Void = { _ in }) {
        precondition(capacity > 0, "a slow-query log needs room for one entry")
        thresholdNanoseconds = thresholdMilliseconds > 0 ? Int64(thresholdMilliseconds) * 1_000_000 : .max
        self.capacity = capacity
        self.onSlowQuery = onSlowQuery
    }

    @inline(__always)
    public func isSlow(nanoseconds: Int64) -> Bool { nanoseconds > thresholdNanoseconds }

    public func record(_ entry: Entry) {
        var entry = entry
        if entry.statement.count > Self.maximumTextLength {
            entry.statement = String(entry.statement.prefix(Self.maximumTextLength)) + "..."
        }
        entries.withLock { entries in
            entries.append(entry)
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
        onSlowQuery(entry)
    }

    /// Oldest first.
    public var recent: [Entry] { entries.withLock { $0 } }

    public func reset() { entries.withLock { $0.removeAll() } }
}
