import BasaltCore
import BasaltCQL
import BasaltCQLProtocol
@testable import BasaltQuery

/// A random table of the differential test: its key columns (int, text or frozen<set<int>>), an optional static
/// column `s`, a regular column `v` and a collection column `coll`.
struct ModelSchema: CustomStringConvertible {
    struct Column {
        var name: String
        var type: CQLDataType
        var descending = false
    }

    enum Collection: String {
        case set = "set<int>", list = "list<int>", map = "map<int, int>"
    }

    var table: String
    var partitionKey: [Column]
    var clustering: [Column]
    var hasStatic: Bool
    var collection: Collection

    var create: String {
        var columns = (partitionKey + clustering).map { "\($0.name) \($0.type == .set(.int) ? "frozen<set<int>>" : "\($0.type)")" }
        if hasStatic { columns.append("s int static") }
        columns += ["v int", "coll \(collection.rawValue)"]
        let key = "(" + partitionKey.map(\.name).joined(separator: ", ") + ")"
        let primaryKey = ([key] + clustering.map(\.name)).joined(separator: ", ")
        var text = "CREATE TABLE ks.\(table) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(primaryKey)))"
        if !clustering.isEmpty {
            text += " WITH CLUSTERING ORDER BY (" + clustering.map { "\($0.name) \($0.descending ? "DESC" : "ASC")" }
                .joined(separator: ", ") + ")"
        }
        return text
    }

    /// The columns every row query selects, in this order.
    var selected: [String] { (partitionKey + clustering).map(\.name) + (hasStatic ? ["s"] : []) + ["v", "coll"] }

    var description: String { create }
}

/// CQL semantics for that table, written plainly: what each write leaves, and the rows each
/// query returns, in the order Cassandra defines (token order across partitions, key value order
/// for an `IN` on the partition key, clustering order within a partition).
struct CQLModel {
    struct Row {
        var marker = false
        var v: CQLValue = .null
        /// Elements of the collection in stored form (sorted for set and map), empty when null.
        var coll: [CQLValue] = []
        var exists: Bool { marker || v != .null || !coll.isEmpty }
    }

    struct Partition {
        var s: CQLValue = .null
        var rows: [[CQLValue]: Row] = [:]
    }

    let schema: ModelSchema
    var partitions: [[CQLValue]: Partition] = [:]

    init(schema: ModelSchema) { self.schema = schema }

    /// Cassandra's order of an int, text or set value (text compares as UTF-8 bytes, sets element by
    /// element and then by size).
    static func compare(_ a: CQLValue, _ b: CQLValue) -> Int {
        switch (a, b) {
        case (.set(let x), .set(let y)): return compare(x, y)
        case (.int(let x), .int(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.text(let x), .text(let y)):
            let (p, q) = (Array(x.utf8), Array(y.utf8))
            for (c, d) in zip(p, q) where c != d { return c < d ? -1 : 1 }
            return p.count < q.count ? -1 : p.count == q.count ? 0 : 1
        default: return 0
        }
    }

    static func compare(_ a: [CQLValue], _ b: [CQLValue]) -> Int {
        for (x, y) in zip(a, b) {
            let order = compare(x, y)
            if order != 0 { return order }
        }
        return a.count < b.count ? -1 : a.count == b.count ? 0 : 1
    }

    /// Clustering order: by value, each column reversed when DESC.
    /// A static-only row (no clustering) sorts as if before every clustering: Basalt's choice where
    /// Cassandra fails the query.
    func clusteringOrder(_ a: [CQLValue], _ b: [CQLValue], columns: Int? = nil) -> Int {
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 0 : a.isEmpty ? -1 : 1 }
        for (index, column) in schema.clustering.prefix(columns ?? schema.clustering.count).enumerated() {
            let order = Self.compare(a[index], b[index])
            if order != 0 { return column.descending ? -order : order }
        }
        return 0
    }

    func token(_ key: [CQLValue]) -> Int64 { partitionKey(key).token }

    func partitionKey(_ key: [CQLValue]) -> PartitionKey {
        let components = zip(key, schema.partitionKey).map { value, column in
            ((try? value.serialize(as: column.type)) ?? nil) ?? []
        }
        return PartitionKey(PartitionKeyEncoding.encode(components))
    }

    // MARK: writes

