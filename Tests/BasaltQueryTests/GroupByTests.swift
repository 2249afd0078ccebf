import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// GROUP BY on a primary key prefix as Cassandra answers it: a row per group (aggregates over the
/// group, plain columns from its first row), LIMIT and PER PARTITION LIMIT counting groups, pages
/// that never split a group.
@Suite("Group by")
struct GroupByTests {
    /// 3 × 3 × 3 rows, v = 100a + 10b + c; partitions in token order are a = 1, 0, 2.
    static func load() async throws -> Harness {
        let h = try Harness()
        try await h.ok(ExecutionTests.keyspace)
        try await h.ok("CREATE TABLE ks.g (a int, b int, c int, v int, s int STATIC, PRIMARY KEY (a, b, c))")
        try await h.ok("CREATE TABLE ks.pk (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
        for a in 0..<3 { for b in 0..<3 { for c in 0..<3 {
            try await h.ok("INSERT INTO ks.g (a, b, c, v, s) VALUES (\(a), \(b), \(c), \(100 * a + 10 * b + c), \(a))")
        } } }
        return h
    }

    static let tokenOrder = [1, 0, 2]

    struct Case: Sendable, CustomTestStringConvertible {
        var query: String
        var rows: [[Int]]
        var testDescription: String { query }
    }

    static let cases: [Case] = [
        Case(query: "SELECT a, count(*), sum(v) FROM ks.g GROUP BY a",
             rows: tokenOrder.map { a in [a, 9, 9 * 100 * a + 3 * 30 + 3 * 3] }),
        Case(query: "SELECT a, b, count(*), max(c) FROM ks.g GROUP BY a, b",
             rows: tokenOrder.flatMap { a in (0..<3).map { b in [a, b, 3, 2] } }),
        Case(query: "SELECT a, b, c, min(v) FROM ks.g GROUP BY a, b, c LIMIT 4",
             rows: [[1, 0, 0, 100], [1, 0, 1, 101], [1, 0, 2, 102], [1, 1, 0, 110]]),
        Case(query: "SELECT b, sum(c) FROM ks.g WHERE a = 2 GROUP BY b", rows: [[0, 3], [1, 3], [2, 3]]),
        Case(query: "SELECT b, sum(c) FROM ks.g WHERE a = 2 GROUP BY a, b ORDER BY b DESC", rows: [[2, 3], [1, 3], [0, 3]]),
        Case(query: "SELECT c, v FROM ks.g WHERE a = 0 AND b = 1 GROUP BY c", rows: [[0, 10], [1, 11], [2, 12]]),
        Case(query: "SELECT a, b, c FROM ks.g GROUP BY a, b LIMIT 2", rows: [[1, 0, 0], [1, 1, 0]]),
        Case(query: "SELECT a, b, count(*) FROM ks.g GROUP BY a, b PER PARTITION LIMIT 1",
             rows: tokenOrder.map { a in [a, 0, 3] }),
        Case(query: "SELECT a, b, count(*) FROM ks.g GROUP BY a, b PER PARTITION LIMIT 2 LIMIT 3",
             rows: [[1, 0, 3], [1, 1, 3], [0, 0, 3]]),
        Case(query: "SELECT a, count(*) FROM ks.g WHERE c = 1 GROUP BY a ALLOW FILTERING", rows: tokenOrder.map { [$0, 3] }),
        Case(query: "SELECT a, s, count(v) FROM ks.g WHERE a IN (2, 0) GROUP BY a", rows: [[0, 0, 9], [2, 2, 9]]),
        Case(query: "SELECT count(*) FROM ks.g WHERE a = 7 GROUP BY a", rows: []),
        Case(query: "SELECT DISTINCT a, s FROM ks.g GROUP BY a", rows: tokenOrder.map { [$0, $0] }),
        // ORDER BY over the partitions of an IN sorts the groups (by their first row), then limits them.
        Case(query: "SELECT a, b, count(*) FROM ks.g WHERE a IN (2, 0) GROUP BY a, b ORDER BY b DESC LIMIT 3",
             rows: [[0, 2, 3], [2, 2, 3], [0, 1, 3]]),
        Case(query: "SELECT a, b, max(c) FROM ks.g WHERE a IN (2, 0) AND b > 0 GROUP BY a ORDER BY b DESC",
             rows: [[0, 2, 2], [2, 2, 2]]),
    ]

    static func ints(_ rows: [[CQLValue]]) -> [[Int]] {
        rows.map { row in row.map { value in
            switch value {
            case .int(let v): Int(v)
            case .bigint(let v): Int(v)
            default: -1
            }
        } }
    }

    @Test(arguments: cases)
    func groupsAsCassandra(_ testCase: Case) async throws {
        let h = try await Self.load()
        #expect(Self.ints(try await h.rows(testCase.query)) == testCase.rows)
    }

    /// Every page size gives the same groups as one page; a page never ends inside a group, so a
    /// group of 9 rows read 2 groups a page still counts 9.
    @Test(arguments: [1, 2, 4, 5])
    func pagesHoldWholeGroups(pageSize: Int32) async throws {
        let h = try await Self.load()
        for testCase in Self.cases where !testCase.query.contains("ORDER BY") && !testCase.query.contains(" IN ") {
            var all: [[Int]] = []
            var pagingState: [UInt8]?
            var pages = 0
            repeat {
                guard case .result(.rows(let rows)) = await h.run(testCase.query, pageSize: pageSize, pagingState: pagingState) else {
                    throw Harness.Failure("\(testCase.query) failed")
                }
                #expect(rows.rows.count <= Int(pageSize))
                all += Self.ints(try h.decode(rows))
                pagingState = rows.metadata.pagingState
                pages += 1
            } while pagingState != nil && pages < 100
            #expect(all == testCase.rows, "\(testCase.query) by \(pageSize)")
        }
    }

    static let refusals: [(String, String)] = [
        ("SELECT a, count(*) FROM ks.g GROUP BY v", "Group by is currently only supported on the columns of the PRIMARY KEY, got v"),
        ("SELECT a, count(*) FROM ks.g GROUP BY s", "Group by is currently only supported on the columns of the PRIMARY KEY, got s"),
        ("SELECT a, count(*) FROM ks.g GROUP BY b",
         "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
        ("SELECT a, count(*) FROM ks.g GROUP BY a, c",
         "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
        ("SELECT a, count(*) FROM ks.g GROUP BY b, a",
         "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
        ("SELECT a, count(*) FROM ks.g WHERE a = 1 AND b > 0 GROUP BY c",
         "Group by currently only support groups of columns following their declared order in the PRIMARY KEY"),
        ("SELECT a, count(*) FROM ks.pk GROUP BY a", "Group by is not supported on only a part of the partition key"),
        ("SELECT a, count(*) FROM ks.g GROUP BY nope", "Group by is currently only supported on the columns of the PRIMARY KEY, got nope"),
        ("SELECT DISTINCT a FROM ks.g GROUP BY a, b", "Grouping on clustering columns is not allowed for SELECT DISTINCT queries"),
    ]

    @Test(arguments: refusals)
    func refusedAsCassandra(_ refusal: (String, String)) async throws {
        let h = try await Self.load()
        let error = try #require(await h.error(refusal.0))
        #expect(error.kind == .invalid)
        #expect(error.message == refusal.1)
    }
}
