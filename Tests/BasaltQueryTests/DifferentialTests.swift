import BasaltCQLProtocol
import Foundation
import Testing
@testable import BasaltQuery

/// Random schemas, data and SELECTs run against Basalt (through `QueryProcessor`) and against
/// `CQLModel`; the rows must be the same, in the same order. `BASALT_DIFF_QUERIES` sets how many
/// queries run (a few thousand by default), `BASALT_DIFF_SEED` the first schema's seed; a failure
/// prints the seed, the schema, the writes and the query, which replay with those two variables.
@Suite struct DifferentialTests {
    static let environment = ProcessInfo.processInfo.environment
    static let queries = environment["BASALT_DIFF_QUERIES"].flatMap { Int($0) } ?? 5000
    static let firstSeed = environment["BASALT_DIFF_SEED"].flatMap { UInt64($0) } ?? 0xB45A_17D1
    static let queriesPerSchema = 60
    static let shards = 2

    @Test(arguments: 0..<shards)
    func basaltAnswersEveryQueryAsTheModelDoes(shard: Int) async throws {
        let h = try Harness()
        try await h.ok(ExecutionTests.keyspace)
        let started = Date()
        var ran = 0
        var failures = 0
        var nonEmpty = 0
        var rowsCompared = 0
        var schemaIndex = shard
        while ran < Self.queries / Self.shards && failures < 5 {
            let seed = Self.firstSeed &+ UInt64(schemaIndex)
            var generator = QueryGenerator(seed: seed)
            let schema = generator.schema(table: "t\(schemaIndex)")
            try await h.ok(schema.create)
            var model = CQLModel(schema: schema)
            var writes: [String] = []
            for _ in 0..<Int.random(in: 10...90, using: &generator.random) {
                // Spread the data over memtable and SSTables, so reads merge rows and tombstones.
                if Int.random(in: 0..<100, using: &generator.random) < 4 {
                    try h.engine.flush()
                    writes.append("-- flush")
                }
                let write = generator.write(schema)
                let (text, values) = generator.statement(write, schema)
                try await h.ok(text, values)
                model.apply(write)
                writes.append(text + (values.map { "  [bound \($0)]" } ?? ""))
            }
            let tokens = model.partitions.keys.map { model.token($0) }
            for _ in 0..<Self.queriesPerSchema {
                let query = generator.query(schema, tokens: tokens)
                ran += 1
                let expected = model.answer(query)
                nonEmpty += expected.isEmpty ? 0 : 1
                rowsCompared += expected.count
                let mismatch = await Self.check(query, expected: expected, h)
                guard let mismatch else { continue }
                failures += 1
                Issue.record(Comment(rawValue: """
                    differential mismatch (replay: BASALT_DIFF_SEED=\(seed) BASALT_DIFF_QUERIES=\(Self.queriesPerSchema * Self.shards))
                    schema: \(schema.create)
                    writes:
                    \(writes.joined(separator: "\n"))
                    query: \(query.text)\(query.pageSize.map { "  [page size \($0)]" } ?? "")\(query.values.map { "  [bound \($0)]" } ?? "")
                    \(mismatch)
                    """))
                break
            }
            try await h.ok("DROP TABLE ks.\(schema.table)")
            schemaIndex += Self.shards
        }
        let seconds = Date().timeIntervalSince(started)
        print("differential shard \(shard): \(ran) queries (\(nonEmpty) with rows, \(rowsCompared) rows) over "
              + "\((schemaIndex - shard) / Self.shards) schemas in " + String(format: "%.1f s (%.0f queries/s)", seconds, Double(ran) / seconds))
    }

    /// Nil when Basalt answers `query` with `expected`; else what it answered.
    static func check(_ query: ModelQuery, expected: [[CQLValue]], _ h: Harness) async -> String? {
        let refused = query.kind == .rows && query.orderBy != nil && query.keyUsesIn && query.pageSize != nil
        var rows: [[CQLValue]] = []
        var state: [UInt8]?
        var pages = 0
        repeat {
            let response = await h.run(query.text, query.values, pageSize: query.pageSize, pagingState: state)
            if refused {
                if case .error(let error) = response, error.code == 0x2200 { return nil }
                return "expected Invalid (paged ORDER BY with IN), got \(response)"
            }
            guard case .result(.rows(let page)) = response, let decoded = try? h.decode(page) else {
                return "expected \(expected), got \(response)"
            }
            rows += decoded
            state = page.metadata.pagingState
            pages += 1
            if let size = query.pageSize, decoded.count > Int(size) { return "a page of \(decoded.count) rows for page size \(size)" }
        } while state != nil && pages < 10_000
        return rows == expected ? nil : "expected \(expected)\n     got \(rows)"
    }
}
