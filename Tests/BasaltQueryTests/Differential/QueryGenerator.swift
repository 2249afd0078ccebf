import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

/// Random schemas, writes and SELECTs for the differential test, from one seed. Values come from
/// small domains so that writes collide, deletes hit rows and every relation has rows on both sides.
/// Only queries Cassandra accepts are generated, except ORDER BY with IN on the partition key with
/// a page size, which Cassandra refuses and Basalt must refuse too.
struct QueryGenerator {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    private static let texts = ["a", "b", "ba", "c"]

    private mutating func value(_ column: ModelSchema.Column) -> CQLValue {
        switch column.type {
        case .text: return .text(Self.texts[int(0...3)])
        case .set: return .set((0...2).filter { _ in chance(40) }.map { .int(Int32($0)) })
        default: return .int(Int32(int(-1...3)))
        }
    }

    /// A key column's type: mostly int, some text, a few frozen sets.
    private mutating func keyType() -> CQLDataType {
        let roll = int(0...99)
        return roll < 65 ? .int : roll < 88 ? .text : .set(.int)
    }

    /// The value as a client might send it: set elements reversed and one repeated, which the node
    /// must store and compare as the sorted set.
    private mutating func scrambled(_ value: CQLValue) -> CQLValue {
        switch value {
        case .set(let items) where !items.isEmpty: return .set(items.reversed() + (chance(50) ? [items[0]] : []))
        case .list(let items): return .list(items.map { scrambled($0) })
        case .tuple(let items): return .tuple(items.map { scrambled($0) })
        default: return value
        }
    }

    static func literal(_ value: CQLValue) -> String {
        switch value {
        case .int(let v): "\(v)"
        case .bigint(let v): "\(v)"
        case .text(let s): "'\(s)'"
        case .set(let items): "{" + items.map(literal).joined(separator: ", ") + "}"
        case .null: "null"
        default: "\(value)"
        }
    }

    mutating func schema(table: String) -> ModelSchema {
        let partitionKey = (0..<int(1...2)).map { ModelSchema.Column(name: "k\($0)", type: keyType()) }
        var clustering: [ModelSchema.Column] = []
        for index in 0..<int(0...3) {
            clustering.append(ModelSchema.Column(name: "c\(index)", type: keyType(), descending: chance(40)))
        }
        let collections: [ModelSchema.Collection] = [.set, .list, .map]
        return ModelSchema(table: table, partitionKey: partitionKey, clustering: clustering,
                           hasStatic: !clustering.isEmpty && chance(50), collection: collections[int(0...2)])
    }

    // MARK: writes

    mutating func write(_ schema: ModelSchema) -> ModelWrite {
        let key = schema.partitionKey.map { value($0) }
        let clustering = schema.clustering.map { value($0) }
        let roll = int(0...99)
        switch roll {
        case 0..<50:
            let v: CQLValue = chance(15) ? .null : .int(Int32(int(0...4)))
            let coll = (0..<int(0...3)).map { _ in CQLValue.int(Int32(int(0...4))) }
            return .insert(key: key, clustering: clustering, v: v, coll: coll,
                           s: schema.hasStatic && chance(40) ? .int(Int32(int(0...4))) : nil)
        case 50..<58: return .updateV(key: key, clustering: clustering, v: chance(20) ? .null : .int(Int32(int(0...4))))
        case 58..<63: return .addElement(key: key, clustering: clustering, element: .int(Int32(int(0...4))))
        case 63..<66 where schema.collection == .list:
            return .prepend(key: key, clustering: clustering, elements: (0..<int(1...2)).map { _ in .int(Int32(int(0...4))) })
        case 63..<66: return .removeElement(key: key, clustering: clustering, element: .int(Int32(int(0...4))))
        case 66..<72 where schema.hasStatic: return .updateStatic(key: key, s: chance(20) ? .null : .int(Int32(int(0...4))))
        case 72..<82: return .deleteRow(key: key, clustering: clustering)
        case 82..<87: return .deleteV(key: key, clustering: clustering)
        case 87..<95 where !schema.clustering.isEmpty:
            let prefixCount = int(0...schema.clustering.count - 1)
            let ops: [RelationOperator] = [.less, .lessOrEqual, .greater, .greaterOrEqual]
            let bound = prefixCount == 0 || chance(60) ? (ops[int(0...3)], clustering[prefixCount]) : nil
            return .deleteRange(key: key, prefix: Array(clustering.prefix(prefixCount)), bound: bound)
        case 95..<98: return .deletePartition(key: key)
        default:
            return .insert(key: key, clustering: clustering, v: .int(Int32(int(0...4))), coll: [], s: nil)
        }
    }

