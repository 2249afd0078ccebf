import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

extension QueryProcessor {
    /// The partition updates of one INSERT, UPDATE or DELETE.
    // Not optimized: Swift 6.3.1 crashes (signal 11, LLVM coroutine splitting) compiling this async
    // dispatch with -O. It only chooses the path; the work it calls is optimized as usual.
    @_optimize(none)
    func mutations(for statement: ModificationStatement, bound: BoundValues, timestamp defaultTimestamp: Int64,
                   session: CQLSession, consistency: CQLConsistency) async throws -> [PartitionUpdate] {
        let evaluator = TermEvaluator(bound: bound, now: engine.configuration.clock())
        try refuseConditions(statement)
        switch statement {
        case .insert(let insert):
            let table = try writableTable(insert.table, session: session)
            if table.isCounterTable {
                throw QueryError.invalid("INSERT statements are not allowed on counter tables, use UPDATE instead")
            }
            var relations: [Relation] = []
            var assignments: [Assignment] = []
            var named: Set<String> = []
            for (name, value) in zip(insert.columns, insert.values) {
                guard let column = table.column(named: name) else { throw QueryError.invalid("Undefined column name \(name)") }
                guard named.insert(name).inserted else { throw QueryError.invalid("Multiple definitions found for column \(name)") }
                if column.isPrimaryKey {
                    relations.append(Relation(subject: .column(name), op: .equal, value: value))
                } else {
                    assignments.append(.set(column: name, value: value))
                }
            }
            let write = try ModificationWrite(processor: self, table: table, evaluator: evaluator,
                                              using: insert.using, defaultTimestamp: defaultTimestamp, isInsert: true,
                                              consistency: consistency)
            return try await write.apply(assignments, where: relations)
        case .update(let update):
            let table = try writableTable(update.table, session: session)
            try refuseIncompatibleSettings(update.assignments)
            try refuseClusteringRestrictions(on: table, changing: update.assignments.map(\.column),
                                             where: update.whereClause, statement: "UPDATE")
            let write = try ModificationWrite(processor: self, table: table, evaluator: evaluator,
                                              using: update.using, defaultTimestamp: defaultTimestamp, isInsert: false,
                                              consistency: consistency)
            return try await write.apply(update.assignments, where: update.whereClause)
        case .delete(let delete):
            let table = try writableTable(delete.table, session: session)
            try refuseClusteringRestrictions(on: table, changing: delete.columns.map(\.column),
                                             where: delete.whereClause, statement: "DELETE")
            let write = try ModificationWrite(processor: self, table: table, evaluator: evaluator,
                                              using: UsingClause(timestamp: delete.timestamp),
                                              defaultTimestamp: defaultTimestamp, isInsert: false,
                                              consistency: consistency)
            return try await write.delete(delete.columns, where: delete.whereClause)
        }
    }

    /// Lightweight transactions (`IF NOT EXISTS`, `IF EXISTS`, `IF col = v`) need Paxos, which Basalt
    /// does not have yet. Applying the write unconditionally would be a silent lie, so it is refused.
    private func refuseConditions(_ statement: ModificationStatement) throws(QueryError) {
        let conditional = switch statement {
        case .insert(let insert): insert.ifNotExists
        case .update(let update): update.ifExists || !update.conditions.isEmpty
        case .delete(let delete): delete.ifExists || !delete.conditions.isEmpty
        }
        if conditional {
            throw QueryError.invalid("Conditional updates (IF NOT EXISTS, IF EXISTS, IF ...) are not supported by Basalt yet")
        }
    }

    /// `SET v = 1, v = 2` would leave the outcome to chance, so Cassandra's parser refuses setting a
    /// column that another assignment of the statement also changes (element updates may combine).
    private func refuseIncompatibleSettings(_ assignments: [Assignment]) throws(QueryError) {
        var changed: [String: Bool] = [:]  // column → whether a whole-value `=` is among its assignments
        for assignment in assignments {
            let column = assignment.column
            let replaces = if case .set = assignment { true } else { false }
            if let earlier = changed[column], earlier || replaces {
                throw QueryError.syntax("Multiple incompatible setting of column \(column)")
            }
            changed[column] = replaces
        }
    }

