import BasaltCore
import BasaltCQL
import BasaltCQLProtocol

/// The select list compiled against a table: output column specs and how to compute each value from
/// a `LogicalRow`, or, when the selection aggregates, from a group of rows.
struct ResultSelection {
    var specs: [CQLColumnSpec]
    private var nodes: [SelectorNode]
    private var aggregates: [(function: AggregateFunction, argument: SelectorNode?)]
    private let context: FunctionContext
    /// Types of the select list's bind markers, by marker index, for PREPARE's metadata.
    private(set) var markerTypes: [Int: CQLDataType] = [:]

    var isAggregate: Bool { !aggregates.isEmpty }

    init(_ selection: Selection, table: TableSchema, evaluator: TermEvaluator) throws(QueryError) {
        context = FunctionContext(now: evaluator.now)
        func spec(_ name: String, _ type: CQLDataType) -> CQLColumnSpec {
            CQLColumnSpec(keyspace: table.keyspace, table: table.name, name: name, type: type)
        }
        switch selection {
        case .all:
            let positions = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1.name, $0) })
            nodes = table.selectStarColumns.map { .column(positions[$0.name]!) }
            specs = table.selectStarColumns.map { spec($0.name, $0.dataType) }
            aggregates = []
        case .selectors(let selectors):
            var compiler = SelectorCompiler(table: table, evaluator: evaluator)
            nodes = []
            specs = []
            for selector in selectors {
                let compiled = try compiler.compile(selector.expression)
                nodes.append(compiled.node)
                specs.append(spec(selector.alias ?? compiled.name, compiled.type))
            }
            aggregates = compiler.aggregates
            markerTypes = compiler.markerTypes
        }
    }

    func project(_ row: LogicalRow) throws(QueryError) -> [CQLValue] {
        var values: [CQLValue] = []
        for node in nodes { values.append(try node.evaluate(row, aggregates: [], context: context)) }
        return values
    }

    /// One row over a group of `rows`; plain columns take the first row's values, as Cassandra does.
    func aggregate(_ rows: [LogicalRow]) throws(QueryError) -> [CQLValue] {
        var accumulators = aggregates.map { $0.function.accumulator() }
        for row in rows {
            for (position, aggregate) in aggregates.enumerated() {
                // count(*) counts rows: any non-null stands in for the row.
                let value = try aggregate.argument?.evaluate(row, aggregates: [], context: context) ?? .boolean(true)
                try accumulators[position].add(value)
            }
        }
        let results = accumulators.map { $0.result() }
        var values: [CQLValue] = []
        for node in nodes { values.append(try node.evaluate(rows.first, aggregates: results, context: context)) }
        return values
    }
}
