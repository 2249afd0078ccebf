import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// Everyday terms end to end through `QueryProcessor`: duration and zoned timestamp literals, unset
/// values, static-only writes and map entries in WHERE; each case writes, then reads back what
/// Cassandra returns, or is refused with Cassandra's code and words.
@Suite struct TermTests {
    static let schema = [
        ExecutionTests.keyspace,
        "CREATE TABLE ks.d (k int PRIMARY KEY, d duration, l list<duration>, m map<text, duration>, t tuple<int, duration>)",
        "CREATE TABLE ks.ts (k int PRIMARY KEY, t timestamp, day date, tm time)",
        "CREATE TABLE ks.u (k int, c int, v int, w int, PRIMARY KEY (k, c)) WITH default_time_to_live = 100",
        "CREATE TABLE ks.st (k int, c int, s int STATIC, s2 text STATIC, v int, PRIMARY KEY (k, c))",
        "CREATE TABLE ks.mp (k int PRIMARY KEY, m map<text, int>, dm map<int, decimal>, fm frozen<map<text, int>>, l list<int>, v int)",
    ]

    static func node() async throws -> Harness {
        let h = try Harness()
        for statement in schema { try await h.ok(statement) }
        return h
    }

    static func duration(_ months: Int32, _ days: Int32, _ nanoseconds: Int64) -> CQLValue {
        .duration(CQLDuration(months: months, days: days, nanoseconds: nanoseconds)!)
    }

    static let hour: Int64 = 3_600_000_000_000

    struct Answer: Sendable, CustomTestStringConvertible {
        var writes: [String]
        var query: String
        var rows: [[CQLValue]]
        var testDescription: String { (writes.last ?? "") + " → " + query }

        init(_ writes: [String], _ query: String, _ rows: [[CQLValue]]) {
            self.writes = writes
            self.query = query
            self.rows = rows
        }
    }

