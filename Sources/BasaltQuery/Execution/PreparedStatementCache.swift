import BasaltCQL
import Foundation

/// A prepared statement: what EXECUTE runs, with the keyspace that was current at PREPARE time
/// (unqualified names resolve there, as in Cassandra).
struct PreparedStatement: Sendable {
    var statement: Statement
    var keyspace: String?
    /// As the client sent it, for the statement statistics and the slow-query log.
    var text: String
    /// An INSERT's value-independent work, made at its first EXECUTE (`PreparedInsert`).
    let insertPlan = PreparedInsert.Slot()

    init(statement: Statement, keyspace: String?, text: String) {
        self.statement = statement
        self.text = text
        self.keyspace = keyspace
    }
}

/// Prepared statements by id, bounded: the oldest entry is evicted first. An evicted id answers
/// 0x2500 Unprepared and the driver re-prepares, so eviction is always safe.
final class PreparedStatementCache: @unchecked Sendable {
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [[UInt8]: PreparedStatement] = [:]
    private var order: [[UInt8]] = []

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// Cassandra's id: MD5 of the keyspace prefix (or "") followed by the query text (notes §4.3).
    static func id(query: String, keyspace: String?) -> [UInt8] {
        MD5.digest(Array(((keyspace ?? "") + query).utf8))
    }

    func insert(_ prepared: PreparedStatement, id: [UInt8]) {
        lock.withLock {
            if entries.updateValue(prepared, forKey: id) == nil { order.append(id) }
            while order.count > capacity { entries[order.removeFirst()] = nil }
        }
    }

    func lookup(_ id: [UInt8]) -> PreparedStatement? { lock.withLock { entries[id] } }
}
