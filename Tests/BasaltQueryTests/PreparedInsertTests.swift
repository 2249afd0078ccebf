import BasaltCQL
import BasaltCQLProtocol
import BasaltCore
import Foundation
import Testing
@testable import BasaltQuery

/// The prepared-INSERT plan must store exactly what the general path stores, and hand every value
/// it cannot store as is back to the general path (which gives Cassandra's error).
@Suite struct PreparedInsertTests {
    static func be<T: FixedWidthInteger>(_ value: T) -> CQLBoundValue { .bytes(withUnsafeBytes(of: value.bigEndian) { Array($0) }) }
    static func text(_ string: String) -> CQLBoundValue { .bytes(Array(string.utf8)) }

    struct Case: Sendable, CustomStringConvertible {
        var table: String
        var insert: String
        var values: [CQLBoundValue]
        /// Whether the plan takes these values (false: the general path runs).
        var planned: Bool
        var description: String { "\(insert) \(values)" }
    }

    static let cases: [Case] = [
        Case(table: "k bigint, c int, v blob, PRIMARY KEY (k, c)", insert: "INSERT INTO t (k, c, v) VALUES (?, ?, ?)",
             values: [be(Int64(7)), be(Int32(-3)), .bytes([1, 2, 3])], planned: true),
        Case(table: "k bigint, c int, v blob, PRIMARY KEY (k, c)", insert: "INSERT INTO t (v, c, k) VALUES (?, ?, ?)",
             values: [.null, be(Int32(0)), be(Int64(-1))], planned: true),
        Case(table: "k bigint, c int, v blob, PRIMARY KEY (k, c)", insert: "INSERT INTO t (k, c, v) VALUES (?, ?, ?)",
             values: [be(Int64(7)), be(Int32(1)), .unset], planned: true),
        Case(table: "a text, b int, c text, d smallint, v text, w timestamp, x uuid, y tinyint, z ascii, PRIMARY KEY ((a, b), c, d)",
             insert: "INSERT INTO t (a, b, c, d, v, w, x, y, z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
             values: [text("é"), be(Int32(5)), text("zz"), be(Int16(-2)), text(""), be(Int64(1_700_000_000_000)),
                      .bytes(Array(repeating: 0xAB, count: 16)), be(Int8(9)), text("plain")], planned: true),
        Case(table: "k int PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [be(Int32(1)), .bytes([0xC3, 0x28])], planned: false),  // invalid UTF-8
        Case(table: "k int PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [.bytes([1, 2]), text("x")], planned: false),  // an int of two bytes
        Case(table: "k int PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [.null, text("x")], planned: false),
        Case(table: "k int PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [.unset, text("x")], planned: false),
        Case(table: "k blob PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [.bytes([]), text("x")], planned: false),  // empty key
        Case(table: "k blob PRIMARY KEY, v text", insert: "INSERT INTO t (k, v) VALUES (?, ?)",
             values: [.bytes(Array(repeating: 1, count: 65_536)), text("x")], planned: false),
        Case(table: "k int, c int, v int, PRIMARY KEY (k, c)", insert: "INSERT INTO t (k, c, v) VALUES (?, ?, ?)",
             values: [be(Int32(1)), .bytes([]), be(Int32(2))], planned: false),  // empty clustering int
    ]

    @Test(arguments: cases)
    func thePlanStoresWhatTheGeneralPathStores(_ testCase: Case) async throws {
        let harness = try Harness()
        try await harness.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await harness.ok("USE ks")
        try await harness.ok("CREATE TABLE t (\(testCase.table)) WITH default_time_to_live = 0")
        guard case .insert(let insert) = try CQLParser.parse(testCase.insert) else { throw Harness.Failure("not an INSERT") }
        let table = try harness.processor.resolveTable(insert.table, session: harness.session)
        let plan = try #require(PreparedInsert.plan(insert, table: table))
        // The general path reads the clock for local deletion times, as the plan is given it.
        let planned = plan.update(testCase.values, timestamp: 1234, now: harness.processor.nowSeconds)
        #expect((planned != nil) == testCase.planned)
        guard let planned else { return }
        let general = try await harness.processor.mutations(
            for: .insert(insert), bound: BoundValues(values: .positional(testCase.values)), timestamp: 1234,
            session: harness.session, consistency: .one)
        #expect(general == [planned])
    }

    static let unplanned: [String] = [
        "INSERT INTO t (k, c, v) VALUES (?, ?, ?) USING TTL 5",
        "INSERT INTO t (k, c, v) VALUES (?, ?, ?) USING TIMESTAMP 5",
        "INSERT INTO t (k, c, v) VALUES (?, ?, ?) IF NOT EXISTS",
        "INSERT INTO t (k, c, v) VALUES (?, ?, 0x00)",
        "INSERT INTO t (k, c, v) VALUES (:k, :c, :v)",
        "INSERT INTO t (k, c, s) VALUES (?, ?, ?)",
        "INSERT INTO t (k, c, l) VALUES (?, ?, ?)",
        "INSERT INTO t (k, c, b) VALUES (?, ?, ?)",
        "INSERT INTO t (k, v) VALUES (?, ?)",
    ]

    @Test(arguments: unplanned)
    func statementsTheGeneralPathMustRun(_ statement: String) async throws {
        let harness = try Harness()
        try await harness.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await harness.ok("USE ks")
        try await harness.ok("CREATE TABLE t (k int, c int, v blob, s int STATIC, l list<int>, b boolean, PRIMARY KEY (k, c))")
        guard case .insert(let insert) = try CQLParser.parse(statement) else { throw Harness.Failure("not an INSERT") }
        let table = try harness.processor.resolveTable(insert.table, session: harness.session)
        #expect(PreparedInsert.plan(insert, table: table) == nil)
    }

    /// A plan made before ALTER TABLE DROP must not write the dropped column's id afterwards.
    @Test func aSchemaChangeRebuildsThePlan() async throws {
        let harness = try Harness()
        try await harness.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await harness.ok("USE ks")
        try await harness.ok("CREATE TABLE t (k int PRIMARY KEY, v int)")
        guard case .result(.prepared(let prepared)) = await harness.processor.handle(
            .prepare(CQLPrepare(query: "INSERT INTO t (k, v) VALUES (?, ?)")), session: harness.session) else { throw Harness.Failure("PREPARE") }
        func execute(_ k: Int32, _ v: Int32) async -> CQLResponse {
            await harness.processor.handle(.execute(CQLExecute(id: prepared.id, parameters: CQLQueryParameters(
                consistency: .one, values: .positional([Self.be(k), Self.be(v)])))), session: harness.session)
        }
        guard case .result = await execute(1, 10) else { throw Harness.Failure("first EXECUTE") }
        try await harness.ok("ALTER TABLE t DROP v")
        guard case .error(let error) = await execute(2, 20) else { throw Harness.Failure("EXECUTE after DROP succeeded") }
        #expect(error.message.contains("v"))
        #expect(try await harness.rows("SELECT k FROM t").count == 1)
    }
}