    /// A write that changes only static columns changes no row, so Cassandra refuses to let it
    /// name one through the clustering columns.
    private func refuseClusteringRestrictions(on table: TableSchema, changing columns: [String], where relations: [Relation],
                                              statement: String) throws(QueryError) {
        guard !columns.isEmpty, columns.allSatisfy({ table.column(named: $0)?.kind == .static }) else { return }
        let restrictsClustering = relations.contains { relation in
            switch relation.subject {
            case .column(let name): table.column(named: name)?.kind == .clustering
            case .columns: true
            default: false
            }
        }
        if restrictsClustering {
            throw QueryError.invalid("Invalid restrictions on clustering columns since the \(statement) statement "
                                     + "modifies only static columns")
        }
    }

    private func writableTable(_ name: QualifiedName, session: CQLSession) throws(QueryError) -> TableSchema {
        let table = try resolveTable(name, session: session)
        if SchemaCatalog.isSystemKeyspace(table.keyspace)
            && !(session.isInternal && table.keyspace == SchemaCatalog.authKeyspace) {
            throw QueryError(.unauthorized, "\(table.keyspace) keyspace is not user-modifiable.")
        }
        return table
    }
}

/// Builds the storage facts of one modification: keys from the WHERE clause (or INSERT's key
/// columns), cells with the statement's timestamp and TTL (the table's default_time_to_live unless
/// USING TTL), a row marker for INSERT (so the row exists with only a key), and for non-frozen
/// collections one cell per element plus a complex deletion when the whole collection is replaced.
struct ModificationWrite {
    let processor: QueryProcessor
    let table: TableSchema
    let evaluator: TermEvaluator
    let timestamp: Int64
    let ttl: Int32
    let now: Int32
    let isInsert: Bool
    /// The statement's level, also used for the read-before-write of list operations by index.
    let consistency: CQLConsistency

    init(processor: QueryProcessor, table: TableSchema, evaluator: TermEvaluator, using: UsingClause,
         defaultTimestamp: Int64, isInsert: Bool, consistency: CQLConsistency) throws {
        self.processor = processor
        self.consistency = consistency
        self.table = table
        self.evaluator = evaluator
        self.isInsert = isInsert
        timestamp = try using.timestamp.flatMap { try processor.integer($0, bound: evaluator.bound) } ?? defaultTimestamp
        // Int64.min is what a deletion with no timestamp means in storage (and in Cassandra).
        guard timestamp != .min else {
            throw QueryError.invalid("Out of bound timestamp, must be in [\(Int64.min + 1), \(Int64.max)]")
        }
        let ttl = try using.ttl.flatMap { try processor.integer($0, bound: evaluator.bound) } ?? Int64(table.options.defaultTimeToLive)
        guard ttl >= 0 else { throw QueryError.invalid("A TTL must be greater or equal to 0, but was \(ttl)") }
        guard ttl <= Int64(SchemaProperties.maximumTimeToLive) else {
            throw QueryError.invalid("ttl is too large. requested (\(ttl)) maximum (\(SchemaProperties.maximumTimeToLive))")
        }
        self.ttl = Int32(ttl)
        now = processor.nowSeconds
    }

    private var liveness: LivenessInfo {
        ttl > 0 ? LivenessInfo(timestamp: timestamp, ttl: ttl, localExpirationTime: now &+ ttl) : LivenessInfo(timestamp: timestamp)
    }

    private func liveCell(_ column: ColumnSchema, path: [UInt8]? = nil, _ value: [UInt8]) -> Cell {
        ttl > 0 ? .expiring(column: column.id, path: path, timestamp: timestamp, value: value, ttl: ttl, now: now)
            : .live(column: column.id, path: path, timestamp: timestamp, value: value)
    }

