import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// Selectors as Cassandra 4/5 answers them: native functions, aggregates, CAST, arithmetic and
/// element selection, each row a query over the fixed rows of `schema`, with the column name and type
/// Cassandra gives the result.
@Suite("Selectors")
struct SelectorTests {
    static let schema = [
        ExecutionTests.keyspace,
        """
        CREATE TABLE ks.s (k int, c int, i int, b bigint, t tinyint, f float, d double, vi varint, de decimal, tx text,
            ts timestamp, dt date, tu timeuuid, bl blob, du duration, m map<text, int>, fm frozen<map<text, int>>,
            st set<int>, fs frozen<set<text>>, l list<int>, PRIMARY KEY (k, c))
        """,
        """
        INSERT INTO ks.s (k, c, i, b, t, f, d, vi, de, tx, ts, dt, tu, bl, du, m, fm, st, fs, l) VALUES (1, 1, 7, 10, 3, 1.5,
            2.25, 100, 1.5, 'x', '2011-02-03 04:05:00+0000', '2011-02-03', 50554d6e-29bb-11e5-b345-feff819cdc9f,
            0x0000000000000003, ?, {'a': 1, 'b': 2, 'c': 3}, {'a': 1, 'b': 2}, {1, 2, 3}, {'p', 'q'}, [1, 2])
        """,
        "INSERT INTO ks.s (k, c, i, b, f, d, vi, de, tx, ts, dt, du) VALUES (1, 2, -3, 20, 2.5, 0.5, 1, 2.25, 'y', '2011-01-01 00:00:00+0000', '2011-01-01', ?)",
        "INSERT INTO ks.s (k, c, i, de) VALUES (2, 1, 4, 0.25)",
    ]

    /// Durations are bound (`1d` on the first row, `1h` on the second): their literals are not lexed yet.
    static let durations: [[CQLBoundValue]] = [
        [.bytes(try! CQLValue.duration(CQLDuration(months: 0, days: 1, nanoseconds: 0)!).serialize(as: .duration)!)],
        [.bytes(try! CQLValue.duration(CQLDuration(months: 0, days: 0, nanoseconds: 3_600_000_000_000)!).serialize(as: .duration)!)],
    ]

