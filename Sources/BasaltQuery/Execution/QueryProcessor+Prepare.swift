import BasaltCQL
import BasaltCQLProtocol

extension QueryProcessor {
    /// PREPARE: parse, check against the schema, cache under Cassandra's id, and describe the bind
    /// markers (with `pk_indexes` for token-aware routing) and the result columns.
    func prepare(_ query: String, session: CQLSession) throws -> CQLPrepared {
        let statement = try parse(query)
        let id = PreparedStatementCache.id(query: query, keyspace: session.keyspace)
        var table: TableSchema?
        var resultColumns: [CQLColumnSpec] = []
        var selectionMarkerTypes: [Int: CQLDataType] = [:]
        var keyMarkers: [(String, BindMarker)] = []
        switch statement {
        case .select(let s):
            table = try resolveTable(s.table, session: session)
            let selection = try ResultSelection(s.selection, table: table!, evaluator: TermEvaluator(bound: .none, now: 0))
            resultColumns = selection.specs
            selectionMarkerTypes = selection.markerTypes
            keyMarkers = Self.equalityMarkers(s.whereClause)
        case .insert(let s):
            table = try resolveTable(s.table, session: session)
            for (column, value) in zip(s.columns, s.values) {
                if case .bindMarker(let marker) = value { keyMarkers.append((column, marker)) }
            }
        case .update(let s):
            table = try resolveTable(s.table, session: session)
            keyMarkers = Self.equalityMarkers(s.whereClause)
        case .delete(let s):
            table = try resolveTable(s.table, session: session)
            keyMarkers = Self.equalityMarkers(s.whereClause)
        case .batch(let s):
            if case .insert(let first)? = s.statements.first { table = try resolveTable(first.table, session: session) }
        default:
            break
        }
        var markers: [CQLColumnSpec] = []
        for marker in statement.bindMarkers {
            var markerTable = table
            if case .batch(let batch) = statement {
                for child in batch.statements {
                    let (name, markersOfChild): (QualifiedName, [BindMarker]) = switch child {
                    case .insert(let s): (s.table, s.bindMarkers)
                    case .update(let s): (s.table, s.bindMarkers)
                    case .delete(let s): (s.table, s.bindMarkers)
                    }
                    if markersOfChild.contains(where: { $0.index == marker.index }) { markerTable = try resolveTable(name, session: session) }
                }
            }
            markers.append(CQLColumnSpec(keyspace: markerTable?.keyspace ?? session.keyspace ?? "",
                                         table: markerTable?.name ?? "", name: BindMetadata.name(of: marker),
                                         type: try selectionMarkerTypes[marker.index] ?? BindMetadata.type(of: marker, in: markerTable)))
        }
        var pkIndexes: [UInt16] = []
        if let table {
            for column in table.partitionKey {
                guard let marker = keyMarkers.first(where: { $0.0 == column.name })?.1 else { pkIndexes = []; break }
                pkIndexes.append(UInt16(marker.index))
            }
        }
        prepared.insert(PreparedStatement(statement: statement, keyspace: session.keyspace, text: query), id: id)
        let resultMetadata = resultColumns.isEmpty ? CQLRowsMetadata(noMetadataColumnCount: 0) : CQLRowsMetadata(columns: resultColumns)
        return CQLPrepared(id: id, bindMarkers: markers, partitionKeyIndexes: pkIndexes, resultMetadata: resultMetadata)
    }

    private static func equalityMarkers(_ relations: [Relation]) -> [(String, BindMarker)] {
        relations.compactMap { relation in
            guard case .column(let name) = relation.subject, relation.op == .equal,
                  case .bindMarker(let marker) = relation.value else { return nil }
            return (name, marker)
        }
    }
}
