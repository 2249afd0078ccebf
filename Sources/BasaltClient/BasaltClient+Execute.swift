import BasaltCQLProtocol
import NIOCore

extension BasaltClient {
    // MARK: Simple statements

    /// Executes CQL text with positional values for its `?` markers. Values are sent in their own
    /// types (`Int32` as `int`, `Int` as `bigint`); prepared statements convert to the column's.
    ///
    /// - Parameters:
    ///   - consistency: nil uses `configuration.defaultConsistency`.
    ///   - timestamp: the write timestamp in µs; nil assigns a client-side one.
    ///   - idempotent: whether the statement may be retried; nil uses `configuration.defaultIdempotence`.
    @discardableResult
    public func execute(
        _ cql: String, _ values: any CQLEncodable..., consistency: CQLConsistency? = nil, timestamp: Int64? = nil,
        idempotent: Bool? = nil
    ) async throws -> ResultSet {
        try await execute(Statement(cql, values: values), consistency: consistency, timestamp: timestamp, idempotent: idempotent)
    }

    /// Executes CQL text with values for its `:name` markers.
    @discardableResult
    public func execute(
        _ cql: String, named values: [String: any CQLEncodable], consistency: CQLConsistency? = nil,
        timestamp: Int64? = nil, idempotent: Bool? = nil
    ) async throws -> ResultSet {
        try await execute(Statement(cql, named: values), consistency: consistency, timestamp: timestamp, idempotent: idempotent)
    }

    // MARK: Prepared statements