    private func tombstone(_ column: ColumnSchema, path: [UInt8]? = nil) -> Cell {
        .tombstone(column: column.id, path: path, timestamp: timestamp, now: now)
    }

    private func serialize(_ value: CQLValue, _ type: CQLDataType) throws -> [UInt8] {
        do { return try value.serialize(as: type) ?? [] } catch let error as CQLValueError { throw QueryError.invalid(error.message) }
    }

    /// A set element or map key is its cell's path, which Cassandra limits to 65535 bytes.
    private func elementPath(_ value: CQLValue, _ type: CQLDataType, of column: ColumnSchema) throws -> [UInt8] {
        let path = try serialize(value, type)
        guard path.count <= KeyLimits.maximum else {
            if case .map = column.dataType {
                throw QueryError.invalid("Map key is too long. Map keys are limited to \(KeyLimits.maximum) bytes "
                                         + "but \(path.count) bytes keys provided")
            }
            throw QueryError.invalid("Set value is too long. Set values are limited to \(KeyLimits.maximum) bytes "
                                     + "but \(path.count) bytes value provided")
        }
        return path
    }

    // MARK: keys

    /// Candidate values of each column restricted by `=` or `IN`.
    private func keyValues(_ relations: [Relation]) throws -> [String: [CQLValue]] {
        try RelationConflicts.refuse(relations, partitionKey: table.partitionKey.map(\.name))
        var out: [String: [CQLValue]] = [:]
        for relation in relations {
            if case .element(let name, _) = relation.subject {
                throw QueryError.invalid("Non PRIMARY KEY columns found in where clause: \(name) ")
            }
            guard case .column(let name) = relation.subject else {
                throw QueryError.invalid("Multi-column relations and token restrictions are not supported in modifications")
            }
            guard let column = table.column(named: name) else { throw QueryError.invalid("Undefined column name \(name)") }
            guard column.isPrimaryKey else {
                throw QueryError.invalid("Non PRIMARY KEY columns found in where clause: \(name) ")
            }
            switch relation.op {
            case .equal: out[name] = [try evaluator.required(relation.value, as: column.dataType, for: name)]
            case .in: out[name] = try Restrictions.inValues(relation.value, column: column, evaluator: evaluator)
            default:
                if column.kind == .clustering { out[name] = out[name] ?? [] }
                else { throw QueryError.invalid("Only EQ and IN relation are supported on the partition key (unless you use the token() function)") }
            }
        }
        return out
    }

