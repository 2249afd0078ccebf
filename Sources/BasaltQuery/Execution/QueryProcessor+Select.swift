import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
import BasaltStorage

extension QueryProcessor {
    func select(_ select: SelectStatement, bound: BoundValues, parameters: CQLQueryParameters,
                session: CQLSession) async throws -> CQLResult {
        let table = try resolveTable(select.table, session: session)
        let evaluator = TermEvaluator(bound: bound, now: engine.configuration.clock())
        let selection = try ResultSelection(select.selection, table: table, evaluator: evaluator)
        let limit = try self.limit(select.limit, bound: bound)
        let perPartitionLimit = try self.limit(select.perPartitionLimit, bound: bound)
        guard limit > 0 else { throw QueryError.invalid("LIMIT must be strictly positive") }
        guard perPartitionLimit > 0 else { throw QueryError.invalid("PER PARTITION LIMIT must be strictly positive") }
        let isSystem = SchemaCatalog.isSystemKeyspace(table.keyspace)
        let restrictions = try Restrictions(table: table, relations: select.whereClause, evaluator: evaluator,
                                            allowFiltering: select.allowFiltering || isSystem)
        try validateDistinct(select, table: table, restrictions: restrictions)
        let reversed = try isReversed(select.orderBy, table: table, restrictions: restrictions)
        let resume = try parameters.pagingState.map { try PagingState(decoding: $0) }
        let grouping = try Grouping(select.groupBy, table: table, restrictions: restrictions)
        if select.isDistinct, let grouping, !grouping.clusteringPositions.isEmpty {
            throw QueryError.invalid("Grouping on clustering columns is not allowed for SELECT DISTINCT queries")
        }
        // Aggregates without GROUP BY and system tables answer in one page (drivers send no page size
        // for system queries); with GROUP BY a page holds whole groups.
        let requestedPageSize = parameters.pageSize.flatMap { $0 > 0 ? Int64($0) : nil } ?? .max
        let pageSize: Int64 = isSystem ? .max : grouping != nil ? requestedPageSize
            : selection.isAggregate ? .max : requestedPageSize
        // ORDER BY over the partitions of an IN sorts rows of several partitions: Cassandra reads them
        // all, sorts, then applies LIMIT, and refuses to page it (CASSANDRA-6722).
        let sortsAcrossPartitions = !select.orderBy.isEmpty && restrictions.partitionKeyHasIn
        if sortsAcrossPartitions && pageSize != .max {
            throw QueryError.invalid("Cannot page queries with both ORDER BY and a IN restriction on the partition key;"
                + " you must either remove the ORDER BY or the IN and sort client side, or disable paging for this query")
        }
        // An aggregate's LIMIT counts result rows (there is one), not the rows aggregated; and it
        // aggregates every row, whatever the PER PARTITION LIMIT, as Cassandra does. Groups are
        // limited by the collector.
        let rowLimit = selection.isAggregate || sortsAcrossPartitions || grouping != nil ? .max : limit
        // Sorted groups are limited once sorted.
        var collector = grouping.map {
            GroupCollector(grouping: $0, pageSize: pageSize, limit: sortsAcrossPartitions ? .max : limit,
                           perPartitionLimit: perPartitionLimit, resume: resume)
        }

        var rows: [LogicalRow] = []
        var state: PagingState?
        var returned = resume?.rowsReturned ?? 0
        var lastPartitionCount: Int64 = 0
        let perPartition = select.isDistinct ? 1 : selection.isAggregate || grouping != nil ? .max : perPartitionLimit
        let visit: (LogicalRow, Int64) -> Bool = { row, partitionCount in
            if collector != nil { return collector!.add(row) }
            // Returns false to stop: the page (plus one look-ahead row) or the LIMIT is full.
            if Int64(rows.count) == pageSize {
                state = PagingState(partitionKey: rows.last!.partitionKey, clustering: rows.last!.clustering,
                                    rowsReturned: returned, partitionRowsReturned: lastPartitionCount)
                return false
            }
            rows.append(row)
            lastPartitionCount = partitionCount
            returned += 1
            return returned < rowLimit
        }
        if isSystem && table.keyspace != SchemaCatalog.authKeyspace {
            for row in try SystemTableRows(processor: self).rows(of: table) where restrictions.matches(row) {
                if !visit(row, 0) { break }
            }
        } else {
            try await scan(table: table, restrictions: restrictions, reversed: reversed, resume: resume,
                           perPartitionLimit: perPartition, distinct: select.isDistinct,
                           consistency: parameters.consistency, visit: visit)
        }
        if sortsAcrossPartitions && !selection.isAggregate && collector == nil {
            rows = Array(sortedByClustering(rows, columns: select.orderBy.count, reversed: reversed, table: table, row: { $0 })
                .prefix(Int(clamping: limit)))
        }
        if selection.isAggregate && collector == nil {
            let metadata = CQLRowsMetadata(columns: selection.specs)
            return .rows(CQLRows(metadata: metadata, rows: [try serialize(selection.aggregate(rows), selection.specs)]))
        }
        var metadata = parameters.skipMetadata
            ? CQLRowsMetadata(noMetadataColumnCount: selection.specs.count) : CQLRowsMetadata(columns: selection.specs)
        if let collector {
            // A group is one row: its aggregates, and its first row's values for plain columns.
            metadata.pagingState = collector.pagingState?.encoded
            var groups = collector.groups
            if sortsAcrossPartitions {
                // As Cassandra, groups form in each partition, then the result rows (a group's first
                // row) are sorted across partitions, then limited.
                groups = Array(sortedByClustering(groups, columns: select.orderBy.count, reversed: reversed, table: table,
                                                  row: { $0[0] }).prefix(Int(clamping: limit)))
            }
            let values = try groups.map { group in
                try serialize(selection.isAggregate ? selection.aggregate(group) : selection.project(group[0]), selection.specs)
            }
            return .rows(CQLRows(metadata: metadata, rows: values))
        }
        // `state` was computed from the last row of the page with that row's partition count.
        metadata.pagingState = state?.encoded
        return .rows(CQLRows(metadata: metadata, rows: try rows.map { try serialize(selection.project($0), selection.specs) }))
    }

