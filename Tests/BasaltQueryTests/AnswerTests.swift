import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// Queries that once returned wrong rows without an error, each checked against Cassandra's answer.
@Suite struct AnswerTests {
    static let keyspace = ExecutionTests.keyspace

    /// A multi-column WHERE clause on clustering columns (b, c, d), with which (b, c, d) it keeps.
    struct TupleCase: Sendable, CustomStringConvertible {
        var relations: String
        var keeps: @Sendable (Int, Int, Int) -> Bool
        var description: String { relations }
    }

    static func lex(_ a: [Int], _ b: [Int]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    static let tupleCases: [TupleCase] = [
        TupleCase(relations: "(b, c) > (1, 1)") { b, c, _ in lex([b, c], [1, 1]) > 0 },
        TupleCase(relations: "(b, c) >= (1, 1)") { b, c, _ in lex([b, c], [1, 1]) >= 0 },
        TupleCase(relations: "(b, c) < (1, 1)") { b, c, _ in lex([b, c], [1, 1]) < 0 },
        TupleCase(relations: "(b, c) <= (1, 1)") { b, c, _ in lex([b, c], [1, 1]) <= 0 },
        TupleCase(relations: "(b, c, d) > (1, 2, 0)") { b, c, d in lex([b, c, d], [1, 2, 0]) > 0 },
        TupleCase(relations: "(b, c, d) <= (0, 1, 1)") { b, c, d in lex([b, c, d], [0, 1, 1]) <= 0 },
        TupleCase(relations: "(b, c) = (1, 2)") { b, c, _ in b == 1 && c == 2 },
        TupleCase(relations: "(b, c) IN ((2, 0), (0, 1), (2, 0))") { b, c, _ in [b, c] == [2, 0] || [b, c] == [0, 1] },
        TupleCase(relations: "(b) IN ((1))") { b, _, _ in b == 1 },
        TupleCase(relations: "(b, c) > (0, 1) AND (b) < (2)") { b, c, _ in lex([b, c], [0, 1]) > 0 && b < 2 },
        TupleCase(relations: "(b, c) > (0, 1) AND (b, c, d) <= (2, 0, 1)") { b, c, d in
            lex([b, c], [0, 1]) > 0 && lex([b, c, d], [2, 0, 1]) <= 0
        },
        TupleCase(relations: "(b) >= (1) AND (b, c) < (2, 1)") { b, c, _ in b >= 1 && lex([b, c], [2, 1]) < 0 },
        TupleCase(relations: "(b, c) > (2, 2)") { _, _, _ in false },
        TupleCase(relations: "(b, c) > (1, 0) AND (b, c) < (1, 1)") { _, _, _ in false },
        TupleCase(relations: "b = 1 AND (c, d) > (0, 1)") { b, c, d in b == 1 && lex([c, d], [0, 1]) > 0 },
        TupleCase(relations: "b = 1 AND (c, d) IN ((2, 1), (0, 0))") { b, c, d in b == 1 && ([c, d] == [2, 1] || [c, d] == [0, 0]) },
        TupleCase(relations: "b IN (2, 0, 2) AND (c, d) <= (1, 0)") { b, c, d in (b == 0 || b == 2) && lex([c, d], [1, 0]) <= 0 },
        TupleCase(relations: "b = 1 AND c IN (2, 0, 2)") { b, c, _ in b == 1 && (c == 0 || c == 2) },
        TupleCase(relations: "b IN (2, 0, 2) AND c > 0") { b, c, _ in (b == 0 || b == 2) && c > 0 },
    ]

    static let orders: [[Bool]] = [[false, false, false], [false, true, false], [true, false, true], [true, true, true]]

    /// Cassandra compares tuples by value; over columns of mixed order it reads several slices.
    @Test(arguments: orders, tupleCases)
    func multiColumnRelationsKeepTheRowsTheyCompareAbove(descending: [Bool], query: TupleCase) async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        let order = zip(["b", "c", "d"], descending).map { "\($0) \($1 ? "DESC" : "ASC")" }.joined(separator: ", ")
        try await h.ok("CREATE TABLE ks.t (a int, b int, c int, d int, v int, PRIMARY KEY (a, b, c, d)) WITH CLUSTERING ORDER BY (\(order))")
        var all: [[Int]] = []
        for b in 0..<3 { for c in 0..<3 { for d in 0..<2 {
            all.append([b, c, d])
            for a in 0..<2 { try await h.ok("INSERT INTO ks.t (a, b, c, d, v) VALUES (\(a), \(b), \(c), \(d), 0)") }
        } } }
        let inClusteringOrder = all.sorted { x, y in
            for i in 0..<3 where x[i] != y[i] { return (x[i] < y[i]) != descending[i] }
            return false
        }
        let expected = inClusteringOrder.filter { query.keeps($0[0], $0[1], $0[2]) }.map { $0.map { CQLValue.int(Int32($0)) } }
        let rows = try await h.rows("SELECT b, c, d FROM ks.t WHERE a = 1 AND \(query.relations)")
        #expect(rows == expected)
        let reversed = try await h.rows("SELECT b, c, d FROM ks.t WHERE a = 1 AND \(query.relations) ORDER BY b \(descending[0] ? "ASC" : "DESC")")
        #expect(reversed == expected.reversed())
    }