    /// Prepares `cql` on the cluster, or returns the statement prepared earlier with the same text
    /// in the same keyspace. One node prepares it before this returns; the others in the
    /// background (a node that has not yet got it answers UNPREPARED, handled transparently).
    public func prepare(_ cql: String) async throws -> PreparedStatement {
        let key = PreparedKey(keyspace: keyspace, query: cql)
        if let cached = preparedStatements.withLock({ $0[key] }) { return cached }
        let execution = RequestExecution(
            request: .prepare(CQLPrepare(query: cql)), routingToken: nil, isIdempotent: true, prepared: [],
            deadline: deadline())
        let (result, endpoint) = try await execution.run(on: self)
        guard case .prepared(let prepared) = result else {
            throw BasaltClientError.unexpectedResponse(message: "PREPARE was not answered with PREPARED")
        }
        let fresh = PreparedStatement(query: cql, prepared: prepared)
        let statement = preparedStatements.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = fresh
            return fresh
        }
        if statement === fresh { prepareOnOtherHosts(cql, except: endpoint) }
        return statement
    }

    private func prepareOnOtherHosts(_ cql: String, except endpoint: Endpoint) {
        let pools = plan(routingToken: nil).filter { $0.endpoint != endpoint }
        guard !pools.isEmpty else { return }
        let deadline = deadline()
        Task {
            await withTaskGroup(of: Void.self) { group in
                for pool in pools {
                    guard let connection = pool.borrow() else { continue }
                    group.addTask { _ = try? await connection.send(.prepare(CQLPrepare(query: cql)), deadline: deadline) }
                }
            }
        }
    }

    /// Executes a prepared statement with positional values, converted to the markers' types.
    @discardableResult
    public func execute(
        _ prepared: PreparedStatement, _ values: any CQLEncodable..., consistency: CQLConsistency? = nil,
        timestamp: Int64? = nil, idempotent: Bool? = nil
    ) async throws -> ResultSet {
        try await execute(try prepared.bind(values: values), consistency: consistency, timestamp: timestamp, idempotent: idempotent)
    }

    /// Executes a prepared statement with values by marker name.
    @discardableResult
    public func execute(
        _ prepared: PreparedStatement, named values: [String: any CQLEncodable], consistency: CQLConsistency? = nil,
        timestamp: Int64? = nil, idempotent: Bool? = nil
    ) async throws -> ResultSet {
        try await execute(try prepared.bind(named: values), consistency: consistency, timestamp: timestamp, idempotent: idempotent)
    }

    /// The convenience overloads' options applied to `statement`, then run.
    private func execute(_ statement: Statement, consistency: CQLConsistency?, timestamp: Int64?,
                         idempotent: Bool?) async throws -> ResultSet {
        var statement = statement
        statement.consistency = consistency
        statement.timestamp = timestamp
        statement.isIdempotent = idempotent
        return try await execute(statement)
    }

    // MARK: Statements, batches, paging

    /// Executes a statement with all its options. A SELECT returns its first page; `rows(_:)`
    /// iterates over every page.
    @discardableResult
    public func execute(_ statement: Statement) async throws -> ResultSet {
        var parameters = CQLQueryParameters(
            consistency: statement.consistency ?? configuration.defaultConsistency, values: try statement.wireValues(),
            pageSize: statement.pageSize ?? configuration.defaultPageSize, pagingState: statement.pagingState,
            serialConsistency: statement.serialConsistency, defaultTimestamp: statement.timestamp ?? timestamps.next())
        let request: CQLRequest
        var prepared: [PreparedStatement] = []
        switch statement.body {
        case .simple(let query, _):
            request = .query(CQLQuery(query: query, parameters: parameters))
        case .bound(let statement, _):
            // With the result columns cached, the node need not repeat them on every page.
            parameters.skipMetadata = statement.cachedResultColumns != nil
            request = .execute(CQLExecute(id: statement.id, parameters: parameters))
            prepared = [statement]
        }
        let execution = RequestExecution(
            request: request, routingToken: statement.routingToken,
            isIdempotent: statement.isIdempotent ?? configuration.defaultIdempotence, prepared: prepared,
            deadline: deadline())
        var (result, _) = try await execution.run(on: self)
        var cachedColumns = statement.prepared?.cachedResultColumns
        if case .rows(let rows) = result, rows.metadata.columns == nil, rows.metadata.columnCount != cachedColumns?.count,
            let prepared = statement.prepared, case .execute(var execute) = request
        {
            // The table changed after the columns were cached (`SELECT *` gained a column) and the
            // schema event has not arrived yet: ask again, with the metadata this time. Only a
            // statement that returns rows gets here, and reading twice changes nothing.
            prepared.invalidateResultColumns()
            execute.parameters.skipMetadata = false
            var again = execution
            again.request = .execute(execute)
            (result, _) = try await again.run(on: self)
            cachedColumns = nil
        }
        let resultSet = try ResultSet(result, cachedColumns: cachedColumns)
        if let prepared = statement.prepared, cachedColumns == nil, !resultSet.columns.specs.isEmpty {
            prepared.adoptResultColumns(resultSet.columns)
        }
        await follow(resultSet)
        return resultSet
    }

    /// Executes a batch. Its routing token is its first statement's that has one.
    public func execute(_ batch: Batch) async throws {
        let message = CQLBatch(
            kind: batch.kind.wire, statements: try batch.wireStatements(),
            consistency: batch.consistency ?? configuration.defaultConsistency,
            serialConsistency: batch.serialConsistency, defaultTimestamp: batch.timestamp ?? timestamps.next())
        let execution = RequestExecution(
            request: .batch(message), routingToken: batch.statements.lazy.compactMap(\.routingToken).first,
            isIdempotent: batch.kind != .counter && (batch.isIdempotent ?? configuration.defaultIdempotence),
            prepared: batch.statements.compactMap(\.prepared), deadline: deadline())
        let (result, _) = try await execution.run(on: self)
        await follow(try ResultSet(result, cachedColumns: nil))
    }

    /// Every row of a query, fetching pages as they are consumed.
    public func rows(_ cql: String, _ values: any CQLEncodable..., pageSize: Int32? = nil, consistency: CQLConsistency? = nil) -> RowSequence {
        var statement = Statement(cql, values: values)
        statement.pageSize = pageSize
        statement.consistency = consistency
        return rows(statement)
    }

    /// Every row of a prepared query, fetching pages as they are consumed.
    public func rows(
        _ prepared: PreparedStatement, _ values: any CQLEncodable..., pageSize: Int32? = nil,
        consistency: CQLConsistency? = nil
    ) throws -> RowSequence {
        var statement = try prepared.bind(values: values)
        statement.pageSize = pageSize
        statement.consistency = consistency
        return rows(statement)
    }

    /// Every row of `statement`, starting at its `pagingState` if set.
    public func rows(_ statement: Statement) -> RowSequence {
        RowSequence(client: self, statement: statement)
    }

    // MARK: Effects of results

    private func deadline() -> NIODeadline {
        NIODeadline.now() + TimeAmount(configuration.requestTimeout)
    }

    /// `USE` moves every connection; DDL waits for schema agreement and refreshes cached
    /// prepared metadata, as the drivers do before returning from a DDL statement.
    private func follow(_ result: ResultSet) async {
        if let keyspace = result.keyspace { await keyspaceChanged(to: keyspace) }
        if let change = result.schemaChange {
            schemaChanged(change)
            await waitForSchemaAgreement()
        }
    }
}
