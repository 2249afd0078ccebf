import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import BasaltMetrics
import BasaltStorage
import Foundation

/// Executes CQL-lite requests against the storage engine: QUERY, PREPARE, EXECUTE and BATCH.
/// Every failure becomes an ERROR response; client mistakes are `QueryError`s with Cassandra's codes.
public final class QueryProcessor: CQLRequestHandler, @unchecked Sendable {
    let engine: StorageEngine
    /// Where row reads and writes go: local storage on one node, the coordinator in a cluster.
    let proxy: StorageProxy
    public let catalog: SchemaCatalog
    public let node: NodeIdentity
    let events: CQLEventSink?
    /// The other nodes, for `system.peers`; nil on a single node.
    let peers: PeerDirectory?
    /// The server's open connections, for `system_views.clients`; nil without a server.
    let clients: ClientDirectory?
    /// The repairs this node ran, for `system_distributed.repair_history`.
    let repairs: RepairHistoryDirectory?
    let prepared = PreparedStatementCache()
    /// Roles, logins and permissions; set once before the node serves clients (it needs the
    /// processor to read system_auth). nil: no role statements (a bare processor in tests).
    public var accessControl: AccessControl?
    /// Request metrics, statement statistics, the slow-query log and the settings table; set once
    /// before the node serves clients. nil: nothing is observed (a bare processor in tests).
    public var observability: QueryObservability?

    public init(engine: StorageEngine, catalog: SchemaCatalog, node: NodeIdentity, events: CQLEventSink?,
                proxy: StorageProxy? = nil, peers: PeerDirectory? = nil, clients: ClientDirectory? = nil,
                repairs: RepairHistoryDirectory? = nil) {
        self.engine = engine
        self.repairs = repairs
        self.peers = peers
        self.clients = clients
        self.proxy = proxy ?? LocalStorageProxy(engine: engine)
        self.catalog = catalog
        self.node = node
        self.events = events
    }

    public func handle(_ request: CQLRequest, session: CQLSession) async -> CQLResponse {
        guard let observability, observability.recordsRequests, let kind = ClientRequestMetrics.Kind(request) else {
            return await respond(request, session: session)
        }
        return await observed(request, kind: kind, session: session, observability: observability)
    }

    /// - Parameter found: for EXECUTE, the prepared statement when the caller looked it up already.
    func respond(_ request: CQLRequest, session: CQLSession, found: PreparedStatement? = nil) async -> CQLResponse {
        do {
            switch request {
            case .query(let query):
                let statement = try parse(query.query)
                if Self.mismatchedValueCount(statement, query.parameters.values) != nil {
                    throw QueryError.invalid("Invalid amount of bind variables")
                }
                return .result(try await execute(statement, parameters: query.parameters, session: session))
            case .prepare(let prepare):
                return .result(.prepared(try self.prepare(prepare.query, session: session)))
            case .execute(let execute):
                guard let entry = found ?? prepared.lookup(execute.id) else {
                    return .error(CQLErrorMessage(.unprepared(id: execute.id),
                                                  message: "Prepared query with ID \(hexString(execute.id)) not found"))
                }
                if let (markers, values) = Self.mismatchedValueCount(entry.statement, execute.parameters.values) {
                    throw QueryError.invalid("there were \(markers) markers(?) in CQL but \(values) bound variables")
                }
                let scoped = CQLSession(keyspace: entry.keyspace ?? session.keyspace, user: session.user)
                let result = try await self.execute(entry.statement, parameters: execute.parameters, session: scoped,
                                                    insertPlan: entry.insertPlan)
                if case .setKeyspace(let keyspace) = result { session.keyspace = keyspace }
                return .result(result)
            case .batch(let batch):
                return .result(try await self.batch(batch, session: session))
            case .startup, .options, .register, .authResponse:
                return .error(CQLErrorMessage(.protocolError, message: "\(request.opcode) is answered by the server"))
            }
        } catch let error as QueryError {
            return .error(CQLErrorMessage(error.kind, message: error.message))
        } catch StorageError.keyTooLarge(let part, let length, let limit) {
            // Checked before storage as Cassandra does (`KeyLimits`); storage's own check catches the
            // rest (a collection element, say), which is still the client's doing.
            let message = part == .partitionKey || part == .clustering
                ? "Key length of \(length) is longer than maximum of \(limit)"
                : "The \(part.rawValue) of \(length) bytes is longer than the maximum of \(limit)"
            return .error(CQLErrorMessage(.invalid, message: message))
        } catch let error as StorageError {
            return .error(CQLErrorMessage(.serverError, message: "storage: \(error)"))
        } catch {
            return .error(CQLErrorMessage(.serverError, message: "\(error)"))
        }
    }

