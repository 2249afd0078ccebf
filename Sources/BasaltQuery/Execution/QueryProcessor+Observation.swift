import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import BasaltMetrics
import Foundation

extension ClientRequestMetrics.Kind {
    /// The requests that run statements; nil for those the server answers itself.
    init?(_ request: CQLRequest) {
        switch request {
        case .query: self = .query
        case .prepare: self = .prepare
        case .execute: self = .execute
        case .batch: self = .batch
        case .startup, .options, .register, .authResponse: return nil
        }
    }
}

extension QueryProcessor {
    /// Serves `request` inside a `RequestContext`, then records it: the request metrics, the
    /// statement's row in the statistics (PREPARE is not an execution, so it has none) and, past the
    /// threshold, an entry in the slow-query log. The statement's text is normalized only when its
    /// row is first made for a prepared id, and at every simple QUERY (which is parsed anyway).
    func observed(_ request: CQLRequest, kind: ClientRequestMetrics.Kind, session: CQLSession,
                  observability: QueryObservability) async -> CQLResponse {
        let keyspace = session.keyspace
        let clock = ContinuousClock()
        let start = clock.now
        observability.requests?.started()
        let context = RequestContext()
        let entry: PreparedStatement? = if case .execute(let execute) = request { prepared.lookup(execute.id) } else { nil }
        let response = await RequestContext.$current.withValue(context) { await respond(request, session: session, found: entry) }
        let elapsed = start.duration(to: clock.now)
        let nanoseconds = elapsed.components.seconds &* 1_000_000_000 &+ elapsed.components.attoseconds / 1_000_000_000
        let error: CQLErrorMessage.Kind? = if case .error(let message) = response { message.kind } else { nil }
        let consistency = Self.consistency(of: request)
        observability.requests?.finished(kind, consistency: consistency, nanoseconds: nanoseconds, error: error)
        guard kind != .prepare else { return response }
        let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        let rows = rowCount(response, request: request, entry: entry)
        if let statements = observability.statements {
            let execution = StatementStatistics.Execution(rows: rows, failed: error != nil, nanoseconds: nanoseconds,
                                                          nowMilliseconds: nowMilliseconds)
            switch request {
            case .execute(let execute):
                statements.record(preparedID: execute.id, key: { statementKey(request, keyspace: keyspace) }, execution)
            default:
                statements.record(statementKey(request, keyspace: keyspace), execution)
            }
        }
        if let slow = observability.slowQueries, slow.isSlow(nanoseconds: nanoseconds) {
            slow.record(SlowQueryLog.Entry(
                keyspace: preparedKeyspace(request) ?? keyspace, statement: text(of: request),
                consistency: consistency.map(\.name) ?? "", durationNanoseconds: nanoseconds, coordinator: node.listenAddress,
                replicas: context.replicasContacted, rows: rows,
                startedAtMilliseconds: nowMilliseconds - nanoseconds / 1_000_000))
        }
        return response
    }

    static func consistency(of request: CQLRequest) -> CQLConsistency? {
        switch request {
        case .query(let query): query.parameters.consistency
        case .execute(let execute): execute.parameters.consistency
        case .batch(let batch): batch.consistency
        default: nil
        }
    }

    /// Rows returned by a SELECT, or written: one per INSERT, UPDATE or DELETE that succeeded
    /// (an UPDATE of several partitions with IN counts as one), one per statement of a BATCH
    /// message (an inlined `BEGIN BATCH` in a QUERY counts as one).
    func rowCount(_ response: CQLResponse, request: CQLRequest, entry: PreparedStatement?) -> Int {
        switch response {
        case .result(.rows(let rows)): return rows.rows.count
        case .result(.void):
            switch request {
            case .batch(let batch): return batch.statements.count
            case .query(let query): return Self.isModification(query.query) ? 1 : 0
            case .execute: return entry.map { Self.isModification($0.statement) ? 1 : 0 } ?? 0
            default: return 0
            }
        default: return 0
        }
    }

    private static func isModification(_ statement: Statement) -> Bool {
        switch statement {
        case .insert, .update, .delete: true
        case .batch(let batch): !batch.statements.isEmpty
        default: false
        }
    }

    private static func isModification(_ text: String) -> Bool {
        // By its first word: the text was parsed already, and a second parse to count would cost more
        // than the statement. An inlined BATCH counts as one.
        let head = text.drop { $0.isWhitespace }.prefix(6).lowercased()
        return head == "insert" || head == "update" || head == "delete" || head == "begin "
    }

    /// A prepared statement's keyspace is the one current when it was prepared.
    private func preparedKeyspace(_ request: CQLRequest) -> String? {
        guard case .execute(let execute) = request else { return nil }
        return prepared.lookup(execute.id)?.keyspace
    }

    /// The statement's text as sent; a batch's as `BEGIN BATCH a; b; APPLY BATCH`.
    func text(of request: CQLRequest) -> String {
        switch request {
        case .query(let query): return query.query
        case .prepare(let prepare): return prepare.query
        case .execute(let execute): return prepared.lookup(execute.id)?.text ?? "<unprepared \(hexString(execute.id))>"
        case .batch(let batch):
            let parts = batch.statements.map { entry in
                switch entry.target {
                case .query(let text): text
                case .prepared(let id): prepared.lookup(id)?.text ?? "<unprepared \(hexString(id))>"
                }
            }
            return "BEGIN BATCH " + parts.joined(separator: "; ") + " APPLY BATCH"
        default: return ""
        }
    }

    private func statementKey(_ request: CQLRequest, keyspace: String?) -> StatementStatistics.Key {
        StatementStatistics.Key(keyspace: preparedKeyspace(request) ?? keyspace,
                                statement: StatementNormalizer.normalize(text(of: request)))
    }
}