    /// The statement of a write: literals, or for some inserts bind markers with scrambled values.
    mutating func statement(_ write: ModelWrite, _ schema: ModelSchema) -> (text: String, values: [CQLBoundValue]?) {
        guard case .insert(let key, let clustering, let v, let coll, let s) = write, chance(30) else {
            return (Self.text(write, schema), nil)
        }
        let columns = schema.partitionKey + schema.clustering
        var names = columns.map(\.name) + ["v", "coll"]
        let collection: (CQLValue, CQLDataType) = switch schema.collection {
        case .set: (scrambled(.set(coll)), .set(.int))
        case .list: (.list(coll), .list(.int))
        case .map: (.map(coll.reversed().map { element in
            guard case .int(let k) = element else { return CQLMapEntry(key: element, value: element) }
            return CQLMapEntry(key: element, value: .int(k + 100))
        }), .map(key: .int, value: .int))
        }
        var values: [CQLBoundValue] = []
        for (column, value) in zip(columns, key + clustering) { values.append(Self.bind(scrambled(value), column.type)) }
        values += [v == .null ? .null : Self.bind(v, .int), Self.bind(collection.0, collection.1)]
        if let s {
            names.append("s")
            values.append(s == .null ? .null : Self.bind(s, .int))
        }
        let markers = names.map { _ in "?" }.joined(separator: ", ")
        return ("INSERT INTO ks.\(schema.table) (\(names.joined(separator: ", "))) VALUES (\(markers))", values)
    }

    static func text(_ write: ModelWrite, _ schema: ModelSchema) -> String {
        let table = "ks.\(schema.table)"
        func equal(_ columns: [ModelSchema.Column], _ values: [CQLValue]) -> [String] {
            zip(columns, values).map { "\($0.name) = \(literal($1))" }
        }
        func whereRow(_ key: [CQLValue], _ clustering: [CQLValue]) -> String {
            (equal(schema.partitionKey, key) + equal(schema.clustering, clustering)).joined(separator: " AND ")
        }
        switch write {
        case .insert(let key, let clustering, let v, let coll, let s):
            var names = (schema.partitionKey + schema.clustering).map(\.name) + ["v", "coll"]
            let elements = coll.map(literal)
            let collection = switch schema.collection {
            case .set: "{" + elements.joined(separator: ", ") + "}"
            case .list: "[" + elements.joined(separator: ", ") + "]"
            case .map: "{" + coll.map { element -> String in
                guard case .int(let k) = element else { return "" }
                return "\(k): \(k + 100)"
            }.joined(separator: ", ") + "}"
            }
            var values = (key + clustering).map(literal) + [literal(v), collection]
            if let s { names.append("s"); values.append(literal(s)) }
            return "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
        case .updateV(let key, let clustering, let v):
            return "UPDATE \(table) SET v = \(literal(v)) WHERE \(whereRow(key, clustering))"
        case .addElement(let key, let clustering, let element):
            let assignment = switch (schema.collection, element) {
            case (.set, _): "coll = coll + {\(literal(element))}"
            case (.list, _): "coll = coll + [\(literal(element))]"
            case (.map, .int(let k)): "coll[\(k)] = \(k + 100)"
            case (.map, _): "coll = coll"
            }
            return "UPDATE \(table) SET \(assignment) WHERE \(whereRow(key, clustering))"
        case .removeElement(let key, let clustering, let element):
            let removed = schema.collection == .list ? "[\(literal(element))]" : "{\(literal(element))}"
            return "UPDATE \(table) SET coll = coll - \(removed) WHERE \(whereRow(key, clustering))"
        case .prepend(let key, let clustering, let elements):
            let list = "[" + elements.map(literal).joined(separator: ", ") + "]"
            return "UPDATE \(table) SET coll = \(list) + coll WHERE \(whereRow(key, clustering))"
        case .updateStatic(let key, let s):
            return "UPDATE \(table) SET s = \(literal(s)) WHERE \(whereRow(key, []))"
        case .deleteRow(let key, let clustering):
            return "DELETE FROM \(table) WHERE \(whereRow(key, clustering))"
        case .deleteV(let key, let clustering):
            return "DELETE v FROM \(table) WHERE \(whereRow(key, clustering))"
        case .deleteRange(let key, let prefix, let bound):
            var relations = [whereRow(key, prefix)]
            if let (op, value) = bound { relations.append("\(schema.clustering[prefix.count].name) \(op.rawValue) \(literal(value))") }
            return "DELETE FROM \(table) WHERE \(relations.joined(separator: " AND "))"
        case .deletePartition(let key):
            return "DELETE FROM \(table) WHERE \(whereRow(key, []))"
        }
    }