    static let answers: [Answer] = [
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, 1h30m)"], "SELECT d FROM ks.d", [[duration(0, 0, 90 * 60_000_000_000)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, -1h)"], "SELECT d FROM ks.d", [[duration(0, 0, -hour)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, 1y2mo3w4d5h6m7s8ms9us10ns)"], "SELECT d FROM ks.d",
               [[duration(14, 25, 5 * hour + 367_008_009_010)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, 5µs)"], "SELECT d FROM ks.d", [[duration(0, 0, 5_000)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, P1Y2M3DT4H5M6S)"], "SELECT d FROM ks.d",
               [[duration(14, 3, 4 * hour + 306_000_000_000)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, P2W)"], "SELECT d FROM ks.d", [[duration(0, 14, 0)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, PT1H)"], "SELECT d FROM ks.d", [[duration(0, 0, hour)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, P0001-02-03T04:05:06)"], "SELECT d FROM ks.d",
               [[duration(14, 3, 4 * hour + 306_000_000_000)]]),
        Answer(["UPDATE ks.d SET d = 2d WHERE k = 1"], "SELECT d FROM ks.d", [[duration(0, 2, 0)]]),
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, '12mo')"], "SELECT d FROM ks.d", [[duration(12, 0, 0)]]),
        Answer(["INSERT INTO ks.d (k, l, m, t) VALUES (1, [1h, 2d], {'a': 3mo}, (1, 1s))"], "SELECT l, m, t FROM ks.d",
               [[.list([duration(0, 0, hour), duration(0, 2, 0)]), .map([CQLMapEntry(key: .text("a"), value: duration(3, 0, 0))]),
                 .tuple([.int(1), duration(0, 0, 1_000_000_000)])]]),
        Answer(["UPDATE ks.d SET l = l + [1d], m['b'] = 1h WHERE k = 1"], "SELECT l, m FROM ks.d",
               [[.list([duration(0, 1, 0)]), .map([CQLMapEntry(key: .text("b"), value: duration(0, 0, hour))])]]),
        // 1d is not 24h: durations compare field by field.
        Answer(["INSERT INTO ks.d (k, d) VALUES (1, 1d)", "INSERT INTO ks.d (k, d) VALUES (2, 24h)"],
               "SELECT k FROM ks.d WHERE d = 1d ALLOW FILTERING", [[.int(1)]]),
        Answer(["INSERT INTO ks.ts (k, t) VALUES (1, '2011-02-03 04:05 UTC')"], "SELECT t FROM ks.ts",
               [[.timestamp(1_296_705_900_000)]]),
        Answer(["INSERT INTO ks.ts (k, t) VALUES (1, '2011-02-03 04:05 Europe/Paris')"], "SELECT t FROM ks.ts",
               [[.timestamp(1_296_702_300_000)]]),
        Answer(["INSERT INTO ks.ts (k, t) VALUES (1, '2011-02-03T04:05:00Z')",
                "INSERT INTO ks.ts (k, t) VALUES (2, '2011-02-03 05:05+0100')"],
               "SELECT k FROM ks.ts WHERE t = '2011-02-03 04:05:00.000+00:00' ALLOW FILTERING", [[.int(1)], [.int(2)]]),
        Answer(["INSERT INTO ks.ts (k, tm) VALUES (1, '1:2:3')"], "SELECT tm FROM ks.ts", [[.time(3_723_000_000_000)]]),
        Answer(["INSERT INTO ks.ts (k, t) VALUES (1, 'now')", "INSERT INTO ks.ts (k, t) VALUES (2, 'NOW')"],
               "SELECT k FROM ks.ts WHERE t >= '2023-11-14 22:13:20' AND t < '2023-11-14 22:14' ALLOW FILTERING", [[.int(1)], [.int(2)]]),
        // Static-only writes: a partition with no rows reads as one row with null clustering columns.
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, 5)"], "SELECT k, c, s, v FROM ks.st", [[.int(1), .null, .int(5), .null]]),
        Answer(["INSERT INTO ks.st (k, s, s2) VALUES (1, 5, 'x') USING TTL 50"], "SELECT c, s, s2, ttl(s2) FROM ks.st WHERE k = 1",
               [[.null, .int(5), .text("x"), .int(50)]]),
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, 5)"], "SELECT * FROM ks.st WHERE k = 1 AND c = 1", []),
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, 5)", "INSERT INTO ks.st (k, c, v) VALUES (1, 1, 10)",
                "INSERT INTO ks.st (k, c, v) VALUES (1, 2, 20)"],
               "SELECT k, c, s, v FROM ks.st", [[.int(1), .int(1), .int(5), .int(10)], [.int(1), .int(2), .int(5), .int(20)]]),
        Answer(["INSERT INTO ks.st (k, c, s) VALUES (1, 1, 5)"], "SELECT k, c, s, v FROM ks.st", [[.int(1), .int(1), .int(5), .null]]),
        Answer(["UPDATE ks.st SET s = 7, s2 = 'y' WHERE k = 1"], "SELECT k, c, s, s2 FROM ks.st", [[.int(1), .null, .int(7), .text("y")]]),
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, 5)", "INSERT INTO ks.st (k, c, v) VALUES (1, 1, 10)",
                "DELETE s FROM ks.st WHERE k = 1"], "SELECT k, c, s, v FROM ks.st", [[.int(1), .int(1), .null, .int(10)]]),
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, 5)", "DELETE s FROM ks.st WHERE k = 1"], "SELECT * FROM ks.st", []),
        Answer(["INSERT INTO ks.st (k, s) VALUES (1, null)"], "SELECT * FROM ks.st", []),
        // Map entries in WHERE, with ALLOW FILTERING.
        Answer(mapRows, "SELECT k FROM ks.mp WHERE m['a'] = 1 ALLOW FILTERING", [[.int(1)]]),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE m['b'] = 2 ALLOW FILTERING", [[.int(1)], [.int(2)]]),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE m['b'] = 2 AND m['a'] = 2 ALLOW FILTERING", [[.int(2)]]),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE m['b'] = 1 AND m['a'] = 1 ALLOW FILTERING", []),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE m['z'] = 1 ALLOW FILTERING", []),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE k = 1 AND m['a'] = 1 AND m CONTAINS KEY 'b' ALLOW FILTERING", [[.int(1)]]),
        Answer(mapRows, "SELECT k FROM ks.mp WHERE dm[1] = 1.00 ALLOW FILTERING", [[.int(3)]]),
        Answer(mapRows + ["UPDATE ks.mp SET m['c'] = 3 WHERE k = 2"], "SELECT k FROM ks.mp WHERE m['c'] = 3 ALLOW FILTERING", [[.int(2)]]),
        Answer(mapRows + ["DELETE m['a'] FROM ks.mp WHERE k = 1"], "SELECT m FROM ks.mp WHERE k = 1",
               [[.map([CQLMapEntry(key: .text("b"), value: .int(2))])]]),
        Answer(mapRows + ["UPDATE ks.mp SET m['b'] = null WHERE k = 1"], "SELECT m FROM ks.mp WHERE k = 1",
               [[.map([CQLMapEntry(key: .text("a"), value: .int(1))])]]),
    ]

    static let mapRows = [
        "INSERT INTO ks.mp (k, m) VALUES (1, {'a': 1, 'b': 2})", "INSERT INTO ks.mp (k, m) VALUES (2, {'a': 2, 'b': 2})",
        "INSERT INTO ks.mp (k, dm) VALUES (3, {1: 1.0})",
    ]

    @Test(arguments: answers)
    func readsBack(_ answer: Answer) async throws {
        let h = try await Self.node()
        for write in answer.writes { try await h.ok(write) }
        #expect(try await h.rows(answer.query).sorted { "\($0)" < "\($1)" } == answer.rows)
    }


    static let refusals: [Refusal] = [
        Refusal("CREATE TABLE ks.x (k duration PRIMARY KEY)", .invalid, "duration type is not supported for PRIMARY KEY column 'k'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, s set<duration>)", .invalid,
                "Durations are not allowed inside sets: set<duration>"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, m map<duration, int>)", .invalid,
                "Durations are not allowed as map keys: map<duration, int>"),
        Refusal("SELECT * FROM ks.d WHERE d > 1h ALLOW FILTERING", .invalid, "Slice restrictions are not supported on duration columns"),
        Refusal("SELECT * FROM ks.d WHERE d <= 1h ALLOW FILTERING", .invalid, "Slice restrictions are not supported on duration columns"),
        Refusal("SELECT * FROM ks.d WHERE l > [1h] ALLOW FILTERING", .invalid,
                "Slice restrictions are not supported on collections containing durations"),
        Refusal("SELECT * FROM ks.d WHERE t > (1, 1h) ALLOW FILTERING", .invalid,
                "Slice restrictions are not supported on tuples containing durations"),
        Refusal("INSERT INTO ks.ts (k, t) VALUES (1, 1h)", .invalid, "Invalid DURATION constant (1h) for \"t\" of type timestamp"),
        Refusal("INSERT INTO ks.d (k, d) VALUES (1, 1m1h)", .invalid, "Invalid duration. The minutes should be after hours"),
        Refusal("INSERT INTO ks.d (k, d) VALUES (1, 3000000000d)", .invalid, "Invalid duration. The total number of days must be less or equal to 2147483647"),
        Refusal("INSERT INTO ks.d (k, d) VALUES (1, 1h30)", .syntaxError, "line 1:37 mismatched input '30' expecting ')'"),
        Refusal("INSERT INTO ks.ts (k, t) VALUES (1, '2011-02-03 04:05 Mars/Olympus')", .invalid,
                "Unable to coerce '2011-02-03 04:05 Mars/Olympus' to a formatted date (long)"),
        Refusal("INSERT INTO ks.ts (k, t) VALUES (1, '2011-02-30')", .invalid, "Unable to coerce '2011-02-30' to a formatted date (long)"),
        Refusal("INSERT INTO ks.ts (k, day) VALUES (1, '2011-02-03 04:05')", .invalid,
                "Unable to coerce '2011-02-03 04:05' to a formatted date (long)"),
        Refusal("INSERT INTO ks.ts (k, tm) VALUES (1, '04:05')", .invalid, "Unable to coerce '04:05' to a formatted time (long)"),
        Refusal("INSERT INTO ks.st (k, v) VALUES (1, 1)", .invalid, "Some clustering keys are missing: c"),
        Refusal("INSERT INTO ks.st (k, s, v) VALUES (1, 1, 1)", .invalid, "Some clustering keys are missing: c"),
        Refusal("INSERT INTO ks.st (k) VALUES (1)", .invalid, "Some clustering keys are missing: c"),
        Refusal("UPDATE ks.st SET v = 1 WHERE k = 1", .invalid, "Some clustering keys are missing: c"),
        Refusal("UPDATE ks.st SET s = 1 WHERE k = 1 AND c = 1", .invalid,
                "Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns"),
        Refusal("DELETE s FROM ks.st WHERE k = 1 AND c = 1", .invalid,
                "Invalid restrictions on clustering columns since the DELETE statement modifies only static columns"),
        Refusal("SELECT * FROM ks.mp WHERE m['a'] = 1", .invalid, "ALLOW FILTERING"),
        Refusal("SELECT * FROM ks.mp WHERE v['a'] = 1 ALLOW FILTERING", .invalid, "Column v cannot be used as a map"),
        Refusal("SELECT * FROM ks.mp WHERE fm['a'] = 1 ALLOW FILTERING", .invalid,
                "Map-entry equality predicates on frozen map column fm are not supported"),
        Refusal("SELECT * FROM ks.mp WHERE l[0] = 1 ALLOW FILTERING", .invalid, "Indexes on list entries (l[index] = value) are not supported."),
        Refusal("SELECT * FROM ks.mp WHERE m['a'] > 1 ALLOW FILTERING", .invalid, "Only EQ relations are supported on map entries"),
        Refusal("SELECT * FROM ks.mp WHERE m[1] = 1 ALLOW FILTERING", .invalid, "Invalid INTEGER constant (1) for \"key(m)\" of type text"),
        Refusal("SELECT * FROM ks.mp WHERE m['a'] = 'x' ALLOW FILTERING", .invalid, "Invalid STRING constant (x) for \"value(m)\" of type int"),
        Refusal("UPDATE ks.mp SET v = 1 WHERE k = 1 AND m['a'] = 1", .invalid, "Non PRIMARY KEY columns found in where clause: m"),
    ]

    @Test(arguments: refusals)
    func refusedAsCassandra(_ refusal: Refusal) async throws {
        let h = try await Self.node()
        let error = try #require(await h.error(refusal.statement), "accepted: \(refusal.statement)")
        #expect(error.kind == refusal.kind, "\(error.message)")
        #expect(error.message.contains(refusal.message), "\(error.message)")
    }

    static func int(_ value: Int32) -> CQLBoundValue { .bytes(withUnsafeBytes(of: value.bigEndian) { Array($0) }) }

    /// UNSET bound to a clause means the clause was not given (Cassandra 4); bound to a value, it
    /// leaves the column as it was.
    @Test func unsetMeansNotGiven() async throws {
        let h = try await Self.node()
        try await h.ok("INSERT INTO ks.u (k, c, v, w) VALUES (1, 1, 1, 1) USING TIMESTAMP 10")
        try await h.ok("INSERT INTO ks.u (k, c, v, w) VALUES (?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?",
                       [Self.int(1), Self.int(1), .unset, Self.int(2), .unset, .unset])
        let rows = try await h.rows("SELECT v, w, ttl(v), ttl(w), writetime(v), writetime(w) FROM ks.u WHERE k = 1")
        #expect(rows.count == 1)
        // v kept its cell (TTL from the table default then, none given at TIMESTAMP 10 either way).
        #expect(rows[0][0] == .int(1) && rows[0][1] == .int(2) && rows[0][4] == .bigint(10))
        #expect(rows[0][3] == .int(100), "the table's default_time_to_live applies")
        guard case .bigint(let written) = rows[0][5] else { throw Harness.Failure("no writetime") }
        #expect(written > 1_700_000_000_000_000, "the coordinator's clock gives the timestamp")

        try await h.ok("UPDATE ks.u USING TTL ? SET w = ? WHERE k = ? AND c = ?", [.unset, Self.int(3), Self.int(1), Self.int(1)])
        #expect(try await h.rows("SELECT w, ttl(w) FROM ks.u WHERE k = 1") == [[.int(3), .int(100)]])
        try await h.ok("DELETE w FROM ks.u USING TIMESTAMP ? WHERE k = ? AND c = ?", [.unset, Self.int(1), Self.int(1)])
        #expect(try await h.rows("SELECT w FROM ks.u WHERE k = 1") == [[.null]])
        try await h.ok("BEGIN BATCH USING TIMESTAMP ? INSERT INTO ks.u (k, c, w) VALUES (1, 2, 5) APPLY BATCH", [.unset])

        for c in Int32(3)...5 { try await h.ok("INSERT INTO ks.u (k, c) VALUES (1, \(c))") }
        #expect(try await h.rows("SELECT c FROM ks.u WHERE k = 1 LIMIT ?", [.unset]).count == 5)
        #expect(try await h.rows("SELECT c FROM ks.u PER PARTITION LIMIT ? LIMIT ?", [.unset, Self.int(2)]).count == 2)
        #expect(try await h.rows("SELECT c FROM ks.u PER PARTITION LIMIT ? LIMIT ?", [Self.int(1), .unset]).count == 1)
    }

    static let unsetRefusals: [(String, [CQLBoundValue], String)] = [
        ("INSERT INTO ks.u (k, c, v) VALUES (?, 1, 1)", [.unset], "Invalid unset value for column k"),
        ("UPDATE ks.u SET v = 1 WHERE k = 1 AND c = ?", [.unset], "Invalid unset value for column c"),
        ("SELECT * FROM ks.u WHERE k = 1 AND v = ? ALLOW FILTERING", [.unset], "Invalid unset value for column v"),
        ("INSERT INTO ks.u (k, c) VALUES (1, 1) USING TTL ?", [.null], "Invalid null value of TTL"),
        ("INSERT INTO ks.u (k, c) VALUES (1, 1) USING TIMESTAMP ?", [.null], "Invalid null value of timestamp"),
        ("SELECT * FROM ks.u LIMIT ?", [.null], "Invalid null value of limit"),
        ("SELECT * FROM ks.u PER PARTITION LIMIT ?", [.null], "Invalid null value of per partition limit"),
    ]

    @Test(arguments: unsetRefusals.indices)
    func unsetKeysAndNullClausesAreRefused(_ index: Int) async throws {
        let (statement, values, message) = Self.unsetRefusals[index]
        let h = try await Self.node()
        guard case .error(let error) = await h.run(statement, values) else { throw Harness.Failure("accepted: \(statement)") }
        #expect(error.kind == .invalid)
        #expect(error.message == message)
    }
}