    mutating func apply(_ write: ModelWrite) {
        switch write {
        case .insert(let key, let clustering, let v, let coll, let s):
            var row = Row(marker: true, v: v)
            setCollection(&row, coll)
            partitions[key, default: Partition()].rows[clustering] = row
            if let s { partitions[key, default: Partition()].s = s }
        case .updateV(let key, let clustering, let v):
            partitions[key, default: Partition()].rows[clustering, default: Row()].v = v
        case .addElement(let key, let clustering, let element):
            var row = partitions[key, default: Partition()].rows[clustering, default: Row()]
            switch schema.collection {
            case .list:
                row.coll.append(element)
            case .set, .map:
                if !row.coll.contains(element) {
                    row.coll.append(element)
                    row.coll.sort { Self.compare($0, $1) < 0 }
                }
            }
            partitions[key, default: Partition()].rows[clustering] = row
        case .removeElement(let key, let clustering, let element):
            partitions[key]?.rows[clustering]?.coll.removeAll { $0 == element }
        case .prepend(let key, let clustering, let elements):
            partitions[key, default: Partition()].rows[clustering, default: Row()].coll.insert(contentsOf: elements, at: 0)
        case .updateStatic(let key, let s):
            partitions[key, default: Partition()].s = s
        case .deleteRow(let key, let clustering):
            partitions[key]?.rows[clustering] = nil
        case .deleteV(let key, let clustering):
            partitions[key]?.rows[clustering]?.v = .null
        case .deleteRange(let key, let prefix, let bound):
            guard var partition = partitions[key] else { return }
            partition.rows = partition.rows.filter { clustering, _ in
                guard Self.compare(Array(clustering.prefix(prefix.count)), prefix) == 0 else { return true }
                guard let (op, value) = bound else { return false }
                return !Self.holds(Self.compare(clustering[prefix.count], value), op)
            }
            partitions[key] = partition
        case .deletePartition(let key):
            partitions[key] = nil
        }
        if let key = write.key, let partition = partitions[key], partition.s == .null, !partition.rows.values.contains(where: \.exists) {
            partitions[key] = nil
        }
    }

    private func setCollection(_ row: inout Row, _ elements: [CQLValue]) {
        row.coll = []
        for element in elements where schema.collection == .list || !row.coll.contains(element) { row.coll.append(element) }
        if schema.collection != .list { row.coll.sort { Self.compare($0, $1) < 0 } }
    }

    /// The collection as a SELECT returns it (null when empty). Map values are the key + 100.
    func collectionValue(_ row: Row) -> CQLValue {
        guard !row.coll.isEmpty else { return .null }
        switch schema.collection {
        case .list: return .list(row.coll)
        case .set: return .set(row.coll)
        case .map:
            return .map(row.coll.map { key in
                guard case .int(let k) = key else { return CQLMapEntry(key: key, value: key) }
                return CQLMapEntry(key: key, value: .int(k + 100))
            })
        }
    }

    static func holds(_ order: Int, _ op: RelationOperator) -> Bool {
        switch op {
        case .equal: order == 0
        case .less: order < 0
        case .lessOrEqual: order <= 0
        case .greater: order > 0
        case .greaterOrEqual: order >= 0
        default: false
        }
    }

    // MARK: reads

    /// One result row's values by column name, before projection.
    private struct Candidate {
        var key: [CQLValue]
        var clustering: [CQLValue]
        var values: [String: CQLValue]
        var coll: [CQLValue]
    }