    // MARK: queries

    static func type(_ column: ModelSchema.Column) -> CQLDataType { column.type }

    static func bind(_ value: CQLValue, _ type: CQLDataType) -> CQLBoundValue {
        .bytes(((try? value.serialize(as: type)) ?? nil) ?? [])
    }

    /// A value in the query text: a literal, or `?` with the value bound when the query binds values.
    private mutating func term(_ value: CQLValue, _ type: CQLDataType, _ query: inout ModelQuery) -> String {
        guard query.values != nil else { return Self.literal(value) }
        query.values!.append(Self.bind(scrambled(value), type))
        return "?"
    }

    /// The candidates of an IN: literals, a marker each, or one marker bound to the whole list.
    private mutating func inTerms(_ values: [CQLValue], _ type: CQLDataType, _ query: inout ModelQuery) -> String {
        if query.values != nil && chance(50) {
            query.values!.append(Self.bind(scrambled(.list(values)), .list(type)))
            return "?"
        }
        return "(" + values.map { term($0, type, &query) }.joined(separator: ", ") + ")"
    }

    /// A tuple: literals, a marker per element, or one marker bound to the tuple.
    private mutating func tupleTerm(_ values: [CQLValue], _ types: [CQLDataType], _ query: inout ModelQuery) -> String {
        if query.values != nil && chance(40) {
            query.values!.append(Self.bind(scrambled(.tuple(values)), .tuple(types)))
            return "?"
        }
        return "(" + zip(values, types).map { term($0, $1, &query) }.joined(separator: ", ") + ")"
    }