    @Test func inNamingAValueTwiceReturnsItsRowsOnceInKeyOrder() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int, c int, PRIMARY KEY (k, c))")
        try await h.ok("CREATE TABLE ks.t2 (k1 int, k2 text, v int, PRIMARY KEY ((k1, k2)))")
        for k in 0..<4 { for c in 0..<2 { try await h.ok("INSERT INTO ks.t (k, c) VALUES (\(k), \(c))") } }
        for k1 in 0..<2 { for k2 in ["a", "b"] { try await h.ok("INSERT INTO ks.t2 (k1, k2, v) VALUES (\(k1), '\(k2)', 0)") } }
        func pairs(_ query: String) async throws -> [[CQLValue]] { try await h.rows(query) }
        // Partitions of an IN come in the order of their key values, as Cassandra reads them.
        #expect(try await pairs("SELECT k, c FROM ks.t WHERE k IN (3, 1, 3)")
                == [[.int(1), .int(0)], [.int(1), .int(1)], [.int(3), .int(0)], [.int(3), .int(1)]])
        #expect(try await pairs("SELECT k, c FROM ks.t WHERE k = 2 AND c IN (1, 0, 1)") == [[.int(2), .int(0)], [.int(2), .int(1)]])
        #expect(try await pairs("SELECT k, c FROM ks.t WHERE k IN (2, 2) AND c IN (1, 1)") == [[.int(2), .int(1)]])
        #expect(try await pairs("SELECT k1, k2 FROM ks.t2 WHERE k1 IN (1, 0, 1) AND k2 IN ('b', 'a', 'b')")
                == [[.int(0), .text("a")], [.int(0), .text("b")], [.int(1), .text("a")], [.int(1), .text("b")]])
        #expect(try await pairs("SELECT count(*) FROM ks.t WHERE k IN (1, 1) AND c IN (0, 0, 1)") == [[.bigint(2)]])
        let (rows, _) = try await h.page("SELECT k, c FROM ks.t WHERE k IN (0, 0, 1)", pageSize: 1)
        #expect(rows.count == 4)
    }

    @Test func aRangeDeleteRemovesOnlyTheRowsItNames() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)")
        for c in 0..<3 { for d in 0..<3 { try await h.ok("INSERT INTO ks.t (k, c, d) VALUES (0, \(c), \(d))") } }
        try await h.ok("DELETE FROM ks.t WHERE k = 0 AND c IN (2, 0, 2) AND d > 0")
        #expect(try await h.rows("SELECT c, d FROM ks.t WHERE k = 0")
                == [[2, 0], [1, 0], [1, 1], [1, 2], [0, 0]].map { $0.map { CQLValue.int($0) } })
        let many = (0..<1100).map(String.init).joined(separator: ", ")
        #expect(await h.error("DELETE FROM ks.t WHERE k = 0 AND c IN (\(many)) AND d > 0")?.code == 0x2200)
        #expect(try await h.rows("SELECT c, d FROM ks.t WHERE k = 0").count == 5)
    }

    @Test func orderByWithInSortsRowsOfEveryPartitionThenLimits() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int, c int, d int, PRIMARY KEY (k, c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC)")
        for (k, c, d) in [(1, 5, 0), (1, 2, 0), (2, 4, 1), (2, 4, 0), (3, 1, 0), (3, 5, 1)] {
            try await h.ok("INSERT INTO ks.t (k, c, d) VALUES (\(k), \(c), \(d))")
        }
        let byC = try await h.rows("SELECT k, c, d FROM ks.t WHERE k IN (3, 2, 1) ORDER BY c ASC")
        #expect(byC.map { $0[1] } == [1, 2, 4, 4, 5, 5].map { .int($0) })
        // Equal on the ORDER BY column: partitions in key order, each partition's rows in query order.
        #expect(byC[2...3].map { $0[2] } == [.int(1), .int(0)] && byC[4...5].map { $0[0] } == [.int(1), .int(3)])
        let limited = try await h.rows("SELECT k, c, d FROM ks.t WHERE k IN (1, 2, 3) ORDER BY c DESC, d ASC LIMIT 3")
        #expect(limited == [[.int(1), .int(5), .int(0)], [.int(3), .int(5), .int(1)], [.int(2), .int(4), .int(0)]])
        let perPartition = try await h.rows("SELECT k, c FROM ks.t WHERE k IN (1, 2, 3) ORDER BY c ASC PER PARTITION LIMIT 1")
        #expect(perPartition == [[.int(3), .int(1)], [.int(1), .int(2)], [.int(2), .int(4)]])
        let paged = await h.run("SELECT k, c FROM ks.t WHERE k IN (1, 2) ORDER BY c ASC LIMIT 2", pageSize: 100)
        guard case .error(let error) = paged else { Issue.record("paged ORDER BY with IN answered \(paged)"); return }
        #expect(error.code == 0x2200 && error.message.hasPrefix("Cannot page queries with both ORDER BY and a IN restriction"))
        #expect(try await h.rows("SELECT count(*) FROM ks.t WHERE k IN (1, 2) ORDER BY c ASC LIMIT 1") == [[.bigint(4)]])
    }

    @Test func perPartitionLimitCountsTheRowsThatPassFilteringInResultOrder() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int, c int, v int, PRIMARY KEY (k, c))")
        for k in 0..<3 { for c in 0..<6 { try await h.ok("INSERT INTO ks.t (k, c, v) VALUES (\(k), \(c), \(c % 2))") } }
        let filtered = try await h.rows("SELECT k, c FROM ks.t WHERE v = 1 PER PARTITION LIMIT 2 ALLOW FILTERING")
        #expect(Set(filtered.map { $0[1] }) == [.int(1), .int(3)] && filtered.count == 6)
        let ordered = try await h.rows("SELECT c FROM ks.t WHERE k = 1 AND v = 0 ORDER BY c DESC PER PARTITION LIMIT 2 ALLOW FILTERING")
        #expect(ordered == [[.int(4)], [.int(2)]])
        let slice = try await h.rows("SELECT c FROM ks.t WHERE k = 2 AND c > 0 AND v = 0 PER PARTITION LIMIT 1 ALLOW FILTERING")
        #expect(slice == [[.int(2)]])
        let (paged, pages) = try await h.page("SELECT k, c FROM ks.t WHERE v = 0 PER PARTITION LIMIT 2 LIMIT 5 ALLOW FILTERING", pageSize: 2)
        #expect(paged.count == 5 && pages == 3 && paged.allSatisfy { $0[1] == .int(0) || $0[1] == .int(2) })
        #expect(try await h.rows("SELECT count(*) FROM ks.t PER PARTITION LIMIT 1") == [[.bigint(18)]])
        #expect(try await h.rows("SELECT count(*) FROM ks.t LIMIT 2") == [[.bigint(18)]])
    }

    @Test func listPrependsOfABatchComeOutLastStatementFirst() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int PRIMARY KEY, l list<int>)")
        try await h.ok("INSERT INTO ks.t (k, l) VALUES (0, [9])", timestamp: 1000)
        try await h.ok("BEGIN BATCH UPDATE ks.t SET l = [1] + l WHERE k = 0; UPDATE ks.t SET l = [2] + l WHERE k = 0; APPLY BATCH")
        try await h.ok("UPDATE ks.t SET l = [3, 4] + l WHERE k = 0")
        try await h.ok("BEGIN UNLOGGED BATCH UPDATE ks.t SET l = l + [5] WHERE k = 0; UPDATE ks.t SET l = l + [6, 7] WHERE k = 0; APPLY BATCH")
        // USING TIMESTAMP orders writes, not list positions: the append still goes last.
        try await h.ok("UPDATE ks.t USING TIMESTAMP 2000 SET l = l + [8] WHERE k = 0")
        #expect(try await h.rows("SELECT l FROM ks.t WHERE k = 0") == [[.list([3, 4, 2, 1, 9, 5, 6, 7, 8].map { .int($0) })]])
    }

    @Test func frozenSetsAndMapsMatchWhateverOrderTheyAreGivenIn() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.s (k frozen<set<int>>, c frozen<map<text, int>>, v frozen<set<int>>, PRIMARY KEY (k, c))")
        let key = try #require(try CQLValue.set([.int(3), .int(-1), .int(3)]).serialize(as: .set(.int)))
        let map = try #require(try CQLValue.map([CQLMapEntry(key: .text("b"), value: .int(2)), CQLMapEntry(key: .text("a"), value: .int(1))])
            .serialize(as: .map(key: .text, value: .int)))
        let value = try #require(try CQLValue.set([.int(5), .int(4)]).serialize(as: .set(.int)))
        try await h.ok("INSERT INTO ks.s (k, c, v) VALUES (?, ?, ?)", [.bytes(key), .bytes(map), .bytes(value)])
        let sorted = [[CQLValue.set([.int(-1), .int(3)]),
                       .map([CQLMapEntry(key: .text("a"), value: .int(1)), CQLMapEntry(key: .text("b"), value: .int(2))]),
                       CQLValue.set([.int(4), .int(5)])]]
        #expect(try await h.rows("SELECT k, c, v FROM ks.s WHERE k = {-1, 3} AND c = {'a': 1, 'b': 2}") == sorted)
        #expect(try await h.rows("SELECT k, c, v FROM ks.s WHERE k = ? AND c = ?", [.bytes(key), .bytes(map)]) == sorted)
        #expect(try await h.rows("SELECT k FROM ks.s WHERE v = {5, 4} ALLOW FILTERING").count == 1)
    }
}

extension Harness {
    /// Every page of a query, following the paging state: the rows and how many pages there were.
    func page(_ query: String, pageSize: Int32) async throws -> ([[CQLValue]], Int) {
        var rows: [[CQLValue]] = []
        var state: [UInt8]?
        var pages = 0
        repeat {
            guard case .result(.rows(let page)) = await run(query, pageSize: pageSize, pagingState: state) else {
                throw Failure("\(query): a page failed")
            }
            rows += try decode(page)
            state = page.metadata.pagingState
            pages += 1
        } while state != nil
        return (rows, pages)
    }
}