    func answer(_ query: ModelQuery) -> [[CQLValue]] {
        var keys: [[CQLValue]]
        if let candidates = query.keyCandidates {
            var combos: [[CQLValue]] = [[]]
            for column in candidates { combos = combos.flatMap { prefix in column.map { prefix + [$0] } } }
            keys = []
            for combo in combos.sorted(by: { Self.compare($0, $1) < 0 }) where keys.last != combo { keys.append(combo) }
            keys = keys.filter { partitions[$0] != nil }
        } else {
            keys = partitions.keys.sorted { partitionKey($0) < partitionKey($1) }
            keys = keys.filter { key in
                query.tokenBounds.allSatisfy { Self.holds(sign(token(key), $0.token), $0.op) }
            }
        }
        var rows: [Candidate] = []
        for key in keys {
            guard let partition = partitions[key] else { continue }
            var base: [String: CQLValue] = [:]
            for (column, value) in zip(schema.partitionKey, key) { base[column.name] = value }
            if schema.hasStatic { base["s"] = partition.s }
            var inPartition: [Candidate] = []
            let live = partition.rows.filter { $0.value.exists }.sorted { clusteringOrder($0.key, $1.key) < 0 }
            for (clustering, row) in query.reversed ? live.reversed() : live {
                var values = base
                for (column, value) in zip(schema.clustering, clustering) { values[column.name] = value }
                values["v"] = row.v
                values["coll"] = collectionValue(row)
                inPartition.append(Candidate(key: key, clustering: clustering, values: values, coll: row.coll))
            }
            if live.isEmpty && partition.s != .null && query.clustering.isEmpty {
                // A partition holding only static data is one row with null clustering and regular columns.
                var values = base
                for column in schema.clustering { values[column.name] = .null }
                values["v"] = .null
                values["coll"] = .null
                inPartition.append(Candidate(key: key, clustering: [], values: values, coll: []))
            }
            inPartition = inPartition.filter { matches($0, query) }
            if query.kind == .distinct { inPartition = Array(inPartition.prefix(1)) }
            if query.kind == .rows || query.kind == .distinct, let limit = query.perPartitionLimit {
                inPartition = Array(inPartition.prefix(limit))
            }
            rows += inPartition
        }
        if let count = query.orderBy, query.keyUsesIn, query.kind == .rows {
            rows = rows.enumerated().sorted { a, b in
                let order = clusteringOrder(a.element.clustering, b.element.clustering, columns: count)
                return order != 0 ? (order < 0) != query.reversed : a.offset < b.offset
            }.map(\.element)
        }
        if query.kind == .aggregate { return [aggregates(rows)] }
        if let prefix = query.groupBy { return groups(rows, prefix: prefix, query) }
        if let limit = query.limit { rows = Array(rows.prefix(limit)) }
        let names = query.kind == .distinct ? schema.partitionKey.map(\.name) + (schema.hasStatic ? ["s"] : []) : schema.selected
        return rows.map { row in names.map { name in
            let value = row.values[name] ?? .null
            return name == "v" ? query.vSelector.apply(value) : value
        } }
    }

    /// `count(*), count(v), count(coll), min(v), max(v)` over `rows`.
    private func aggregates(_ rows: [Candidate]) -> [CQLValue] {
        let vs = rows.map { $0.values["v"] ?? .null }.filter { $0 != .null }
        let collections = rows.filter { ($0.values["coll"] ?? .null) != .null }
        return [.bigint(Int64(rows.count)), .bigint(Int64(vs.count)), .bigint(Int64(collections.count)),
                vs.min { Self.compare($0, $1) < 0 } ?? .null, vs.max { Self.compare($0, $1) < 0 } ?? .null]
    }

    /// GROUP BY the partition key and `prefix` clustering columns: consecutive rows with equal values
    /// there are a group, PER PARTITION LIMIT and LIMIT count groups, and each group answers its key
    /// columns (from its first row) and its aggregates.
    private func groups(_ rows: [Candidate], prefix: Int, _ query: ModelQuery) -> [[CQLValue]] {
        var groups: [[Candidate]] = []
        for row in rows {
            if let first = groups.last?.first, first.key == row.key,
               Array(first.clustering.prefix(prefix)) == Array(row.clustering.prefix(prefix)) {
                groups[groups.count - 1].append(row)
            } else {
                groups.append([row])
            }
        }
        if let limit = query.perPartitionLimit {
            var inPartition: [[CQLValue]: Int] = [:]
            groups = groups.filter { group in
                inPartition[group[0].key, default: 0] += 1
                return inPartition[group[0].key]! <= limit
            }
        }
        if let limit = query.limit { groups = Array(groups.prefix(limit)) }
        let names = (schema.partitionKey + schema.clustering.prefix(prefix)).map(\.name)
        return groups.map { group in names.map { group[0].values[$0] ?? .null } + aggregates(group) }
    }

    private func sign(_ a: Int64, _ b: Int64) -> Int { a < b ? -1 : a == b ? 0 : 1 }

    private func matches(_ row: Candidate, _ query: ModelQuery) -> Bool {
        for relation in query.clustering {
            guard !row.clustering.isEmpty else { return false }
            let values = relation.columns.map { row.clustering[$0] }
            switch relation.op {
            case .in, .equal:
                if !relation.tuples.contains(where: { Self.compare(values, $0) == 0 }) { return false }
            default:
                let bound = relation.tuples[0]
                if !Self.holds(Self.compare(Array(values.prefix(bound.count)), bound), relation.op) { return false }
            }
        }
        for filter in query.filters {
            switch filter.op {
            case .contains:
                if schema.collection == .map ? !containsMapValue(row, filter.value) : !row.coll.contains(filter.value) { return false }
            case .containsKey: if !row.coll.contains(filter.value) { return false }
            default:
                let v = row.values[filter.column] ?? .null
                if v == .null || !Self.holds(Self.compare(v, filter.value), filter.op) { return false }
            }
        }
        return true
    }