    mutating func query(_ schema: ModelSchema, tokens: [Int64]) -> ModelQuery {
        var query = ModelQuery()
        if chance(30) { query.values = [] }
        let roll = int(0...99)
        query.kind = roll < 64 ? .rows : roll < 76 ? .aggregate : roll < 88 ? .grouped : .distinct
        var relations: [String] = []
        var needsFiltering = false

        // Partition key: every column by = or IN, a token range, one column filtered, or nothing.
        if chance(60) {
            var candidates: [[CQLValue]] = []
            for column in schema.partitionKey {
                if chance(35) {
                    let values = (0..<int(chance(5) ? 0...0 : 1...3)).map { _ in value(column) }
                    candidates.append(values)
                    query.keyUsesIn = true
                    relations.append("\(column.name) IN \(inTerms(values, Self.type(column), &query))")
                } else {
                    let v = value(column)
                    candidates.append([v])
                    relations.append("\(column.name) = \(term(v, Self.type(column), &query))")
                }
            }
            query.keyCandidates = candidates
        } else if chance(40) {
            let names = schema.partitionKey.map(\.name).joined(separator: ", ")
            let lower: [RelationOperator] = [.greater, .greaterOrEqual], upper: [RelationOperator] = [.less, .lessOrEqual]
            let sides = chance(10) ? [[RelationOperator.equal]] : [lower, upper]
            for ops in sides where chance(70) {
                let token = tokens.isEmpty || chance(30) ? Int64.random(in: .min ... .max, using: &random) : tokens[int(0...tokens.count - 1)]
                let op = ops[int(0...ops.count - 1)]
                query.tokenBounds.append((op, token))
                relations.append("token(\(names)) \(op.rawValue) \(term(.bigint(token), .bigint, &query))")
            }
        } else if chance(25) {
            // Part of the key, filtered: Cassandra accepts it with ALLOW FILTERING.
            let column = schema.partitionKey[int(0...schema.partitionKey.count - 1)]
            let ops: [RelationOperator] = [.equal, .less, .lessOrEqual, .greater, .greaterOrEqual]
            let filter = ModelQuery.Filter(column: column.name, op: ops[int(0...4)], value: value(column))
            query.filters.append(filter)
            relations.append("\(column.name) \(filter.op.rawValue) \(term(filter.value, Self.type(column), &query))")
            needsFiltering = true
        }
        let keyRestricted = query.keyCandidates != nil

        if query.kind != .distinct {
            clusteringRelations(schema, &query, &relations, &needsFiltering)
            if chance(30) {
                needsFiltering = true
                let roll = int(0...99)
                if roll < 60 {
                    // Static columns filter too: a partition with only static data still answers then.
                    let column = schema.hasStatic && chance(25) ? "s" : "v"
                    let ops: [RelationOperator] = [.equal, .less, .lessOrEqual, .greater, .greaterOrEqual]
                    let filter = ModelQuery.Filter(column: column, op: ops[int(0...4)], value: .int(Int32(int(0...4))))
                    query.filters.append(filter)
                    relations.append("\(column) \(filter.op.rawValue) \(term(filter.value, .int, &query))")
                } else if schema.collection == .map && roll < 80 {
                    let filter = ModelQuery.Filter(op: .containsKey, value: .int(Int32(int(0...4))))
                    query.filters.append(filter)
                    relations.append("coll CONTAINS KEY \(term(filter.value, .int, &query))")
                } else {
                    let element = Int32(int(0...4)) + (schema.collection == .map ? 100 : 0)
                    query.filters.append(ModelQuery.Filter(op: .contains, value: .int(element)))
                    relations.append("coll CONTAINS \(term(.int(element), .int, &query))")
                }
            }
        }
        if !query.clustering.isEmpty && !keyRestricted { needsFiltering = true }
        query.allowFiltering = needsFiltering || chance(5)

        var text: String
        switch query.kind {
        case .rows:
            if chance(25) { query.vSelector = VSelector.allCases[int(0...VSelector.allCases.count - 1)] }
            text = "SELECT " + schema.selected.map { $0 == "v" ? query.vSelector.text : $0 }.joined(separator: ", ")
        case .aggregate: text = "SELECT count(*), count(v), count(coll), min(v), max(v)"
        case .grouped:
            let prefix = int(0...schema.clustering.count)
            query.groupBy = prefix
            let names = (schema.partitionKey + schema.clustering.prefix(prefix)).map(\.name)
            text = "SELECT \(names.joined(separator: ", ")), count(*), count(v), count(coll), min(v), max(v)"
        case .distinct: text = "SELECT DISTINCT " + (schema.partitionKey.map(\.name) + (schema.hasStatic ? ["s"] : [])).joined(separator: ", ")
        }
        text += " FROM ks.\(schema.table)"
        if !relations.isEmpty { text += " WHERE " + relations.joined(separator: " AND ") }
        if let prefix = query.groupBy {
            text += " GROUP BY " + (schema.partitionKey + schema.clustering.prefix(prefix)).map(\.name).joined(separator: ", ")
        }
        // Grouped queries order one partition only: ORDER BY over the partitions of an IN sorts rows
        // across partitions, where groups are not defined by consecutive rows.
        let orders = query.kind == .rows || (query.kind == .grouped && !query.keyUsesIn)
        if orders && keyRestricted && !schema.clustering.isEmpty && chance(35) {
            let count = int(1...schema.clustering.count)
            query.orderBy = count
            query.reversed = chance(50)
            text += " ORDER BY " + schema.clustering.prefix(count).map { column in
                "\(column.name) \(column.descending != query.reversed ? "DESC" : "ASC")"
            }.joined(separator: ", ")
        }
        if query.kind != .distinct && chance(20) {
            query.perPartitionLimit = int(1...3)
            text += " PER PARTITION LIMIT \(term(.int(Int32(query.perPartitionLimit!)), .int, &query))"
        }
        if chance(30) {
            query.limit = int(1...10)
            text += " LIMIT \(term(.int(Int32(query.limit!)), .int, &query))"
        }
        if query.allowFiltering { text += " ALLOW FILTERING" }
        if chance(40) { query.pageSize = Int32(int(1...7)) }
        query.text = text
        return query
    }