    private func partitionKeys(_ values: [String: [CQLValue]]) throws -> [PartitionKey] {
        var combos: [[[UInt8]]] = [[]]
        let missing = table.partitionKey.filter { values[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else {
            throw QueryError.invalid("Some partition key parts are missing: " + missing.joined(separator: ", "))
        }
        for column in table.partitionKey {
            let serialized = try values[column.name]!.map { try serialize($0, column.dataType) }
            combos = combos.flatMap { prefix in serialized.map { prefix + [$0] } }
        }
        return try combos.map { components in
            let bytes = PartitionKeyEncoding.encode(components)
            try KeyLimits.checkPartitionKey(bytes)
            return PartitionKey(bytes)
        }
    }

    private func clusterings(_ values: [String: [CQLValue]], requireAll: Bool) throws -> [Clustering] {
        var combos: [[CQLValue]] = [[]]
        for column in table.clusteringColumns {
            guard let candidates = values[column.name], !candidates.isEmpty else {
                if requireAll { throw QueryError.invalid("Some clustering keys are missing: \(column.name)") }
                break
            }
            combos = combos.flatMap { prefix in candidates.map { prefix + [$0] } }
        }
        return try combos.map { values in
            let encoded = try ClusteringEncoding.encode(values, columns: table.clusteringColumns)
            if requireAll {
                let sizes = try zip(values, table.clusteringColumns).map { try serialize($0, $1.dataType).count }
                try KeyLimits.checkClustering(sizes: sizes, encodedLength: encoded.count)
            }
            return Clustering(encoded)
        }
    }

    // MARK: INSERT / UPDATE

    func apply(_ assignments: [Assignment], where relations: [Relation]) async throws -> [PartitionUpdate] {
        let values = try keyValues(relations)
        let keys = try partitionKeys(values)
        // A write of static columns only, naming no clustering column, changes the partition's static
        // row and no row (an INSERT then writes no row marker either, as in Cassandra).
        let onlyStatic = !assignments.isEmpty && assignments.allSatisfy {
            table.column(named: assignmentColumn($0))?.kind == .static
        }
        let rowClusterings = table.clusteringColumns.isEmpty ? [Clustering.empty]
            : (onlyStatic && table.clusteringColumns.allSatisfy({ values[$0.name] == nil })
                ? [] : try clusterings(values, requireAll: true))
        var updates: [PartitionUpdate] = []
        for key in keys {
            var update = PartitionUpdate(table: table.id, key: key)
            var staticRow = Row(clustering: .empty)
            for clustering in rowClusterings {
                var row = Row(clustering: clustering)
                if isInsert { row.liveness = liveness }
                for assignment in assignments {
                    guard let column = table.column(named: assignmentColumn(assignment)) else {
                        throw QueryError.invalid("Undefined column name \(assignmentColumn(assignment))")
                    }
                    guard !column.isPrimaryKey else {
                        throw QueryError.invalid("PRIMARY KEY part \(column.name) found in SET part")
                    }
                    if column.kind == .static {
                        try await assign(assignment, column, into: &staticRow, key: key, clustering: .empty)
                    } else {
                        try await assign(assignment, column, into: &row, key: key, clustering: clustering)
                    }
                }
                if !row.isEmpty { update.rows.append(row) }
            }
            if rowClusterings.isEmpty {
                for assignment in assignments {
                    let column = table.column(named: assignmentColumn(assignment))!
                    try await assign(assignment, column, into: &staticRow, key: key, clustering: .empty)
                }
            }
            if !staticRow.isEmpty { update.staticRow = staticRow }
            updates.append(update)
        }
        return updates
    }

    private func assignmentColumn(_ assignment: Assignment) -> String {
        switch assignment {
        case .set(let c, _), .setElement(let c, _, _), .add(let c, _), .prepend(let c, _), .subtract(let c, _): c
        }
    }

    private func assign(_ assignment: Assignment, _ column: ColumnSchema, into row: inout Row, key: PartitionKey,
                        clustering: Clustering) async throws {
        let type = column.dataType
        switch assignment {
        case .set(_, let term):
            if case .counter = type {
                throw QueryError.invalid("Cannot set the value of counter column \(column.name) "
                                         + "(counters can only be incremented/decremented, not set)")
            }
            guard case .value(let value) = try evaluator.evaluate(term, as: type, for: column.name) else { return }
            guard column.isMultiCell else {
                if case .null = value { row.cells.append(tombstone(column)) } else { row.cells.append(liveCell(column, try serialize(value, type))) }
                return
            }
            // Replacing a collection deletes what was there just before this write's timestamp.
            row.complexDeletions.append(ComplexDeletion(column: column.id, deletion: DeletionTime(
                markedForDeleteAt: timestamp - 1, localDeletionTime: now)))
            try addElements(value, column, into: &row)
        case .add(_, let term):
            guard column.isMultiCell else {
                if case .counter = type { throw QueryError.invalid("Counter tables are not supported") }
                throw QueryError.invalid("Invalid operation (\(column.name) = \(column.name) + \(term)) for non counter column \(column.name)")
            }
            guard case .value(let value) = try evaluator.evaluate(term, as: type, for: column.name) else { return }
            try addElements(value, column, into: &row)
        case .prepend(_, let term):
            guard case .list(let element) = type, column.isMultiCell else {
                throw QueryError.invalid("Invalid operation (\(column.name) = \(term) + \(column.name)) for non list column \(column.name)")
            }
            guard case .value(.list(let items)) = try evaluator.evaluate(term, as: type, for: column.name) else { return }
            for (item, path) in zip(items, ListCellPath.prepend(count: items.count, now: evaluator.now)) {
                row.cells.append(liveCell(column, path: path, try serialize(item, element)))
            }
        case .subtract(_, let term):
            guard column.isMultiCell else {
                throw QueryError.invalid("Invalid operation (\(column.name) = \(column.name) - \(term)) for non counter column \(column.name)")
            }
            switch type {
            case .set(let element), .map(let element, _):
                guard case .value(let value) = try evaluator.evaluate(term, as: .set(element), for: column.name) else { return }
                guard case .set(let items) = value else { return }
                for item in items { row.cells.append(tombstone(column, path: try elementPath(item, element, of: column))) }
            case .list(let element):
                guard case .value(.list(let items)) = try evaluator.evaluate(term, as: type, for: column.name) else { return }
                let remove = Set(try items.map { try serialize($0, element) })
                for cell in try await currentElements(column, key: key, clustering: clustering) where remove.contains(cell.value ?? []) {
                    row.cells.append(tombstone(column, path: cell.path))
                }
            default: return
            }
        case .setElement(_, let keyTerm, let valueTerm):
            switch type {
            case .map(let keyType, let valueType) where column.isMultiCell:
                let mapKey = try evaluator.required(keyTerm, as: keyType, for: column.name)
                guard case .value(let value) = try evaluator.evaluate(valueTerm, as: valueType, for: column.name) else { return }
                let path = try elementPath(mapKey, keyType, of: column)
                if case .null = value { row.cells.append(tombstone(column, path: path)) }
                else { row.cells.append(liveCell(column, path: path, try serialize(value, valueType))) }
            case .list(let element) where column.isMultiCell:
                guard case .int(let index) = try evaluator.required(keyTerm, as: .int, for: column.name) else { return }
                let elements = try await currentElements(column, key: key, clustering: clustering)
                guard index >= 0, Int(index) < elements.count else {
                    throw QueryError.invalid("List index \(index) out of bound, list has size \(elements.count)")
                }
                guard case .value(let value) = try evaluator.evaluate(valueTerm, as: element, for: column.name) else { return }
                if case .null = value { row.cells.append(tombstone(column, path: elements[Int(index)].path)) }
                else { row.cells.append(liveCell(column, path: elements[Int(index)].path, try serialize(value, element))) }
            default:
                throw QueryError.invalid("Invalid operation (\(column.name)[\(keyTerm)] = \(valueTerm)) for non map/list column \(column.name)")
            }
        }
    }

    private func addElements(_ value: CQLValue, _ column: ColumnSchema, into row: inout Row) throws {
        switch (value, column.dataType) {
        case (.list(let items), .list(let element)):
            for (item, path) in zip(items, ListCellPath.append(count: items.count, now: evaluator.now)) {
                row.cells.append(liveCell(column, path: path, try serialize(item, element)))
            }
        case (.set(let items), .set(let element)):
            for item in items { row.cells.append(liveCell(column, path: try elementPath(item, element, of: column), [])) }
        case (.map(let entries), .map(let keyType, let valueType)):
            for entry in entries {
                let path = try elementPath(entry.key, keyType, of: column)
                row.cells.append(liveCell(column, path: path, try serialize(entry.value, valueType)))
            }
        default:
            return
        }
    }

    /// List operations by index or value need the current elements (read-before-write, as in Cassandra).
    private func currentElements(_ column: ColumnSchema, key: PartitionKey, clustering: Clustering) async throws -> [Cell] {
        guard let partition = try await processor.proxy.read(table, key: key, slice: .prefix(clustering.bytes),
                                                             consistency: consistency) else { return [] }
        let row = column.kind == .static ? partition.staticRow : partition.rows.first { $0.clustering == clustering }
        return row?.cells.filter { $0.column == column.id } ?? []
    }

    // MARK: DELETE

    func delete(_ targets: [DeleteTarget], where relations: [Relation]) async throws -> [PartitionUpdate] {
        let values = try keyValues(relations)
        let keys = try partitionKeys(values)
        let deletion = DeletionTime(markedForDeleteAt: timestamp, localDeletionTime: now)
        let restricted = table.clusteringColumns.filter { values[$0.name] != nil }
        let ranges = relations.filter { $0.op != .equal && $0.op != .in }
        var updates: [PartitionUpdate] = []
        for key in keys {
            var update = PartitionUpdate(table: table.id, key: key)
            if targets.isEmpty {
                if restricted.isEmpty {
                    update.partitionDeletion = deletion
                } else if ranges.isEmpty && restricted.count == table.clusteringColumns.count {
                    update.rows = try clusterings(values, requireAll: true).map { Row(clustering: $0, deletion: deletion) }
                } else {
                    let plan = try Restrictions(table: table, relations: relations, evaluator: evaluator, allowFiltering: false)
                    // A restricted DELETE never covers the whole partition: that would delete rows it does not name.
                    guard plan.slices != [.all] else {
                        throw QueryError.invalid("A DELETE may restrict at most \(Restrictions.maximumPrefixes) clustering prefixes")
                    }
                    update.rangeTombstones = plan.slices.map { RangeTombstone(slice: $0, deletion: deletion) }
                }
            } else {
                var row = Row(clustering: .empty)
                var staticRow = Row(clustering: .empty)
                for target in targets {
                    let name: String
                    var elementKey: Term?
                    switch target {
                    case .column(let c): name = c
                    case .element(let c, let k): name = c; elementKey = k
                    }
                    guard let column = table.column(named: name) else { throw QueryError.invalid("Undefined column name \(name)") }
                    guard !column.isPrimaryKey else { throw QueryError.invalid("Invalid identifier \(name) for deletion (should not be a PRIMARY KEY part)") }
                    var cells: [Cell] = []
                    var complex: [ComplexDeletion] = []
                    if let elementKey {
                        switch column.dataType {
                        case .map(let keyType, _), .set(let keyType):
                            let element = try evaluator.required(elementKey, as: keyType, for: name)
                            cells.append(tombstone(column, path: try elementPath(element, keyType, of: column)))
                        case .list:
                            guard case .int(let index) = try evaluator.required(elementKey, as: .int, for: name) else { continue }
                            let clustering = try clusterings(values, requireAll: true).first ?? .empty
                            let elements = try await currentElements(column, key: key, clustering: column.kind == .static ? .empty : clustering)
                            guard index >= 0, Int(index) < elements.count else {
                                throw QueryError.invalid("List index \(index) out of bound, list has size \(elements.count)")
                            }
                            cells.append(tombstone(column, path: elements[Int(index)].path))
                        default:
                            throw QueryError.invalid("Invalid element deletion on non-collection column \(name)")
                        }
                    } else if column.isMultiCell {
                        complex.append(ComplexDeletion(column: column.id, deletion: deletion))
                    } else {
                        cells.append(tombstone(column))
                    }
                    if column.kind == .static {
                        staticRow.cells += cells; staticRow.complexDeletions += complex
                    } else {
                        row.cells += cells; row.complexDeletions += complex
                    }
                }
                if !row.isEmpty {
                    for clustering in try (table.clusteringColumns.isEmpty ? [.empty] : clusterings(values, requireAll: true)) {
                        var copy = row
                        copy.clustering = clustering
                        update.rows.append(copy)
                    }
                }
                if !staticRow.isEmpty { update.staticRow = staticRow }
            }
            updates.append(update)
        }
        return updates
    }
}