    private func serialize(_ values: [CQLValue], _ specs: [CQLColumnSpec]) throws -> [[UInt8]?] {
        try zip(values, specs).map { value, spec in
            do { return try value.serialize(as: spec.type) } catch { throw QueryError(.serverError, "cannot serialize \(spec.name): \(error)") }
        }
    }

    /// A stable sort of rows (or of groups, by their first row) by their first `columns` clustering
    /// values in clustering order (reversed for a reversed ORDER BY): items equal on them keep the
    /// order they were read in.
    private func sortedByClustering<Item>(_ items: [Item], columns: Int, reversed: Bool, table: TableSchema,
                                          row: (Item) -> LogicalRow) -> [Item] {
        let ordering = Array(table.clusteringColumns.prefix(columns))
        let positions = ordering.map { column in table.columns.firstIndex { $0.name == column.name }! }
        let keyed = items.enumerated().map { offset, item in
            (key: (try? ClusteringEncoding.encode(positions.map { row(item).values[$0] }, columns: ordering)) ?? [],
             offset: offset, item: item)
        }
        return keyed.sorted { a, b in
            let order = compareBytes(a.key, b.key)
            return order != 0 ? (order < 0) != reversed : a.offset < b.offset
        }.map(\.item)
    }

    /// ORDER BY must follow the clustering columns in declared or fully reversed order.
    private func isReversed(_ orderBy: [Ordering], table: TableSchema, restrictions: Restrictions) throws(QueryError) -> Bool {
        guard !orderBy.isEmpty else { return false }
        guard restrictions.partitionKeys != nil else {
            throw .invalid("ORDER BY is only supported when the partition key is restricted by an EQ or an IN.")
        }
        let clustering = table.clusteringColumns
        var reversed: Bool?
        for (position, ordering) in orderBy.enumerated() {
            guard position < clustering.count, clustering[position].name == ordering.column else {
                if table.column(named: ordering.column)?.kind == .clustering {
                    throw .invalid("Order by currently only supports the ordering of columns following their declared order in the PRIMARY KEY")
                }
                throw .invalid("Order by is currently only supported on the clustered columns of the PRIMARY KEY, got \(ordering.column)")
            }
            let flips = ordering.descending != clustering[position].descending
            if let reversed, reversed != flips { throw .invalid("Unsupported order by relation") }
            reversed = flips
        }
        return reversed ?? false
    }