    /// `=`/`IN` on leading clustering columns (single or multi-column), then maybe a slice on the
    /// next one (single or multi-column, one or both sides), and sometimes a filtered later column.
    private mutating func clusteringRelations(_ schema: ModelSchema, _ query: inout ModelQuery, _ relations: inout [String],
                                              _ needsFiltering: inout Bool) {
        let columns = schema.clustering
        guard !columns.isEmpty, chance(65) else { return }
        let prefix = int(0...columns.count)
        var position = 0
        while position < prefix {
            if prefix - position >= 2 && chance(30) {
                let range = position..<prefix
                let count = int(1...3)
                let tuples = (0..<count).map { _ in range.map { value(columns[$0]) } }
                let names = "(" + range.map { columns[$0].name }.joined(separator: ", ") + ")"
                let types = range.map { Self.type(columns[$0]) }
                let isIn = count > 1 || chance(30)
                query.clustering.append(.init(columns: Array(range), op: isIn ? .in : .equal, tuples: tuples, isMultiColumn: true))
                if isIn && query.values != nil && chance(50) {
                    query.values!.append(Self.bind(scrambled(.list(tuples.map { .tuple($0) })), .list(.tuple(types))))
                    relations.append("\(names) IN ?")
                } else {
                    let rendered = tuples.map { tupleTerm($0, types, &query) }
                    relations.append(isIn ? "\(names) IN (\(rendered.joined(separator: ", ")))" : "\(names) = \(rendered[0])")
                }
                position = prefix
                break
            }
            let column = columns[position]
            if chance(35) {
                let values = (0..<int(chance(5) ? 0...0 : 1...3)).map { _ in value(column) }
                query.clustering.append(.init(columns: [position], op: .in, tuples: values.map { [$0] }, isMultiColumn: false))
                relations.append("\(column.name) IN \(inTerms(values, Self.type(column), &query))")
            } else {
                let v = value(column)
                query.clustering.append(.init(columns: [position], op: .equal, tuples: [[v]], isMultiColumn: false))
                relations.append("\(column.name) = \(term(v, Self.type(column), &query))")
            }
            position += 1
        }
        if position < columns.count && chance(60) {
            let multi = chance(50)
            let sides: [[RelationOperator]] = [[.greater, .greaterOrEqual], [.less, .lessOrEqual]]
            var bounded = false
            for (index, ops) in sides.enumerated() where chance(65) || (index == 1 && !bounded) {
                bounded = true
                let op = ops[int(0...1)]
                let count = multi ? int(1...columns.count - position) : 1
                let range = position..<position + count
                let tuple = range.map { value(columns[$0]) }
                query.clustering.append(.init(columns: Array(range), op: op, tuples: [tuple], isMultiColumn: multi))
                let names = range.map { columns[$0].name }.joined(separator: ", ")
                let types = range.map { Self.type(columns[$0]) }
                relations.append(multi ? "(\(names)) \(op.rawValue) \(tupleTerm(tuple, types, &query))"
                                       : "\(names) \(op.rawValue) \(term(tuple[0], types[0], &query))")
            }
            position = columns.count
        }
        // A restriction on a later column, past the slice or a gap, is filtered (Cassandra 4 with ALLOW FILTERING).
        if position + 1 < columns.count && chance(20) {
            let index = int(position + 1...columns.count - 1)
            let v = value(columns[index])
            let ops: [RelationOperator] = [.equal, .less, .lessOrEqual, .greater, .greaterOrEqual]
            let op = ops[int(0...4)]
            query.clustering.append(.init(columns: [index], op: op, tuples: [[v]], isMultiColumn: false))
            relations.append("\(columns[index].name) \(op.rawValue) \(term(v, Self.type(columns[index]), &query))")
            needsFiltering = true
        }
    }
}