    private func containsMapValue(_ row: Candidate, _ value: CQLValue) -> Bool {
        guard schema.collection == .map, case .int(let x) = value else { return false }
        return row.coll.contains(.int(x - 100))
    }
}

/// One write of the differential test's data.
enum ModelWrite {
    case insert(key: [CQLValue], clustering: [CQLValue], v: CQLValue, coll: [CQLValue], s: CQLValue?)
    case updateV(key: [CQLValue], clustering: [CQLValue], v: CQLValue)
    case addElement(key: [CQLValue], clustering: [CQLValue], element: CQLValue)
    /// `coll = coll - {x}` (a map loses key x, a list every x).
    case removeElement(key: [CQLValue], clustering: [CQLValue], element: CQLValue)
    /// `coll = [x, y] + coll`, lists only.
    case prepend(key: [CQLValue], clustering: [CQLValue], elements: [CQLValue])
    case updateStatic(key: [CQLValue], s: CQLValue)
    case deleteRow(key: [CQLValue], clustering: [CQLValue])
    case deleteV(key: [CQLValue], clustering: [CQLValue])
    case deleteRange(key: [CQLValue], prefix: [CQLValue], bound: (RelationOperator, CQLValue)?)
    case deletePartition(key: [CQLValue])

    var key: [CQLValue]? {
        switch self {
        case .insert(let key, _, _, _, _), .updateV(let key, _, _), .addElement(let key, _, _), .updateStatic(let key, _),
             .removeElement(let key, _, _), .prepend(let key, _, _),
             .deleteRow(let key, _), .deleteV(let key, _), .deleteRange(let key, _, _), .deletePartition(let key):
            key
        }
    }
}

/// A selector over v (an int) and what it gives; null stays null.
enum VSelector: CaseIterable {
    case plain, arithmetic, negated, cast, blobRoundTrip

    var text: String {
        switch self {
        case .plain: "v"
        case .arithmetic: "v * 3 - 1 AS v"
        case .negated: "-v AS v"
        case .cast: "cast(v AS text) AS v"
        case .blobRoundTrip: "blobasint(intasblob(v)) AS v"
        }
    }

    func apply(_ value: CQLValue) -> CQLValue {
        guard case .int(let v) = value else { return value }
        switch self {
        case .plain, .blobRoundTrip: return value
        case .arithmetic: return .int(v * 3 - 1)
        case .negated: return .int(-v)
        case .cast: return .text(String(v))
        }
    }
}

/// One SELECT of the differential test, as the model reads it; `text` is the CQL sent to Basalt.
struct ModelQuery {
    enum Kind { case rows, distinct, aggregate, grouped }

    /// `(columns) op tuples` on clustering columns (positions); a single-column relation has one.
    struct Relation {
        var columns: [Int]
        var op: RelationOperator
        var tuples: [[CQLValue]]
        var isMultiColumn: Bool
    }

    /// `column op value` (v or a partition key column), `coll CONTAINS value` or `coll CONTAINS KEY value`.
    struct Filter {
        var column = "v"
        var op: RelationOperator
        var value: CQLValue
    }

    var kind = Kind.rows
    /// Candidates of each partition key column (`=` has one), nil when the key is not restricted.
    var keyCandidates: [[CQLValue]]?
    var keyUsesIn = false
    var tokenBounds: [(op: RelationOperator, token: Int64)] = []
    var clustering: [Relation] = []
    var filters: [Filter] = []
    /// How many clustering columns ORDER BY names; `reversed` is whether that reverses the table's order.
    /// How a rows query selects v: plainly, or through arithmetic, a cast or functions.
    var vSelector = VSelector.plain
    /// For `grouped`: how many clustering columns GROUP BY names after the partition key.
    var groupBy: Int?
    var orderBy: Int?
    var reversed = false
    var limit: Int?
    var perPartitionLimit: Int?
    var allowFiltering = false
    var pageSize: Int32?
    var text = ""
    /// Values of the text's bind markers, nil when it has literals only.
    var values: [CQLBoundValue]?
}