    /// Cassandra refuses positional values that do not match the statement's markers one for one
    /// (named values are matched by name when they are read).
    static func mismatchedValueCount(_ statement: Statement, _ values: CQLQueryValues?) -> (markers: Int, values: Int)? {
        if case .named? = values { return nil }
        let markers = statement.bindMarkers.count, given = values?.count ?? 0
        return markers == given ? nil : (markers, given)
    }

    /// Runs `cql` on the node's own behalf (role bookkeeping): not authorized, and allowed to write
    /// system_auth, which clients may not.
    func executeInternal(_ cql: String, consistency: CQLConsistency) async throws -> CQLResult {
        try await execute(try parse(cql), parameters: CQLQueryParameters(consistency: consistency),
                          session: CQLSession(internal: ()))
    }

    func parse(_ text: String) throws(QueryError) -> Statement {
        do { return try CQLParser.parse(text) } catch { throw .syntax(error.message) }
    }

    func execute(_ statement: Statement, parameters: CQLQueryParameters, session: CQLSession,
                 insertPlan: PreparedInsert.Slot? = nil) async throws -> CQLResult {
        try await authorize(statement, session: session)
        let bound = BoundValues(values: parameters.values)
        let timestamp = parameters.defaultTimestamp ?? engine.configuration.clock()
        if case .insert(let insert) = statement, let insertPlan, case .positional(let values)? = parameters.values,
           let plan = insertPlan.plan(for: insert, version: catalog.schemaVersion, resolve: { try? resolveTable(insert.table, session: session) }),
           let update = plan.update(values, timestamp: timestamp, now: nowSeconds) {
            try await write([update], consistency: parameters.consistency, writeType: .simple)
            return .void
        }
        switch statement {
        case .select(let select):
            return try await self.select(select, bound: bound, parameters: parameters, session: session)
        case .insert, .update, .delete:
            let modification: ModificationStatement = switch statement {
            case .insert(let s): .insert(s)
            case .update(let s): .update(s)
            case .delete(let s): .delete(s)
            default: preconditionFailure("unreachable: only modifications reach here")
            }
            let updates = try await mutations(for: modification, bound: bound, timestamp: timestamp, session: session,
                                              consistency: parameters.consistency)
            try await write(updates, consistency: parameters.consistency, writeType: .simple)
            return .void
        case .batch(let batch):
            var updates: [PartitionUpdate] = []
            let batchTimestamp = try batch.timestamp.flatMap { try integer($0, bound: bound) } ?? timestamp
            var composition = BatchComposition(isCounterBatch: batch.kind == .counter, isLogged: batch.kind == .logged)
            for child in batch.statements {
                try composition.add(try resolveTable(child.table, session: session))
                if batch.timestamp != nil && child.timestamp != nil {
                    throw QueryError.invalid("Timestamp must be set either on BATCH or individual statements")
                }
                updates += try await mutations(for: child, bound: bound, timestamp: batchTimestamp, session: session,
                                               consistency: parameters.consistency)
            }
            try await write(updates, consistency: parameters.consistency,
                            writeType: batch.kind == .logged ? .batch : .unloggedBatch)
            return .void
        case .use(let use):
            guard catalog.keyspace(use.keyspace) != nil else { throw QueryError.keyspaceMissing(use.keyspace) }
            session.keyspace = use.keyspace
            return .setKeyspace(use.keyspace)
        case .describe(let describe):
            return try self.describe(describe, session: session)
        case .auth(let auth):
            return try await authStatement(auth, session: session)
        default:
            return try await schemaChange(statement, session: session)
        }
    }

