import Testing
import BasaltCQL

/// Valid statements and their canonical rendering (`Statement.description`), which spells out the
/// normalized AST: lower-cased names, quoted case-preserved names, resolved literal forms, the primary
/// key as a clause, explicit ASC/DESC, and so on.
struct ValidStatementCase: CustomTestStringConvertible, Sendable {
    let input: String
    let expected: String

    init(_ input: String, _ expected: String? = nil) {
        self.input = input
        self.expected = expected ?? input
    }

    var testDescription: String { input }
}

let validStatements: [ValidStatementCase] = [
    // What the python driver sends on its control connection (notes §2.2-2.6).
    .init("SELECT * FROM system.peers_v2"),
    .init("SELECT * FROM system.local WHERE key='local'", "SELECT * FROM system.local WHERE key = 'local'"),
    .init("SELECT * FROM system.peers"),
    .init("SELECT * FROM system_schema.keyspaces"),
    .init("SELECT * FROM system_schema.tables"),
    .init("SELECT * FROM system_schema.columns"),
    .init("SELECT * FROM system_schema.types"),
    .init("SELECT * FROM system_schema.functions"),
    .init("SELECT * FROM system_schema.aggregates"),
    .init("SELECT * FROM system_schema.triggers"),
    .init("SELECT * FROM system_schema.indexes"),
    .init("SELECT * FROM system_schema.views"),
    .init("SELECT * from system_virtual_schema.keyspaces", "SELECT * FROM system_virtual_schema.keyspaces"),
    .init("SELECT * from system_virtual_schema.tables", "SELECT * FROM system_virtual_schema.tables"),
    .init("SELECT * from system_virtual_schema.columns", "SELECT * FROM system_virtual_schema.columns"),
    .init(
        "SELECT peer, data_center, host_id, preferred_ip, rack, release_version, rpc_address, schema_version, tokens FROM system.peers"
    ),
    .init("SELECT host_id, peer, peer_port, native_address, native_port, schema_version FROM system.peers_v2"),
    .init("SELECT peer, host_id, rpc_address, schema_version FROM system.peers"),
    .init(
        "SELECT schema_version FROM system.local WHERE key='local'",
        "SELECT schema_version FROM system.local WHERE key = 'local'"),
    .init("SELECT * FROM system_schema.keyspaces WHERE keyspace_name = 'ks'"),
    .init("SELECT * FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 't'"),
    .init("SELECT * FROM system_schema.columns WHERE keyspace_name = 'ks' AND table_name = 't'"),
    .init("SELECT * FROM system_schema.indexes WHERE keyspace_name = 'ks' AND table_name = 't'"),
    .init("SELECT * FROM system_schema.triggers WHERE keyspace_name = 'ks' AND table_name = 't'"),
    .init("SELECT * FROM system_schema.views WHERE keyspace_name = 'ks' AND view_name = 't'"),
    .init("SELECT * FROM system_schema.types WHERE keyspace_name = 'ks' AND type_name = 'x'"),
    .init(
        "SELECT * FROM system_schema.functions WHERE keyspace_name = 'ks' AND function_name = 'f' AND argument_types = ['int', 'text']"
    ),
    .init(
        "SELECT * FROM system_schema.aggregates WHERE keyspace_name = 'ks' AND aggregate_name = 'a' AND argument_types = []"
    ),
    .init(
        "SELECT * FROM system_traces.sessions WHERE session_id = 123e4567-e89b-12d3-a456-426614174000"),
    .init("SELECT * FROM system_traces.events WHERE session_id = 123e4567-e89b-12d3-a456-426614174000"),
    // cqlsh: lower-case keywords, trailing semicolons, USE with quotes.
    .init("select * from system.local where key = 'local'", "SELECT * FROM system.local WHERE key = 'local'"),
    .init("select * from system.local;", "SELECT * FROM system.local"),
    .init("USE \"ks\"", "USE ks"),
    .init("USE \"MyKs\""),
    .init("use ks;", "USE ks"),
    .init("USE \"My\"\"Ks\""),
    // Server-side DESCRIBE.
    .init("DESCRIBE KEYSPACES;", "DESCRIBE KEYSPACES"),
    .init("desc keyspaces", "DESCRIBE KEYSPACES"),
    .init("DESCRIBE KEYSPACE"),
    .init("DESC KEYSPACE ks", "DESCRIBE KEYSPACE ks"),
    .init("DESCRIBE ONLY KEYSPACE \"Ks\""),
    .init("DESCRIBE TABLES"),
    .init("DESCRIBE TABLE ks.t"),
    .init("DESCRIBE COLUMNFAMILY t WITH INTERNALS", "DESCRIBE TABLE t WITH INTERNALS"),
    .init("DESCRIBE SCHEMA"),
    .init("DESCRIBE FULL SCHEMA WITH INTERNALS"),
    .init("DESCRIBE CLUSTER"),
    .init("DESCRIBE ks", "DESCRIBE ks"),
    .init("DESCRIBE ks.t"),
    .init("DESCRIBE \"keyspaces\""),
    .init("DESCRIBE TYPES"),
    .init("DESCRIBE TYPE ks.address"),
    .init("DESCRIBE FUNCTIONS"),
    .init("DESCRIBE FUNCTION ks.myFunc", "DESCRIBE FUNCTION ks.myfunc"),
    .init("DESCRIBE AGGREGATES"),
    .init("DESCRIBE AGGREGATE avg2"),
    .init("DESCRIBE INDEX ks.i"),
    .init("DESCRIBE MATERIALIZED VIEW ks.v"),
    // Parsed so that the executor can refuse it with Cassandra 4's message.
    .init("CREATE TABLE t (k int PRIMARY KEY, v int) WITH COMPACT STORAGE AND comment = 'x'",
          "CREATE TABLE t (k int, v int, PRIMARY KEY (k)) WITH COMPACT STORAGE AND comment = 'x'"),
    // The driver's client-side parameter formatting (notes §4.4).
    .init("SELECT * FROM ks.t WHERE a=1 AND b='x'", "SELECT * FROM ks.t WHERE a = 1 AND b = 'x'"),
    .init("INSERT INTO ks.t (a, b, c, v) VALUES (?, ?, 1, 'x')"),
    .init(
        "INSERT INTO t (k, b, n, f, d) VALUES (1, True, NULL, 1.5, NaN)",
        "INSERT INTO t (k, b, n, f, d) VALUES (1, true, null, 1.5, NaN)"),
    .init("INSERT INTO t (k, f, g) VALUES (-42, Infinity, -Infinity)"),
    .init("INSERT INTO t (k, v) VALUES ('it''s', 'x')"),
    .init("INSERT INTO t (k, v) VALUES (0xCAFE, 0x)", "INSERT INTO t (k, v) VALUES (0xcafe, 0x)"),
    .init("INSERT INTO t (k, ts, d, tm, ip) VALUES (1, 1700000000000, '2024-01-31', '12:34:56.000123', '1.2.3.4')"),
    .init("INSERT INTO t (k, l, s, m) VALUES (1, [1, 2, 3], {'a', 'b'}, {'a': 1, 'b': 2})"),
    .init("INSERT INTO t (k, u) VALUES (1, 123E4567-E89B-12D3-A456-426614174000)"),
    .init("INSERT INTO t (k, f) VALUES (1, 1.5e10)"),
    .init("INSERT INTO t (k, f) VALUES (1, -2.5E-3)"),
    .init("INSERT INTO t (k, v) VALUES (1, $$it's \"$$)", "INSERT INTO t (k, v) VALUES (1, 'it''s \"')"),
    .init("INSERT INTO t (k, v) VALUES (1, false)"),
    .init("INSERT INTO t (k, tup) VALUES (1, (1, 'a', [2]))"),
    .init("INSERT INTO t (k, v) VALUES (now(), toTimestamp(now()))", "INSERT INTO t (k, v) VALUES (now(), totimestamp(now()))"),
    .init("INSERT INTO t (k, v) VALUES (uuid(), system.blobAsText(0x41))", "INSERT INTO t (k, v) VALUES (uuid(), system.blobastext(0x41))"),
    // Keyspace DDL.
    .init("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"),
    .init(
        "create keyspace if not exists \"MyKs\" with REPLICATION = {'class':'NetworkTopologyStrategy','dc1':'3'} and durable_writes = false",
        "CREATE KEYSPACE IF NOT EXISTS \"MyKs\" WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': '3'} AND durable_writes = false"
    ),
    .init("ALTER KEYSPACE ks WITH durable_writes = true"),
    .init("ALTER KEYSPACE IF EXISTS ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}"),
    .init("DROP KEYSPACE ks"),
    .init("DROP KEYSPACE IF EXISTS ks"),
    // Table DDL.
    .init("CREATE TABLE ks.t (k int PRIMARY KEY, v text)", "CREATE TABLE ks.t (k int, v text, PRIMARY KEY (k))"),
    .init(
        """
        CREATE TABLE IF NOT EXISTS events (
            a int, b text, c timeuuid, d bigint,
            s set<text> STATIC,
            v frozen<map<text, list<int>>>,
            PRIMARY KEY ((a, b), c, d)
        ) WITH CLUSTERING ORDER BY (c DESC, d ASC)
          AND default_time_to_live = 3600
          AND gc_grace_seconds = 864000
          AND compaction = {'class': 'LeveledCompactionStrategy'}
          AND compression = {'chunk_length_in_kb': 64, 'class': 'LZ4Compressor'}
          AND comment = 'hello'
        """,
        "CREATE TABLE IF NOT EXISTS events (a int, b text, c timeuuid, d bigint, s set<text> STATIC, v frozen<map<text, list<int>>>, PRIMARY KEY ((a, b), c, d)) WITH CLUSTERING ORDER BY (c DESC, d ASC) AND default_time_to_live = 3600 AND gc_grace_seconds = 864000 AND compaction = {'class': 'LeveledCompactionStrategy'} AND compression = {'chunk_length_in_kb': 64, 'class': 'LZ4Compressor'} AND comment = 'hello'"
    ),
    .init(
        "CREATE TABLE t (a ascii, b text, c varchar, d blob, e boolean, f tinyint, g smallint, h int, i bigint, j varint, k float, l double, m decimal, n timestamp, o date, p time, q uuid, r timeuuid, s inet, u counter, w duration, PRIMARY KEY (a))",
        "CREATE TABLE t (a ascii, b text, c text, d blob, e boolean, f tinyint, g smallint, h int, i bigint, j varint, k float, l double, m decimal, n timestamp, o date, p time, q uuid, r timeuuid, s inet, u counter, w duration, PRIMARY KEY (a))"
    ),
    .init("CREATE TABLE t (k int, tp tuple<int, text>, f frozen<tuple<int, frozen<list<text>>>>, PRIMARY KEY (k))"),
    .init("CREATE COLUMNFAMILY t (k int, c int, PRIMARY KEY (k, c),)", "CREATE TABLE t (k int, c int, PRIMARY KEY (k, c))"),
    .init("CREATE TABLE \"Ks\".\"Tbl\" (\"Key\" int PRIMARY KEY, \"select\" text)"
        , "CREATE TABLE \"Ks\".\"Tbl\" (\"Key\" int, \"select\" text, PRIMARY KEY (\"Key\"))"),
    .init("ALTER TABLE t ADD v int", "ALTER TABLE t ADD (v int)"),
    .init("ALTER TABLE ks.t ADD (a int, b set<text> STATIC)"),
    .init("ALTER TABLE IF EXISTS t ADD IF NOT EXISTS v map<int, text>", "ALTER TABLE IF EXISTS t ADD IF NOT EXISTS (v map<int, text>)"),
    .init("ALTER TABLE t DROP v", "ALTER TABLE t DROP (v)"),
    .init("ALTER TABLE t DROP IF EXISTS (a, b) USING TIMESTAMP 10"),
    .init("ALTER TABLE t RENAME a TO b AND c TO d"),
    .init("ALTER COLUMNFAMILY t WITH comment = 'x' AND gc_grace_seconds = 0", "ALTER TABLE t WITH comment = 'x' AND gc_grace_seconds = 0"),
    .init("DROP TABLE t"),
    .init("DROP TABLE IF EXISTS ks.\"T\""),
    .init("TRUNCATE t", "TRUNCATE TABLE t"),
    .init("TRUNCATE TABLE ks.t"),
    .init("TRUNCATE COLUMNFAMILY t", "TRUNCATE TABLE t"),
    // INSERT / UPDATE / DELETE / BATCH.
    .init("INSERT INTO t (k, v) VALUES (1, 'a') IF NOT EXISTS USING TTL 86400 AND TIMESTAMP 123456789"),
    .init("INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP ? AND TTL ?"),
    .init("INSERT INTO t (k, v) VALUES (?, ?) USING TIMESTAMP 1 AND TTL ?", "INSERT INTO t (k, v) VALUES (?, ?) USING TTL ? AND TIMESTAMP 1"),
    .init("UPDATE t USING TTL 10 SET v = 'x', n = n + 1 WHERE k = 1"),
    .init("UPDATE t SET l = l + [1, 2], p = [0] + p, s = s - {'a'} WHERE k = 1"),
    .init("UPDATE t SET m['k'] = 'v', l[2] = 7 WHERE k = 1"),
    .init("UPDATE t SET c = c -1 WHERE k = 1", "UPDATE t SET c = c + -1 WHERE k = 1"),
    .init("UPDATE t SET c += 5, d -= 2 WHERE k = 1", "UPDATE t SET c = c + 5, d = d - 2 WHERE k = 1"),
    .init("UPDATE t SET m = m + {'a': 1}, e = {} WHERE k = 1"),
    .init("UPDATE t SET v = 1 WHERE k = 1 IF EXISTS"),
    .init("UPDATE t SET v = 1 WHERE k = 1 IF v = 0 AND m['a'] != 1 AND w IN (1, 2)"),
    .init("DELETE FROM t WHERE k = 1"),
    .init("DELETE v, m['k'], l[0] FROM ks.t USING TIMESTAMP 100 WHERE k = 1 AND c > 5 IF EXISTS"),
    .init(
        "BEGIN BATCH INSERT INTO t (k, v) VALUES (1, 'a'); UPDATE t SET v = 'b' WHERE k = 2; DELETE FROM t WHERE k = 3; APPLY BATCH"
    ),
    .init(
        "begin unlogged batch using timestamp 5 insert into t (k) values (1) insert into t (k) values (2) apply batch;",
        "BEGIN UNLOGGED BATCH USING TIMESTAMP 5 INSERT INTO t (k) VALUES (1); INSERT INTO t (k) VALUES (2); APPLY BATCH"
    ),
    .init("BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1; APPLY BATCH"),
    .init("BEGIN LOGGED BATCH DELETE FROM t WHERE k = 1; APPLY BATCH", "BEGIN BATCH DELETE FROM t WHERE k = 1; APPLY BATCH"),
    .init("BEGIN BATCH APPLY BATCH"),
    // SELECT shapes.
    .init("SELECT DISTINCT k FROM t"),
    .init("SELECT distinct FROM t"),
    .init("SELECT COUNT(*) FROM t", "SELECT count(*) FROM t"),
    .init("SELECT count(1) FROM t", "SELECT count(*) FROM t"),
    .init("SELECT count(v), min(v), max(v), sum(v), avg(v) FROM t"),
    .init("SELECT WRITETIME(v), ttl(v) AS t FROM t", "SELECT writetime(v), ttl(v) AS t FROM t"),
    .init("SELECT token(a, b) FROM t"),
    .init("SELECT toTimestamp(now()), blobAsText(0x41) FROM t", "SELECT totimestamp(now()), blobastext(0x41) FROM t"),
    .init("SELECT \"Name\" AS \"N\", a AS b FROM \"Ks\".\"Tbl\""),
    // Arithmetic, casts, element and slice selection, GROUP BY (Cassandra 4).
    .init("SELECT a + b * c, (a + b) * c, a - (b - c), a - b - c FROM t"),
    .init("SELECT a/b%c FROM t", "SELECT a / b % c FROM t"),
    .init("SELECT -a, -(a + 1), - -a, -max(a) FROM t", "SELECT -a, -(a + 1), -(-a), -max(a) FROM t"),
    .init("SELECT a -1, a - -1 FROM t", "SELECT a - 1, a - -1 FROM t"),
    .init("SELECT CAST(a AS text), cast(sum(a) as bigint) AS s FROM t", "SELECT cast(a as text), cast(sum(a) as bigint) AS s FROM t"),
    .init("SELECT m['k'], m['a'..'c'], m[..'c'], s[1..], s[1..3], m[?], fm['x'] + 1 FROM t"),
    .init("SELECT a, count(*) FROM t WHERE a = 1 GROUP BY a, b ORDER BY b DESC LIMIT 2",
          "SELECT a, count(*) FROM t WHERE a = 1 GROUP BY a, b ORDER BY b DESC LIMIT 2"),
    .init("SELECT \"cast\"(a) FROM t"),
    .init("SELECT key, ttl, type, keyspaces, count, writetime FROM t"),
    .init("SELECT \"a\"\"b\" FROM t"),
    .init("SELECT \"writetime\"(v), \"count\"(1), \"ttl\"(1) FROM t", "SELECT \"writetime\"(v), \"count\"(1), \"ttl\"(1) FROM t"),
    .init("SeLeCt * FrOm KS.Tbl WhErE Key = 1", "SELECT * FROM ks.tbl WHERE key = 1"),
    .init("SELECT * FROM t WHERE k IN (1, 2, 3)"),
    .init("SELECT * FROM t WHERE k IN ?"),
    .init("SELECT * FROM t WHERE k IN ()"),
    .init("SELECT * FROM t WHERE k = 1 AND c >= 1 AND c < 10 AND d <= 9 AND d > 0"),
    .init("SELECT * FROM t WHERE token(a, b) > token(?, ?)"),
    .init("SELECT * FROM t WHERE token(k) > -123 AND token(k) <= ?"),
    .init("SELECT * FROM t WHERE k = 1 AND (c1, c2) > (1, 2)"),
    .init("SELECT * FROM t WHERE k = 1 AND (c1, c2) IN ((1, 2), (3, 4))"),
    .init("SELECT * FROM t WHERE k = 1 AND (c1, c2) IN ? AND (c1) >= ?"),
    .init("SELECT * FROM t WHERE tags CONTAINS 'x' AND m CONTAINS KEY 'k' AND m['k'] = 'v' ALLOW FILTERING"),
    .init("SELECT * FROM t WHERE v != 1"),
    .init("SELECT * FROM t WHERE (k = 1) AND ((c = 2))", "SELECT * FROM t WHERE k = 1 AND c = 2"),
    .init("SELECT * FROM t WHERE k = 1 ORDER BY c DESC, d", "SELECT * FROM t WHERE k = 1 ORDER BY c DESC, d ASC"),
    .init("SELECT * FROM t PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING"),
    .init("SELECT * FROM t LIMIT ?"),
    .init(
        "SELECT * -- all columns\nFROM t /* the table */ WHERE k = 1 // done\n",
        "SELECT * FROM t WHERE k = 1"),
    .init("SELECT * FROM t WHERE k = :key LIMIT :n"),
]

@Test(arguments: validStatements)
func validStatementParses(_ testCase: ValidStatementCase) throws {
    let statement = try CQLParser.parse(testCase.input)
    #expect(statement.description == testCase.expected)
}

/// The canonical text is itself valid CQL that denotes the same statement.
@Test(arguments: validStatements)
func canonicalTextRoundTrips(_ testCase: ValidStatementCase) throws {
    let statement = try CQLParser.parse(testCase.input)
    #expect(try CQLParser.parse(statement.description) == statement)
}