    /// Walks partitions (by key list or token range) and their rows in result order, resuming after
    /// `resume`, calling `visit` with each matching row and its 1-based count in its partition.
    private func scan(table: TableSchema, restrictions: Restrictions, reversed: Bool, resume: PagingState?,
                      perPartitionLimit: Int64, distinct: Bool, consistency: CQLConsistency,
                      visit: (LogicalRow, Int64) -> Bool) async throws {
        let decoder = RowDecoder(table: table, now: nowSeconds)
        // Emits a partition's rows; returns false when `visit` asked to stop.
        func emit(_ partition: ResolvedPartition, resumeHere: PagingState?) throws -> Bool {
            if let resumeHere, resumeHere.clustering == nil { return true }
            var count = resumeHere?.partitionRowsReturned ?? 0
            if count >= perPartitionLimit { return true }
            let base = try decoder.partitionRow(partition)
            var storageRows = partition.rows
            if reversed { storageRows.reverse() }
            if let after = resumeHere?.clustering {
                storageRows.removeAll { reversed ? compareBytes($0.clustering.bytes, after) >= 0 : compareBytes($0.clustering.bytes, after) <= 0 }
            }
            if storageRows.isEmpty && partition.rows.isEmpty && resumeHere == nil && !restrictions.restrictsClustering {
                // A partition with only static data is one row with null clustering columns.
                guard restrictions.matches(base) else { return true }
                return visit(base, 1)
            }
            for storageRow in storageRows {
                var row = try decoder.row(storageRow, base: base)
                guard restrictions.matches(row) else { continue }
                count += 1
                if distinct { row.clustering = nil }
                if !visit(row, count) { return false }
                if count >= perPartitionLimit { break }
            }
            return true
        }
        func read(_ key: PartitionKey, resumeHere: PagingState?) async throws -> ResolvedPartition? {
            var merged: ResolvedPartition?
            for slice in restrictions.slices {
                var slice = slice
                if let after = resumeHere?.clustering.map(Clustering.init), restrictions.slices.count == 1 {
                    if !reversed, slice.isAfterStart(after) { slice.start = ClusteringBound(prefix: after.bytes, inclusive: false) }
                    if reversed, slice.isBeforeEnd(after) { slice.end = ClusteringBound(prefix: after.bytes, inclusive: false) }
                }
                guard let part = try await proxy.read(table, key: key, slice: slice, consistency: consistency) else { continue }
                if merged == nil { merged = part } else { merged!.rows += part.rows }
            }
            return merged
        }
        if let keys = restrictions.partitionKeys {
            var started = resume == nil
            for key in keys {
                var resumeHere: PagingState?
                if !started {
                    guard key.bytes == resume!.partitionKey else { continue }
                    started = true
                    resumeHere = resume
                }
                guard let partition = try await read(key, resumeHere: resumeHere) else { continue }
                if !(try emit(partition, resumeHere: resumeHere)) { return }
            }
            return
        }
        var startKey: PartitionKey?
        var inclusive = true
        if let resume {
            startKey = PartitionKey(resume.partitionKey)
        } else if let (token, isInclusive) = restrictions.tokenStart {
            startKey = PartitionKey(token: isInclusive ? token : token &+ 1, bytes: [])
            inclusive = true
            if !isInclusive && token == .max { return }
        }
        var endToken: Int64?
        if let (token, isInclusive) = restrictions.tokenEnd {
            if !isInclusive && token == .min { return }
            endToken = isInclusive ? token : token - 1
        }
        let stream = try await proxy.scan(table, from: startKey, inclusive: inclusive, endToken: endToken,
                                          consistency: consistency)
        while let partition = try await stream.next() {
            let resumeHere = resume.flatMap { $0.partitionKey == partition.key.bytes ? $0 : nil }
            var partition = partition
            if restrictions.slices != [.all] {
                partition.rows = partition.rows.filter { row in restrictions.slices.contains { $0.contains(row.clustering) } }
                if partition.rows.isEmpty { continue }
            }
            if !(try emit(partition, resumeHere: resumeHere)) { return }
        }
    }
}
