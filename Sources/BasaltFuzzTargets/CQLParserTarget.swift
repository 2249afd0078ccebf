import BasaltCQL

enum CQLParserTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let statements = try? CQLParser.parseScript(text) {
            // What parses must print back as CQL that parses again.
            for statement in statements { _ = try? CQLParser.parse(statement.description) }
        }
    }

    static func seeds() -> [[UInt8]] {
        [
            "SELECT a, b AS x, count(*), writetime(c), token(k) FROM ks.t WHERE k IN (1, 2) AND (c, d) > (1, 'x') ORDER BY c DESC PER PARTITION LIMIT 2 LIMIT 10 ALLOW FILTERING",
            "INSERT INTO t (k, m, l, s) VALUES (?, {'a': 1}, [1, 2], {0x01}) IF NOT EXISTS USING TTL 10 AND TIMESTAMP 5",
            "UPDATE t USING TTL ? SET l = [1] + l, m['k'] = :v, c = c + 1 WHERE k = 1 AND c = 2 IF v = 3",
            "BEGIN UNLOGGED BATCH DELETE m['k'] FROM t WHERE k = 1; INSERT INTO t (k) VALUES (2) APPLY BATCH",
            "CREATE TABLE IF NOT EXISTS ks.\"T\" (k int, c timeuuid, v frozen<map<text, list<int>>>, PRIMARY KEY ((k), c)) WITH CLUSTERING ORDER BY (c DESC) AND compaction = {'class': 'LeveledCompactionStrategy'}",
            "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND durable_writes = true; USE ks; DESCRIBE TABLES",
            "CREATE ROLE IF NOT EXISTS 'R' WITH PASSWORD = 'p''w' AND LOGIN = true; GRANT ALL ON KEYSPACE ks TO r; LIST SELECT ON ks.t OF r NORECURSIVE; CREATE USER u WITH PASSWORD 'x' NOSUPERUSER",
            "SELECT * FROM t WHERE d = 1h30m AND ts > '2011-02-03 04:05+0000' AND u = 123e4567-e89b-12d3-a456-426614174000 -- c\n/* x */",
        ].map { Array($0.utf8) }
    }
}