    /// A BATCH message: each entry parsed (or looked up) on its own with its own values. A LOGGED
    /// batch is applied as one commit-log record holding every partition's update, which is atomic
    /// on this node; there is no batchlog replay across nodes yet.
    func batch(_ batch: CQLBatch, session: CQLSession) async throws -> CQLResult {
        var updates: [PartitionUpdate] = []
        let timestamp = batch.defaultTimestamp ?? engine.configuration.clock()
        var composition = BatchComposition(isCounterBatch: batch.kind == .counter, isLogged: batch.kind == .logged)
        for entry in batch.statements {
            let statement: Statement
            var scoped = session
            switch entry.target {
            case .query(let text): statement = try parse(text)
            case .prepared(let id):
                guard let found = prepared.lookup(id) else {
                    throw QueryError(.unprepared(id: id), "Prepared query with ID \(hexString(id)) not found")
                }
                statement = found.statement
                scoped = CQLSession(keyspace: found.keyspace ?? session.keyspace, user: session.user)
            }
            if let (markers, values) = Self.mismatchedValueCount(statement, .positional(entry.values)) {
                throw QueryError.invalid("There were \(markers) markers(?) in CQL but \(values) bound variables")
            }
            try await authorize(statement, session: scoped)
            let bound = BoundValues(values: .positional(entry.values))
            let modification: ModificationStatement
            switch statement {
            case .insert(let s): modification = .insert(s)
            case .update(let s): modification = .update(s)
            case .delete(let s): modification = .delete(s)
            default: throw QueryError.invalid("Invalid statement in batch: only UPDATE, INSERT and DELETE statements are allowed.")
            }
            try composition.add(try resolveTable(modification.table, session: scoped))
            updates += try await mutations(for: modification, bound: bound, timestamp: timestamp, session: scoped,
                                           consistency: batch.consistency)
        }
        try await write(updates, consistency: batch.consistency, writeType: batch.kind == .logged ? .batch : .unloggedBatch)
        return .void
    }

    /// Updates of one partition are merged so each partition appears once in the mutation.
    func write(_ updates: [PartitionUpdate], consistency: CQLConsistency, writeType: CQLWriteType) async throws {
        var merged: [PartitionUpdate] = []
        for update in updates {
            if let index = merged.firstIndex(where: { $0.table == update.table && $0.key == update.key }) {
                merged[index].merge(update)
            } else {
                merged.append(update)
            }
        }
        for index in merged.indices { merged[index].normalize() }
        merged.removeAll { $0.isEmpty }
        guard !merged.isEmpty else { return }
        try await proxy.write(merged, consistency: consistency, writeType: writeType)
    }

    /// The number a USING TTL / USING TIMESTAMP / LIMIT / PER PARTITION LIMIT gives, or nil when it is
    /// bound to UNSET: as in Cassandra 4, that means the clause was not given (the table's default
    /// TTL, the coordinator's timestamp, no limit).
    func integer(_ value: IntegerValue, bound: BoundValues) throws(QueryError) -> Int64? {
        switch value {
        case .literal(let n): return n
        case .bindMarker(let marker):
            switch try bound.raw(marker) {
            case .unset: return nil
            case .null: throw .invalid("Invalid null value of \(Self.clauseName(marker))")
            case .bytes(let bytes) where bytes.count == 4:
                return Int64(Int32(bitPattern: bytes.reduce(0) { $0 << 8 | UInt32($1) }))
            case .bytes(let bytes) where bytes.count == 8:
                return Int64(bitPattern: bytes.reduce(0) { $0 << 8 | UInt64($1) })
            default: throw .invalid("Invalid value for \(BindMetadata.name(of: marker))")
            }
        }
    }

    /// How Cassandra names a numeric clause in its "Invalid null value of ..." messages.
    private static func clauseName(_ marker: BindMarker) -> String {
        switch marker.target {
        case .ttl: "TTL"
        case .timestamp: "timestamp"
        case .limit: "limit"
        case .perPartitionLimit: "per partition limit"
        default: BindMetadata.name(of: marker)
        }
    }

    // MARK: names

    func keyspaceName(_ name: QualifiedName, session: CQLSession) throws(QueryError) -> String {
        guard let keyspace = name.keyspace ?? session.keyspace else { throw .noKeyspace }
        return keyspace
    }

    func resolveTable(_ name: QualifiedName, session: CQLSession) throws(QueryError) -> TableSchema {
        let keyspace = try keyspaceName(name, session: session)
        guard catalog.keyspace(keyspace) != nil else { throw .keyspaceMissing(keyspace) }
        guard let table = catalog.table(keyspace: keyspace, name: name.name) else { throw .tableMissing(name.name) }
        return table
    }

    var nowSeconds: Int32 { Int32(clamping: engine.configuration.clock() / 1_000_000) }
}