    static func load(_ h: Harness) async throws {
        for (position, statement) in schema.enumerated() {
            try await h.ok(statement, position == 2 ? durations[0] : position == 3 ? durations[1] : nil)
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var selector: String
        var name: String
        var type: CQLDataType
        var value: CQLValue
        /// The row read: `k = 1 AND c = 1` unless an aggregate reads them all.
        var whole: Bool = false
        var testDescription: String { selector }
    }

    static func decimal(_ text: String) -> CQLValue { .decimal(CQLDecimal(text)!) }

    static let cases: [Case] = [
        // native scalar functions
        Case(selector: "blobasbigint(bl)", name: "system.blobasbigint(bl)", type: .bigint, value: .bigint(3)),
        Case(selector: "bigintasblob(b)", name: "system.bigintasblob(b)", type: .blob, value: .blob([0, 0, 0, 0, 0, 0, 0, 10])),
        Case(selector: "blobastext(textasblob(tx))", name: "system.blobastext(system.textasblob(tx))", type: .text, value: .text("x")),
        Case(selector: "blobAsText(0x41)", name: "system.blobastext(0x41)", type: .text, value: .text("A")),
        Case(selector: "blobasint(intasblob(i))", name: "system.blobasint(system.intasblob(i))", type: .int, value: .int(7)),
        Case(selector: "toDate(ts)", name: "system.todate(ts)", type: .date, value: .date(CQLValue.dateEpoch + 15008)),
        Case(selector: "toTimestamp(dt)", name: "system.totimestamp(dt)", type: .timestamp, value: .timestamp(1_296_691_200_000)),
        Case(selector: "toUnixTimestamp(ts)", name: "system.tounixtimestamp(ts)", type: .bigint, value: .bigint(1_296_705_900_000)),
        Case(selector: "toUnixTimestamp(dt)", name: "system.tounixtimestamp(dt)", type: .bigint, value: .bigint(1_296_691_200_000)),
        Case(selector: "toTimestamp(tu)", name: "system.totimestamp(tu)", type: .timestamp, value: .timestamp(1_436_832_018_805)),
        Case(selector: "dateOf(tu)", name: "system.dateof(tu)", type: .timestamp, value: .timestamp(1_436_832_018_805)),
        Case(selector: "unixTimestampOf(tu)", name: "system.unixtimestampof(tu)", type: .bigint, value: .bigint(1_436_832_018_805)),
        Case(selector: "toDate(tu)", name: "system.todate(tu)", type: .date, value: .date(CQLValue.dateEpoch + 16630)),
        Case(selector: "toUnixTimestamp(maxTimeuuid('2013-01-01 00:05+0000'))",
             name: "system.tounixtimestamp(system.maxtimeuuid('2013-01-01 00:05+0000'))", type: .bigint, value: .bigint(1_356_998_700_000)),
        Case(selector: "toUnixTimestamp(minTimeuuid('2013-01-01 00:05+0000'))",
             name: "system.tounixtimestamp(system.mintimeuuid('2013-01-01 00:05+0000'))", type: .bigint, value: .bigint(1_356_998_700_000)),
        Case(selector: "token(k)", name: "system.token(k)", type: .bigint, value: .bigint(-4_069_959_284_402_364_209)),
        Case(selector: "blobasbigint(bl) AS n", name: "n", type: .bigint, value: .bigint(3)),
        // aggregates, over (7, -3, 4) and friends
        Case(selector: "count(*)", name: "count", type: .bigint, value: .bigint(3), whole: true),
        Case(selector: "count(tx)", name: "system.count(tx)", type: .bigint, value: .bigint(2), whole: true),
        Case(selector: "count(t)", name: "system.count(t)", type: .bigint, value: .bigint(1), whole: true),
        Case(selector: "sum(i)", name: "system.sum(i)", type: .int, value: .int(8), whole: true),
        Case(selector: "avg(i)", name: "system.avg(i)", type: .int, value: .int(2), whole: true),
        Case(selector: "sum(b)", name: "system.sum(b)", type: .bigint, value: .bigint(30), whole: true),
        Case(selector: "avg(b)", name: "system.avg(b)", type: .bigint, value: .bigint(15), whole: true),
        Case(selector: "avg(t)", name: "system.avg(t)", type: .tinyint, value: .tinyint(3), whole: true),
        Case(selector: "sum(f)", name: "system.sum(f)", type: .float, value: .float(4), whole: true),
        Case(selector: "avg(d)", name: "system.avg(d)", type: .double, value: .double(1.375), whole: true),
        Case(selector: "sum(vi)", name: "system.sum(vi)", type: .varint, value: .varint(CQLVarint(101)), whole: true),
        Case(selector: "avg(vi)", name: "system.avg(vi)", type: .varint, value: .varint(CQLVarint(50)), whole: true),
        Case(selector: "sum(de)", name: "system.sum(de)", type: .decimal, value: decimal("4.00"), whole: true),
        Case(selector: "avg(de)", name: "system.avg(de)", type: .decimal, value: decimal("1.333333333333333333333333333333333"), whole: true),
        Case(selector: "min(i)", name: "system.min(i)", type: .int, value: .int(-3), whole: true),
        Case(selector: "max(tx)", name: "system.max(tx)", type: .text, value: .text("y"), whole: true),
        Case(selector: "min(ts)", name: "system.min(ts)", type: .timestamp, value: .timestamp(1_293_840_000_000), whole: true),
        Case(selector: "max(de)", name: "system.max(de)", type: .decimal, value: decimal("2.25"), whole: true),
        Case(selector: "min(tu)", name: "system.min(tu)", type: .timeuuid,
             value: .timeuuid(CQLUUID("50554d6e-29bb-11e5-b345-feff819cdc9f")!), whole: true),
        Case(selector: "sum(i) + 1", name: "system.sum(i) + 1", type: .int, value: .int(9), whole: true),
        Case(selector: "cast(count(*) AS int)", name: "cast(count as int)", type: .int, value: .int(3), whole: true),
        Case(selector: "max(i * 2)", name: "system.max(i * 2)", type: .int, value: .int(14), whole: true),
        // CAST
        Case(selector: "CAST(i AS text)", name: "cast(i as text)", type: .text, value: .text("7")),
        Case(selector: "cast(i AS bigint)", name: "cast(i as bigint)", type: .bigint, value: .bigint(7)),
        Case(selector: "cast(d AS int)", name: "cast(d as int)", type: .int, value: .int(2)),
        Case(selector: "cast(f AS double)", name: "cast(f as double)", type: .double, value: .double(1.5)),
        Case(selector: "cast(de AS double)", name: "cast(de as double)", type: .double, value: .double(1.5)),
        Case(selector: "cast(i AS decimal)", name: "cast(i as decimal)", type: .decimal, value: decimal("7")),
        Case(selector: "cast(d AS varint)", name: "cast(d as varint)", type: .varint, value: .varint(CQLVarint(2))),
        Case(selector: "cast(d AS text)", name: "cast(d as text)", type: .text, value: .text("2.25")),
        Case(selector: "cast(ts AS text)", name: "cast(ts as text)", type: .text, value: .text("2011-02-03T04:05:00.000Z")),
        Case(selector: "cast(ts AS date)", name: "cast(ts as date)", type: .date, value: .date(CQLValue.dateEpoch + 15008)),
        Case(selector: "cast(dt AS timestamp)", name: "cast(dt as timestamp)", type: .timestamp, value: .timestamp(1_296_691_200_000)),
        Case(selector: "cast(tu AS date)", name: "cast(tu as date)", type: .date, value: .date(CQLValue.dateEpoch + 16630)),
        Case(selector: "cast(dt AS text)", name: "cast(dt as text)", type: .text, value: .text("2011-02-03")),
        Case(selector: "cast(bl AS text)", name: "cast(bl as text)", type: .text, value: .text("0000000000000003")),
        Case(selector: "cast(i AS int)", name: "cast(i as int)", type: .int, value: .int(7)),
        Case(selector: "cast(du AS text)", name: "cast(du as text)", type: .text, value: .text("1d")),
        Case(selector: "castAsInt(d)", name: "system.castasint(d)", type: .int, value: .int(2)),
        Case(selector: "castAsText(ts)", name: "system.castastext(ts)", type: .text, value: .text("2011-02-03T04:05:00.000Z")),
        // arithmetic
        Case(selector: "i + b", name: "i + b", type: .bigint, value: .bigint(17)),
        Case(selector: "i / 2", name: "i / 2", type: .int, value: .int(3)),
        Case(selector: "i % 4", name: "i % 4", type: .int, value: .int(3)),
        Case(selector: "-i", name: "-i", type: .int, value: .int(-7)),
        Case(selector: "i -1", name: "i - 1", type: .int, value: .int(6)),
        Case(selector: "t + t", name: "t + t", type: .tinyint, value: .tinyint(6)),
        Case(selector: "t * 2", name: "t * 2", type: .int, value: .int(6)),
        Case(selector: "(i + 1) * 2", name: "(i + 1) * 2", type: .int, value: .int(16)),
        Case(selector: "i + 1 * 2", name: "i + 1 * 2", type: .int, value: .int(9)),
        Case(selector: "i - (1 - 2)", name: "i - (1 - 2)", type: .int, value: .int(8)),
        Case(selector: "i * f", name: "i * f", type: .float, value: .float(10.5)),
        Case(selector: "b * f", name: "b * f", type: .double, value: .double(15)),
        Case(selector: "d / 0", name: "d / 0", type: .double, value: .double(.infinity)),
        Case(selector: "i + vi", name: "i + vi", type: .varint, value: .varint(CQLVarint(107))),
        Case(selector: "d + vi", name: "d + vi", type: .decimal, value: decimal("102.25")),
        Case(selector: "de / 3", name: "de / 3", type: .decimal, value: decimal("0.5")),
        Case(selector: "de * de", name: "de * de", type: .decimal, value: decimal("2.25")),
        Case(selector: "i + 2147483647", name: "i + 2147483647", type: .int, value: .int(-2_147_483_642)),
        Case(selector: "ts + du", name: "ts + du", type: .timestamp, value: .timestamp(1_296_792_300_000)),
        Case(selector: "ts - du", name: "ts - du", type: .timestamp, value: .timestamp(1_296_619_500_000)),
        Case(selector: "dt + du", name: "dt + du", type: .date, value: .date(CQLValue.dateEpoch + 15009)),
        Case(selector: "ts + 1h30m", name: "ts + 1h30m", type: .timestamp, value: .timestamp(1_296_711_300_000)),
        Case(selector: "ts - 1mo", name: "ts - 1mo", type: .timestamp, value: .timestamp(1_294_027_500_000)),
        Case(selector: "dt - 1y2d", name: "dt - 1y2d", type: .date, value: .date(CQLValue.dateEpoch + 14641)),
        Case(selector: "1d", name: "1d", type: .duration, value: .duration(CQLDuration(months: 0, days: 1, nanoseconds: 0)!)),
        // element and slice selection
        Case(selector: "m['b']", name: "m['b']", type: .int, value: .int(2)),
        Case(selector: "m['z']", name: "m['z']", type: .int, value: .null),
        Case(selector: "m['a'..'b']", name: "m['a'..'b']", type: .map(key: .text, value: .int),
             value: .map([CQLMapEntry(key: .text("a"), value: .int(1)), CQLMapEntry(key: .text("b"), value: .int(2))])),
        Case(selector: "m['b'..]", name: "m['b'..]", type: .map(key: .text, value: .int),
             value: .map([CQLMapEntry(key: .text("b"), value: .int(2)), CQLMapEntry(key: .text("c"), value: .int(3))])),
        Case(selector: "m[..'a']", name: "m[..'a']", type: .map(key: .text, value: .int),
             value: .map([CQLMapEntry(key: .text("a"), value: .int(1))])),
        Case(selector: "fm['b']", name: "fm['b']", type: .int, value: .int(2)),
        Case(selector: "st[2]", name: "st[2]", type: .int, value: .int(2)),
        Case(selector: "st[5]", name: "st[5]", type: .int, value: .null),
        Case(selector: "st[2..3]", name: "st[2..3]", type: .set(.int), value: .set([.int(2), .int(3)])),
        Case(selector: "fs['q']", name: "fs['q']", type: .text, value: .text("q")),
        Case(selector: "m['c'] + 1", name: "m['c'] + 1", type: .int, value: .int(4)),
    ]

    @Test(arguments: cases)
    func selectorAnswersAsCassandra(_ testCase: Case) async throws {
        let h = try Harness()
        try await Self.load(h)
        let query = "SELECT \(testCase.selector) FROM ks.s" + (testCase.whole ? "" : " WHERE k = 1 AND c = 1")
        guard case .rows(let rows) = try await h.ok(query) else { throw Harness.Failure("no rows") }
        let column = try #require(rows.metadata.columns?.first)
        #expect(column.name == testCase.name)
        #expect(column.type == testCase.type)
        let values = try h.decode(rows)
        #expect(values == [[testCase.value]])
    }


    static let divide = CQLErrorMessage.Kind.functionFailure(keyspace: "system", function: "_divide", argumentTypes: ["int", "int"])

    static let refusals: [Refusal] = [
        Refusal("SELECT foo(i) FROM ks.s", "Unknown function 'foo'"),
        Refusal("SELECT blobasbigint(bl, bl) FROM ks.s",
                "Invalid number of arguments in call to function system.blobasbigint: 1 required but 2 provided"),
        Refusal("SELECT blobasbigint(i) FROM ks.s",
                "Type error: i cannot be passed as argument 0 of function system.blobasbigint of type blob"),
        Refusal("SELECT todate(i) FROM ks.s", "Invalid call to function system.todate, none of its type signatures match"),
        Refusal("SELECT blobasint(bl) FROM ks.s WHERE k = 1 AND c = 1",
                .functionFailure(keyspace: "system", function: "blobasint", argumentTypes: ["blob"]),
                "In call to function system.blobasint, value 0x0000000000000003 is not a valid binary representation for type int"),
        Refusal("SELECT token(c) FROM ks.s", "Invalid number of arguments in call to function system.token"),
        Refusal("SELECT sum(tx) FROM ks.s", "Type error: tx cannot be passed as argument 0 of function system.sum of type text"),
        Refusal("SELECT max(du) FROM ks.s", "Type error: du cannot be passed as argument 0 of function system.max of type duration"),
        Refusal("SELECT max(count(*)) FROM ks.s", "aggregate functions cannot be used as arguments of aggregate functions"),
        Refusal("SELECT cast(tx AS int) FROM ks.s", "tx cannot be cast to int"),
        Refusal("SELECT cast(i AS counter) FROM ks.s", "i cannot be cast to counter"),
        Refusal("SELECT cast(i AS uuid) FROM ks.s", "i cannot be cast to uuid"),
        Refusal("SELECT castasuuid(i) FROM ks.s", "Unknown function 'castasuuid'"),
        Refusal("SELECT castasint(tx) FROM ks.s", "Invalid call to function system.castasint, none of its type signatures match"),
        Refusal("SELECT i / 0 FROM ks.s WHERE k = 1 AND c = 1", divide, "the operation 'int / int' failed: / by zero"),
        Refusal("SELECT i + tx FROM ks.s", "the 'int + text' operation is not supported between i and tx"),
        Refusal("SELECT -tx FROM ks.s", "the operation '-text' is not supported"),
        Refusal("SELECT dt + du FROM ks.s WHERE k = 1 AND c = 2", "The duration must have a day precision. Was: 1h"),
        Refusal("SELECT null FROM ks.s", "Cannot infer type for term null in selection clause"),
        Refusal("SELECT l[0] FROM ks.s", "Element selection is only allowed on sets and maps, but l is a list"),
        Refusal("SELECT i[0] FROM ks.s", "Invalid element selection: i is of type int is not a collection"),
        Refusal("SELECT m[1] FROM ks.s", "Invalid INTEGER constant (1) for \"m\" of type text"),
        Refusal("SELECT writetime(k) FROM ks.s", "Cannot use selection function writeTime on PRIMARY KEY part k"),
        Refusal("SELECT ttl(c) FROM ks.s", "Cannot use selection function ttl on PRIMARY KEY part c"),
        Refusal("INSERT INTO ks.s (k, c, ts) VALUES (5, 5, now())",
                "Type error: cannot assign result of function system.now (type timeuuid) to ts (type timestamp)"),
        Refusal("INSERT INTO ks.s (k, c, bl) VALUES (5, 5, nosuch('x'))", "Unknown function nosuch called"),
        Refusal("INSERT INTO ks.s (k, c, bl) VALUES (5, 5, textasblob(1))",
                "Type error: 1 cannot be passed as argument 0 of function system.textasblob of type text"),
    ]

    @Test(arguments: refusals)
    func refusedAsCassandra(_ refusal: Refusal) async throws {
        let h = try Harness()
        try await Self.load(h)
        let error = try #require(await h.error(refusal.statement))
        #expect(error.kind == refusal.kind)
        #expect(error.message.contains(refusal.message), "\(error.message)")
    }

    /// Functions in terms: INSERT values and WHERE operands, as Cassandra allows them.
    @Test func functionsInTerms() async throws {
        let h = try Harness()
        try await Self.load(h)
        try await h.ok("INSERT INTO ks.s (k, c, tu, bl, ts, dt) VALUES (3, 1, now(), textAsBlob('x'), toTimestamp(now()), currentDate())")
        let row = try #require(try await h.rows("SELECT blobastext(bl), tu, ts, dt FROM ks.s WHERE k = 3").first)
        #expect(row[0] == .text("x"))
        guard case .timeuuid(let uuid) = row[1], case .timestamp(let millis) = row[2], case .date(let day) = row[3] else {
            throw Harness.Failure("\(row)")
        }
        #expect(uuid.version == 1)
        #expect(abs(TimeUUID.millis(of: uuid) - millis) < 1000)
        #expect(Int64(day) - Int64(CQLValue.dateEpoch) == millis / 86_400_000)
        let after = try await h.rows("SELECT c FROM ks.s WHERE tu > maxTimeuuid('2013-01-01 00:05+0000') ALLOW FILTERING")
        #expect(after == [[.int(1)], [.int(1)]])
        let before = try await h.rows("SELECT k FROM ks.s WHERE k = 1 AND c = 1 AND tu < minTimeuuid('2013-01-01 00:05+0000') ALLOW FILTERING")
        #expect(before == [])
        try await h.ok("UPDATE ks.s SET bl = bigintAsBlob(5) WHERE k = 3 AND c = 1")
        #expect(try await h.rows("SELECT blobasbigint(bl) FROM ks.s WHERE k = 3") == [[.bigint(5)]])
    }

    /// Plain columns beside aggregates take the first row's values (k = 1, c = 1 in token order).
    @Test func plainColumnsBesideAnAggregateTakeTheFirstRow() async throws {
        let h = try Harness()
        try await Self.load(h)
        #expect(try await h.rows("SELECT k, c, tx, count(*) FROM ks.s") == [[.int(1), .int(1), .text("x"), .bigint(3)]])
        #expect(try await h.rows("SELECT c, max(c) FROM ks.s WHERE k = 1") == [[.int(1), .int(2)]])
    }

    /// writetime of a non-frozen collection is a list, element by element in the collection's order,
    /// as Cassandra 5; maxwritetime and minwritetime take the latest and earliest; ttl stays refused.
    @Test func writetimeAndTTLOfCollectionsAreListsPerElement() async throws {
        let h = try Harness()
        try await Self.load(h)
        try await h.ok("INSERT INTO ks.s (k, c, st, m) VALUES (5, 1, {2, -1}, {'b': 1}) USING TIMESTAMP 1000 AND TTL 100")
        try await h.ok("UPDATE ks.s USING TIMESTAMP 3000 SET st = st + {1}, m['a'] = 2 WHERE k = 5 AND c = 1")
        let rows = try await h.rows("SELECT writetime(st), maxwritetime(st), minwritetime(m), writetime(fs), maxwritetime(i) FROM ks.s WHERE k = 5")
        #expect(rows == [[.list([.bigint(1000), .bigint(3000), .bigint(1000)]), .bigint(3000), .bigint(1000), .null, .null]])
        let ttl = try #require(await h.error("SELECT ttl(st) FROM ks.s"))
        #expect(ttl.message == "Cannot use selection function ttl on non-frozen collection st")
        #expect(try await h.rows("SELECT ttl(fs) FROM ks.s WHERE k = 5") == [[.null]])
        let error = try #require(await h.error("SELECT maxwritetime(k) FROM ks.s"))
        #expect(error.message == "Cannot use selection function maxwritetime on PRIMARY KEY part k")
    }

    /// Markers in the select list: function arguments take the parameter's type (in PREPARE's
    /// metadata too), element keys the key type; a marker with nothing to type it is refused.
    @Test func markersInTheSelectList() async throws {
        let h = try Harness()
        try await Self.load(h)
        let prepared = await h.processor.handle(.prepare(CQLPrepare(query: "SELECT blobastext(?), m[?], tounixtimestamp(maxtimeuuid(?)) FROM ks.s WHERE k = 1 AND c = 1")),
                                                session: h.session)
        guard case .result(.prepared(let result)) = prepared else { throw Harness.Failure("\(prepared)") }
        #expect(result.bindMarkers.map(\.name) == ["arg0(system.blobastext)", "key(m)", "arg0(system.maxtimeuuid)"])
        #expect(result.bindMarkers.map(\.type) == [.blob, .text, .timestamp])
        let values: [CQLBoundValue] = [.bytes(Array("hi".utf8)), .bytes(Array("c".utf8)), .bytes(try CQLValue.timestamp(1000).serialize(as: .timestamp)!)]
        #expect(try await h.rows("SELECT blobastext(?), m[?], tounixtimestamp(maxtimeuuid(?)) FROM ks.s WHERE k = 1 AND c = 1", values)
            == [[.text("hi"), .int(3), .bigint(1000)]])
        let arithmetic = await h.processor.handle(.prepare(CQLPrepare(query: "SELECT i + ?, ? * d, ts - ? FROM ks.s")), session: h.session)
        guard case .result(.prepared(let operands)) = arithmetic else { throw Harness.Failure("\(arithmetic)") }
        #expect(operands.bindMarkers.map(\.type) == [.int, .double, .duration])
        let bound: [CQLBoundValue] = [.bytes([0, 0, 0, 1]), .bytes(try CQLValue.double(2).serialize(as: .double)!), Self.durations[0][0]]
        #expect(try await h.rows("SELECT i + ?, ? * d, ts - ? FROM ks.s WHERE k = 1 AND c = 1", bound)
            == [[.int(8), .double(4.5), .timestamp(1_296_619_500_000)]])
        let untyped = await h.processor.handle(.prepare(CQLPrepare(query: "SELECT ? FROM ks.s")), session: h.session)
        guard case .error(let error) = untyped else { throw Harness.Failure("\(untyped)") }
        #expect(error.message == "Cannot infer type for term ? in selection clause (try using a cast to force a type)")
    }

    /// Decimals with scales thousands of digits apart add up exactly; millions apart are refused,
    /// in sums and in arithmetic, instead of stalling the node.
    @Test func decimalsWithFarApartScales() async throws {
        let h = try Harness()
        try await Self.load(h)
        try await h.ok("INSERT INTO ks.s (k, c, de) VALUES (7, 1, 1e-5000)")
        try await h.ok("INSERT INTO ks.s (k, c, de) VALUES (7, 2, 1)")
        let rows = try await h.rows("SELECT sum(de) FROM ks.s WHERE k = 7")
        guard case .decimal(let sum) = rows.first?.first else { throw Harness.Failure("\(rows)") }
        #expect(sum.scale == 5000)
        try await h.ok("INSERT INTO ks.s (k, c, de) VALUES (8, 1, 1e-2000000000)")
        try await h.ok("INSERT INTO ks.s (k, c, de) VALUES (8, 2, 1)")
        let error = try #require(await h.error("SELECT sum(de) FROM ks.s WHERE k = 8"))
        #expect(error.message.contains("scales too far apart"))
        let arithmetic = try #require(await h.error("SELECT de + 1 FROM ks.s WHERE k = 8"))
        #expect(arithmetic.message.contains("scales too far apart"))
    }

    /// Smallints sum and average as smallints (wrapping, truncating) and widen to int with an int literal.
    @Test func smallints() async throws {
        let h = try Harness()
        try await Self.load(h)
        try await h.ok("CREATE TABLE ks.sm (k int PRIMARY KEY, v smallint)")
        for (k, v) in [(1, 5000), (2, -2000), (3, 30000)] { try await h.ok("INSERT INTO ks.sm (k, v) VALUES (\(k), \(v))") }
        #expect(try await h.rows("SELECT sum(v), avg(v), max(v) FROM ks.sm") == [[.smallint(-32536), .smallint(11000), .smallint(30000)]])
        #expect(try await h.rows("SELECT v * 2, v + v FROM ks.sm WHERE k = 3") == [[.int(60000), .smallint(-5536)]])
    }

    /// A selection without rows: count is 0, sum and avg are 0, min, max and plain columns null.
    @Test func aggregatesOverNoRows() async throws {
        let h = try Harness()
        try await Self.load(h)
        let rows = try await h.rows("SELECT count(*), count(i), sum(i), avg(de), min(i), c FROM ks.s WHERE k = 9")
        #expect(rows == [[.bigint(0), .bigint(0), .int(0), .decimal(CQLDecimal("0")!), .null, .null]])
    }
}
