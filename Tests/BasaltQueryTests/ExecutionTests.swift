import BasaltCore
import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

@Suite struct ExecutionTests {
    static let keyspace = "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"

    @Test func ddlAndErrors() async throws {
        let h = try Harness()
        guard case .schemaChange(let change) = try await h.ok(Self.keyspace) else { Issue.record("no schema change"); return }
        #expect(change == CQLSchemaChange(change: .created, target: .keyspace("ks")))
        #expect(await h.error(Self.keyspace)?.kind == .alreadyExists(keyspace: "ks", table: ""))
        #expect(try await h.ok("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}") == .void)
        #expect(await h.error("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy'}")?.code == 0x2300)
        #expect(await h.error("SELECT * FROM nope.t")?.message == "Keyspace 'nope' does not exist")
        #expect(await h.error("SELECT * FROM ks.t")?.message == "unconfigured table t")
        #expect(await h.error("SELEC * FROM ks.t")?.code == 0x2000)
        #expect(try await h.ok("USE ks") == .setKeyspace("ks"))
        try await h.ok("CREATE TABLE t (k int PRIMARY KEY, v text)")
        #expect(await h.error("CREATE TABLE t (k int PRIMARY KEY)")?.kind == .alreadyExists(keyspace: "ks", table: "t"))
        #expect(await h.error("INSERT INTO t (k, v) VALUES ('abc', 'x')")?.message
                == "Invalid STRING constant (abc) for \"k\" of type int")
        #expect(await h.error("INSERT INTO t (k, v) VALUES (?, 'x')", ) != nil)
        let bad = await h.run("INSERT INTO t (k, v) VALUES (?, 'x')", [.bytes([0, 0, 1])])
        #expect(bad == .error(CQLErrorMessage(.invalid, message: "Expected 4 or 0 byte int (3)")))
        #expect(await h.error("SELECT * FROM t WHERE v = 'x'")?.message == QueryError.filteringRequired.message)
        try await h.ok("ALTER TABLE t ADD n int")
        try await h.ok("INSERT INTO t (k, v, n) VALUES (1, 'x', 5)")
        #expect(try await h.rows("SELECT k, n FROM t WHERE v = 'x' ALLOW FILTERING") == [[.int(1), .int(5)]])
        try await h.ok("DROP TABLE t")
        #expect(await h.error("SELECT * FROM t")?.message == "unconfigured table t")
    }

    static let allTypes = """
        CREATE TABLE ks.types (k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d date, de decimal,
        do double, f float, i inet, s smallint, t text, ti time, ts timestamp, tu timeuuid, tiny tinyint,
        u uuid, vi varint, l list<int>, st set<text>, m map<text, int>, fl frozen<list<int>>, tup tuple<int, text>)
        """

    @Test func everyTypeRoundTripsThroughLiteralsAndBindMarkers() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok(Self.allTypes)
        try await h.ok("""
            INSERT INTO ks.types (k, a, b, bl, bo, d, de, do, f, i, s, t, ti, ts, tu, tiny, u, vi, l, st, m, fl, tup)
            VALUES (1, 'asc', -5, 0x0102, true, '2024-01-02', 1.50, NaN, 2.5, '1.2.3.4', 7, 'tëxt', '01:02:03.5',
            1700000000000, 5b6962dd-3f90-11ee-8e95-0242ac120002, -3, 9b6962dd-3f90-41ee-8e95-0242ac120002,
            123456789012345678901234567890, [3, 1, 2], {'b', 'a'}, {'x': 1, 'y': 2}, [1], (1, 'z'))
            """)
        let literal = try await h.rows("SELECT * FROM ks.types WHERE k = 1")
        #expect(literal.count == 1)
        guard case .prepared(let prepared) = await h.processor.handle(
            .prepare(CQLPrepare(query: "INSERT INTO ks.types (k, a, b, bl, bo, d, de, do, f, i, s, t, ti, ts, tu, tiny, u, vi, l, st, m, fl, tup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")),
            session: h.session).result else { Issue.record("prepare failed"); return }
        #expect(prepared.partitionKeyIndexes == [0])
        #expect(prepared.id == MD5.digest(Array("INSERT INTO ks.types (k, a, b, bl, bo, d, de, do, f, i, s, t, ti, ts, tu, tiny, u, vi, l, st, m, fl, tup) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)".utf8)))
        let columns = try #require(h.processor.catalog.table(keyspace: "ks", name: "types")).selectStarColumns.map(\.name)
        func value(_ name: String) -> CQLValue { literal[0][columns.firstIndex(of: name)!] }
        let bound: [CQLBoundValue] = try prepared.bindMarkers.map { spec in
            try (spec.name == "k" ? CQLValue.int(2) : value(spec.name)).serialize(as: spec.type).map(CQLBoundValue.bytes) ?? .null
        }
        let response = await h.processor.handle(
            .execute(CQLExecute(id: prepared.id, parameters: CQLQueryParameters(consistency: .one, values: .positional(bound)))),
            session: h.session)
        #expect(response == .result(.void))
        let second = try await h.rows("SELECT * FROM ks.types WHERE k = 2")
        // Compared as text: NaN is not equal to itself.
        #expect(second[0].dropFirst().map { "\($0)" } == literal[0].dropFirst().map { "\($0)" })
        #expect(value("l") == .list([.int(3), .int(1), .int(2)]))
        #expect(value("st") == .set([.text("a"), .text("b")]))
        #expect(value("tup") == .tuple([.int(1), .text("z")]))
        let unknown = await h.processor.handle(
            .execute(CQLExecute(id: [1, 2, 3], parameters: CQLQueryParameters(consistency: .one))), session: h.session)
        #expect(unknown == .error(CQLErrorMessage(.unprepared(id: [1, 2, 3]), message: "Prepared query with ID 010203 not found")))
    }

    @Test func collectionUpdates() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.c (k int PRIMARY KEY, l list<int>, s set<int>, m map<text, int>)")
        try await h.ok("INSERT INTO ks.c (k, l, s, m) VALUES (1, [1, 2], {-1, 5}, {'a': 1})")
        try await h.ok("UPDATE ks.c SET l = l + [3], s = s - {5}, m['b'] = 2 WHERE k = 1")
        try await h.ok("UPDATE ks.c SET l = [0] + l, s = s + {-7} WHERE k = 1")
        #expect(try await h.rows("SELECT l, s, m FROM ks.c WHERE k = 1")
                == [[.list([.int(0), .int(1), .int(2), .int(3)]), .set([.int(-7), .int(-1)]),
                     .map([CQLMapEntry(key: .text("a"), value: .int(1)), CQLMapEntry(key: .text("b"), value: .int(2))])]])
        try await h.ok("DELETE m['a'] FROM ks.c WHERE k = 1")
        try await h.ok("UPDATE ks.c SET l = [9] WHERE k = 1")
        #expect(try await h.rows("SELECT l, m FROM ks.c WHERE k = 1")
                == [[.list([.int(9)]), .map([CQLMapEntry(key: .text("b"), value: .int(2))])]])
    }

    @Test func clusteringOrderSlicesAndDeletes() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.ts (k int, a int, b text, v int, PRIMARY KEY (k, a, b)) WITH CLUSTERING ORDER BY (a DESC, b ASC)")
        for a in 0..<5 { for b in ["x", "y"] { try await h.ok("INSERT INTO ks.ts (k, a, b, v) VALUES (1, \(a), '\(b)', \(a))") } }
        func keys(_ q: String) async throws -> [[CQLValue]] { try await h.rows(q).map { Array($0.prefix(2)) } }
        let all = try await keys("SELECT a, b FROM ks.ts WHERE k = 1")
        #expect(all.first == [.int(4), .text("x")] && all.last == [.int(0), .text("y")])
        #expect(try await keys("SELECT a, b FROM ks.ts WHERE k = 1 AND a > 1 AND a <= 3") ==
                [[.int(3), .text("x")], [.int(3), .text("y")], [.int(2), .text("x")], [.int(2), .text("y")]])
        #expect(try await keys("SELECT a, b FROM ks.ts WHERE k = 1 AND a = 2 AND b > 'x'") == [[.int(2), .text("y")]])
        #expect(try await keys("SELECT a, b FROM ks.ts WHERE k = 1 AND a IN (0, 4) ORDER BY a ASC LIMIT 3") ==
                [[.int(0), .text("y")], [.int(0), .text("x")], [.int(4), .text("y")]])
        #expect(try await keys("SELECT a, b FROM ks.ts WHERE k = 1 AND (a, b) >= (3, 'y') ") .count == 3)
        try await h.ok("DELETE FROM ks.ts WHERE k = 1 AND a >= 3")
        #expect(try await h.rows("SELECT count(*), max(v), sum(v) FROM ks.ts WHERE k = 1") == [[.bigint(6), .int(2), .int(6)]])
        try await h.ok("DELETE FROM ks.ts WHERE k = 1 AND a = 0 AND b = 'x'")
        try await h.ok("DELETE FROM ks.ts WHERE k = 1 AND a = 1")
        #expect(try await h.rows("SELECT count(*) FROM ks.ts WHERE k = 1") == [[.bigint(3)]])
        try await h.ok("DELETE FROM ks.ts WHERE k = 1")
        #expect(try await h.rows("SELECT * FROM ks.ts").isEmpty)
    }

    @Test func ttlExpiryAndTimestamps() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.e (k int PRIMARY KEY, v int)")
        try await h.ok("INSERT INTO ks.e (k, v) VALUES (1, 1) USING TTL 10")
        try await h.ok("INSERT INTO ks.e (k, v) VALUES (2, 1) USING TIMESTAMP 1000")
        try await h.ok("INSERT INTO ks.e (k, v) VALUES (2, 2) USING TIMESTAMP 500")
        try await h.ok("UPDATE ks.e SET v = 3 WHERE k = 3", timestamp: 42)
        #expect(try await h.rows("SELECT v, writetime(v) FROM ks.e WHERE k = 2") == [[.int(1), .bigint(1000)]])
        #expect(try await h.rows("SELECT writetime(v) FROM ks.e WHERE k = 3") == [[.bigint(42)]])
        let ttl = try await h.rows("SELECT ttl(v) FROM ks.e WHERE k = 1")
        #expect(ttl == [[.int(10)]])
        h.clock.advance(seconds: 11)
        #expect(try await h.rows("SELECT * FROM ks.e WHERE k = 1").isEmpty)
    }

    @Test func pagingAcrossPartitionsAndWithinAWidePartition() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.p (k int, c int, v int, PRIMARY KEY (k, c))")
        var batch = ""
        for i in 0..<10_000 {
            batch += "INSERT INTO ks.p (k, c, v) VALUES (\(i % 50), \(i), \(i));"
            if i % 500 == 499 { try await h.ok("BEGIN UNLOGGED BATCH \(batch) APPLY BATCH"); batch = "" }
        }
        try await h.ok("CREATE TABLE ks.w (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)")
        for i in stride(from: 0, to: 10_000, by: 500) {
            let statements = (i..<i + 500).map { "INSERT INTO ks.w (k, c) VALUES (0, \($0));" }.joined()
            try await h.ok("BEGIN BATCH \(statements) APPLY BATCH")
        }
        for (query, expected) in [("SELECT c FROM ks.p", 10_000), ("SELECT c FROM ks.w WHERE k = 0", 10_000),
                                  ("SELECT c FROM ks.p LIMIT 250", 250), ("SELECT c FROM ks.p PER PARTITION LIMIT 3", 150)] {
            var state: [UInt8]?
            var seen: [CQLValue] = []
            var pages = 0
            repeat {
                guard case .result(.rows(let rows)) = await h.run(query, pageSize: 100, pagingState: state) else {
                    Issue.record("page failed"); return
                }
                #expect(rows.rows.count <= 100)
                seen += try h.decode(rows).map { $0[0] }
                state = rows.metadata.pagingState
                pages += 1
            } while state != nil
            #expect(seen.count == expected, Comment(rawValue: query))
            #expect(Set(seen).count == expected)
            #expect(pages == (expected + 99) / 100)
            if query.contains("ks.w") { #expect(seen.first == .int(9999) && seen.last == .int(0)) }
        }
    }

    @Test func systemTablesAndDescribe() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.t (k int, c text, v int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c DESC)")
        let local = try await h.rows("SELECT cluster_name, release_version, schema_version FROM system.local WHERE key='local'")
        #expect(local.count == 1 && local[0][0] == .text("Basalt Cluster") && local[0][1] == .text("5.0.0"))
        #expect(local[0][2] == .uuid(CQLUUID(h.processor.catalog.schemaVersion)))
        #expect(try await h.rows("SELECT * FROM system.peers_v2").isEmpty)
        for table in ["keyspaces", "tables", "columns", "types", "functions", "aggregates", "triggers", "indexes", "views"] {
            guard case .result(.rows) = await h.run("SELECT * FROM system_schema.\(table)") else { Issue.record(Comment(rawValue: table)); continue }
        }
        #expect(try await h.rows("SELECT flags FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'")
                == [[.set([.text("compound")])]])
        let columns = try await h.rows("SELECT column_name, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 't'")
        #expect(columns.contains([.text("c"), .text("clustering"), .int(0), .text("desc")]))
        #expect(try await h.rows("SELECT table_name FROM system_schema.tables WHERE keyspace_name = 'system' AND table_name = 'local'").count == 1)
        #expect(try await h.rows("SELECT * FROM system_virtual_schema.keyspaces").contains([.text("system_views")]))
        let describe = try await h.rows("DESCRIBE TABLE ks.t")
        guard case .text(let create) = describe[0][3] else { Issue.record("no create"); return }
        #expect(create.hasPrefix("CREATE TABLE ks.t (\n    k int,\n    c text,\n    v int,\n    PRIMARY KEY (k, c)\n) WITH CLUSTERING ORDER BY (c DESC)"))
        #expect(try await h.rows("DESCRIBE KEYSPACES").contains([.text("ks"), .text("keyspace"), .text("ks")]))
        #expect(await h.error("DESCRIBE TABLE ks.nope")?.message == "'nope' not found in keyspace 'ks'")
    }

    @Test func schemaAndDataSurviveRestart() async throws {
        let h = try Harness()
        try await h.ok(Self.keyspace)
        try await h.ok("CREATE TABLE ks.r (k text PRIMARY KEY, v int)")
        try await h.ok("CREATE TABLE ks.gone (k int PRIMARY KEY)")
        try await h.ok("DROP TABLE ks.gone")
        try await h.ok("INSERT INTO ks.r (k, v) VALUES ('a', 1)")
        let version = h.processor.catalog.schemaVersion
        try h.restart()
        #expect(h.processor.catalog.schemaVersion == version)
        #expect(h.processor.catalog.table(keyspace: "ks", name: "gone") == nil)
        #expect(try await h.rows("SELECT v FROM ks.r WHERE k = 'a'") == [[.int(1)]])
    }
}

extension CQLResponse {
    var result: CQLResult? { if case .result(let result) = self { result } else { nil } }
}
