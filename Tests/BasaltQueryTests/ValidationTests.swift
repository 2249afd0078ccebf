import BasaltCQLProtocol
import Foundation
import Testing
@testable import BasaltQuery

/// What Cassandra refuses, Basalt refuses with the same error code and close to the same message:
/// one row per statement, run against a node holding the tables of `schema`.
@Suite("Validation")
struct ValidationTests {
    static let schema = [
        "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        "CREATE TABLE ks.t (k int PRIMARY KEY, v text, l list<int>, m map<text, int>, st set<blob>)",
        "CREATE TABLE ks.w (k int, c text, s int STATIC, v text, PRIMARY KEY (k, c))",
        "CREATE TABLE ks.tk (k text PRIMARY KEY, v int)",
        "CREATE TABLE ks.ck (a text, b text, v int, PRIMARY KEY ((a, b)))",
        "CREATE TABLE ks.bc (k int, c1 blob, c2 blob, v int, PRIMARY KEY (k, c1, c2))",
        "CREATE TABLE ks.cnt (k int PRIMARY KEY, n counter)",
    ]

    static let long = String(repeating: "a", count: 65_536)
    static let blob = "0x" + String(repeating: "61", count: 40_000)
    static let longBlob = "0x" + String(repeating: "61", count: 65_536)
    static let tooLongName = String(repeating: "k", count: 49)

    static let cases: [Refusal] = [
        // keys
        Refusal("INSERT INTO ks.tk (k, v) VALUES ('\(long)', 1)", .invalid, "Key length of 65536 is longer than maximum of 65535"),
        Refusal("UPDATE ks.tk SET v = 1 WHERE k = '\(long)'", .invalid, "Key length of 65536 is longer than maximum of 65535"),
        Refusal("DELETE FROM ks.tk WHERE k = '\(long)'", .invalid, "Key length of 65536 is longer than maximum of 65535"),
        Refusal("SELECT * FROM ks.tk WHERE k = '\(long)'", .invalid, "Key length of 65536 is longer than maximum of 65535"),
        Refusal("BEGIN BATCH INSERT INTO ks.tk (k, v) VALUES ('\(long)', 1) APPLY BATCH", .invalid, "Key length of 65536"),
        Refusal("INSERT INTO ks.ck (a, b, v) VALUES ('\(long)', 'b', 1)", .invalid, "Key length of 65543 is longer than maximum of 65535"),
        Refusal("INSERT INTO ks.w (k, c, v) VALUES (1, '\(long)', 'x')", .invalid, "Key length of 65536 is longer than maximum of 65535"),
        // Within Cassandra's limit, but over storage's for the byte-comparable form (two more bytes).
        Refusal("INSERT INTO ks.w (k, c, v) VALUES (1, '\(String(repeating: "a", count: 65_535))', 'x')", .invalid,
             "Key length of 65537 is longer than maximum of 65535"),
        Refusal("INSERT INTO ks.bc (k, c1, c2, v) VALUES (1, \(blob), \(blob), 1)", .invalid, "Key length of 80000 is longer than maximum of 65535"),
        Refusal("INSERT INTO ks.tk (k, v) VALUES ('', 1)", .invalid, "Key may not be empty"),
        Refusal("UPDATE ks.tk SET v = 1 WHERE k = ''", .invalid, "Key may not be empty"),
        Refusal("INSERT INTO ks.t (k, m) VALUES (1, {'\(long)': 1})", .invalid,
             "Map key is too long. Map keys are limited to 65535 bytes but 65536 bytes keys provided"),
        Refusal("UPDATE ks.t SET m['\(long)'] = 1 WHERE k = 1", .invalid, "Map key is too long"),
        Refusal("UPDATE ks.t SET st = st + {\(longBlob)} WHERE k = 1", .invalid, "Set value is too long"),
        // names
        Refusal("CREATE KEYSPACE \(long) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
             .invalid, "Keyspace name must not be empty, more than 48 characters long"),
        Refusal("CREATE KEYSPACE \(tooLongName) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
             .invalid, "(got '\(tooLongName)')"),
        Refusal("CREATE KEYSPACE \"a-b\" WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
             .invalid, "or contain non-alphanumeric-underscore characters (got 'a-b')"),
        Refusal("CREATE TABLE ks.\(tooLongName) (k int PRIMARY KEY)", .invalid, "Table name must not be empty, more than 48"),
        Refusal("CREATE TABLE ks.\"t t\" (k int PRIMARY KEY)", .invalid, "Table name must not be empty"),
        // replication
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', 'dc9': 1}",
             .configError, "Unrecognized strategy option {dc9} passed to NetworkTopologyStrategy for keyspace k2"),
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 1, 'datacenter1': 2}",
             .syntaxError, "Multiple definition for property datacenter1"),
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1, 'x': 1}",
             .configError, "Unrecognized strategy option {x} passed to SimpleStrategy for keyspace k2"),
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': -1}",
             .configError, "Replication factor must be non-negative"),
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND foo = 1",
             .syntaxError, "Unknown property 'foo'"),
        Refusal("CREATE KEYSPACE k2 WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1} AND durable_writes = 'maybe'",
             .syntaxError, "Invalid boolean value maybe for 'durable_writes'"),
        // statements
        Refusal("INSERT INTO ks.t (k, v, v) VALUES (1, 'a', 'b')", .invalid, "Multiple definitions found for column v"),
        Refusal("UPDATE ks.t SET v = 'a', v = 'b' WHERE k = 1", .syntaxError, "Multiple incompatible setting of column v"),
        Refusal("UPDATE ks.t SET l = [1], l = l + [2] WHERE k = 1", .syntaxError, "Multiple incompatible setting of column l"),
        Refusal("SELECT DISTINCT v FROM ks.t", .invalid,
             "SELECT DISTINCT queries must only request partition key columns and/or static columns (not v)"),
        Refusal("SELECT DISTINCT * FROM ks.w", .invalid, "(not c)"),
        Refusal("SELECT DISTINCT s FROM ks.w", .invalid, "SELECT DISTINCT queries must request all the partition key columns (missing k)"),
        Refusal("SELECT DISTINCT k FROM ks.w WHERE k = 1 AND c = 'a'", .invalid,
             "SELECT DISTINCT with WHERE clause only supports restriction by partition key and/or static columns."),
        Refusal("SELECT * FROM ks.t LIMIT 2147483648", .invalid, "Unable to make int from '2147483648'"),
        Refusal("SELECT * FROM ks.w PER PARTITION LIMIT 2147483648", .invalid, "Unable to make int from '2147483648'"),
        Refusal("SELECT * FROM ks.t LIMIT 0", .invalid, "LIMIT must be strictly positive"),
        Refusal("BEGIN COUNTER BATCH INSERT INTO ks.t (k, v) VALUES (1, 'a') APPLY BATCH", .invalid,
             "Cannot include non-counter statement in a counter batch"),
        Refusal("BEGIN BATCH UPDATE ks.cnt SET n = n + 1 WHERE k = 1 APPLY BATCH", .invalid,
             "Cannot include a counter statement in a logged batch"),
        Refusal("INSERT INTO ks.t (k, v) VALUES (1, 'a') USING TTL 630720001", .invalid,
             "ttl is too large. requested (630720001) maximum (630720000)"),
        Refusal("INSERT INTO ks.t (k, v) VALUES (1, 'a') USING TTL -1", .invalid, "A TTL must be greater or equal to 0"),
        Refusal("INSERT INTO ks.t (k, v) VALUES (1, 'a') USING TIMESTAMP -9223372036854775808", .invalid, "Out of bound timestamp"),
        Refusal("INSERT INTO ks.t (k, v) VALUES (1, 2)", .invalid, "v"),
        Refusal("SELECT * FROM ks.t WHERE k = 1 AND k = 2", .invalid, "k cannot be restricted by more than one relation if it includes an Equal"),
        Refusal("UPDATE ks.t SET v = 'a' WHERE k IN (1) AND k = 2", .invalid, "k cannot be restricted by more than one relation if it includes a IN"),
        Refusal("SELECT * FROM ks.w WHERE k = 1 AND c > 'a' AND c >= 'b'", .invalid,
             "More than one restriction was found for the start bound on c"),
        Refusal("SELECT * FROM ks.w WHERE k = 1 AND c < 'a' AND c = 'b'", .invalid,
             "Column \"c\" cannot be restricted by both an equality and an inequality relation"),
        Refusal("SELECT * FROM ks.t WHERE token(k) > 0 AND k = 1", .invalid,
             "cannot be restricted by both a normal relation and a token relation"),
        Refusal("UPDATE ks.cnt SET n = 5 WHERE k = 1", .invalid, "Cannot set the value of counter column n"),
        Refusal("INSERT INTO ks.cnt (k, n) VALUES (1, 1)", .invalid, "INSERT statements are not allowed on counter tables"),
        Refusal("BEGIN BATCH USING TIMESTAMP 1 INSERT INTO ks.t (k, v) VALUES (1, 'a') USING TIMESTAMP 2; APPLY BATCH", .invalid,
             "Timestamp must be set either on BATCH or individual statements"),
        Refusal("UPDATE ks.w SET s = 1 WHERE k = 1 AND c = 'a'", .invalid,
             "Invalid restrictions on clustering columns since the UPDATE statement modifies only static columns"),
        Refusal("DELETE s FROM ks.w WHERE k = 1 AND c = 'a'", .invalid,
             "Invalid restrictions on clustering columns since the DELETE statement modifies only static columns"),
        Refusal("SELECT DISTINCT k FROM ks.w PER PARTITION LIMIT 2", .invalid, "PER PARTITION LIMIT is not allowed with SELECT DISTINCT queries"),
        // tables
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH crc_check_chance = 2", .configError,
             "crc_check_chance must be larger than or equal to 0 and smaller than or equal to 1.0 (got 2)"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH memtable_flush_period_in_ms = -5", .configError,
             "memtable_flush_period_in_ms must be greater than or equal to 0 (got -5)"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH min_index_interval = 0", .configError,
             "min_index_interval must be greater than or equal to 1 (got 0)"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH max_index_interval = 64", .configError,
             "max_index_interval must be greater than or equal to min_index_interval (128) (got 64)"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH read_repair = 'sometimes'", .configError, "Invalid value 'sometimes' for read_repair"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH cdc = 'maybe'", .syntaxError, "Invalid boolean value maybe for 'cdc'"),
        Refusal("CREATE TABLE ks.x (k int, v int, PRIMARY KEY (k, k))", .invalid, "Duplicate column 'k' in PRIMARY KEY clause"),
        Refusal("CREATE TABLE ks.x (k int, c int, PRIMARY KEY (k, c)) WITH CLUSTERING ORDER BY (c ASC, c DESC)", .invalid,
             "Duplicate column 'c' in CLUSTERING ORDER BY clause"),
        Refusal("CREATE TABLE ks.x (k duration PRIMARY KEY)", .invalid, "duration type is not supported for PRIMARY KEY column 'k'"),
        Refusal("CREATE TABLE ks.x (k frozen<tuple<int, duration>> PRIMARY KEY)", .invalid, "duration type is not supported"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, s set<duration>)", .invalid, "Durations are not allowed inside sets: set<duration>"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, m map<duration, int>)", .invalid,
             "Durations are not allowed as map keys: map<duration, int>"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, l list<counter>)", .invalid, "Counters are not allowed inside collections: list<counter>"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, n counter) WITH default_time_to_live = 10", .invalid,
             "Cannot set default_time_to_live on a table with counters"),
        Refusal("ALTER TABLE ks.t ADD s set<duration>", .invalid, "Durations are not allowed inside sets"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 1}",
             .configError, "Min compaction threshold cannot be less than 2 (got 1)"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'min_threshold': 40}",
             .configError, "Min compaction threshold (got 40) cannot be greater than max compaction threshold (got 32)"),
        Refusal("ALTER TABLE ks.t WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'max_threshold': 0}",
             .configError, "Disabling compaction by setting compaction thresholds to 0 has been removed"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 'x'}",
             .configError, "x is not a parsable int (base10) for sstable_size_in_mb"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'LeveledCompactionStrategy', 'sstable_size_in_mb': 0}",
             .configError, "sstable_size_in_mb must be larger than 0, but was 0"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'YEARS'}",
             .configError, "YEARS is not valid for compaction_window_unit"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY) WITH compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_size': 0}",
             .configError, "0 must be greater than 1 for compaction_window_size"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'foo': 1}",
             .configError, "Properties specified [foo] are not understood by SizeTieredCompactionStrategy"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH compaction = {'class': 'NoSuchStrategy'}",
             .configError, "Unable to find compaction strategy class 'NoSuchStrategy'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH speculative_retry = 'sometimes'",
             .configError, "Invalid value sometimes for option 'speculative_retry'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH compression = {'chunk_length_in_kb': 32}",
             .configError, "Missing sub-option 'class' for the 'compression' option."),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH compression = {'class': 'FooCompressor'}",
             .configError, "Could not create Compression for type org.apache.cassandra.io.compress.FooCompressor"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH compression = {'enabled': false, 'class': 'LZ4Compressor'}",
             .configError, "If the 'enabled' option is set to false no other options must be specified"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH caching = {'keys': 'SOME'}",
             .configError, "Invalid value 'SOME' for caching sub-option 'keys'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH default_time_to_live = 630720001",
             .configError, "default_time_to_live must be less than or equal to 630720000"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH comment = 'a' AND comment = 'b'",
             .syntaxError, "Multiple definition for property 'comment'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH foo = 1", .syntaxError, "Unknown property 'foo'"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int) WITH COMPACT STORAGE", .invalid,
             "Compact tables are not allowed in Cassandra starting with 4.0 version."),
        Refusal("CREATE MATERIALIZED VIEW ks.mv AS SELECT * FROM ks.t WHERE k IS NOT NULL PRIMARY KEY (k)", .syntaxError,
             "Materialized views are not supported by Basalt"),
        Refusal("DROP MATERIALIZED VIEW ks.mv", .syntaxError, "Materialized views are not supported by Basalt"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, v int, v text)", .invalid, "Duplicate column 'v'"),
        Refusal("CREATE TABLE ks.x (k frozen<list<int>>, l list<int>, PRIMARY KEY (l))", .invalid,
             "Invalid non-frozen collection type"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, s int STATIC)", .invalid, "Static columns are only useful"),
        Refusal("CREATE TABLE ks.x (k int PRIMARY KEY, n counter, v int)", .invalid,
             "Cannot mix counter and non counter columns in the same table"),
        Refusal("CREATE TABLE ks.x (k counter PRIMARY KEY, v int)", .invalid, "counter type is not supported for PRIMARY KEY column 'k'"),
        Refusal("ALTER TABLE ks.t ADD n counter", .invalid, "Cannot add a counter column (n) in a non counter column family"),
        Refusal("ALTER TABLE ks.cnt ADD v int", .invalid, "Cannot add a non counter column (v) in a counter column family"),
        Refusal("ALTER TABLE ks.t DROP k", .invalid, "Cannot drop PRIMARY KEY column k"),
    ]

    static func node() async throws -> Harness {
        let h = try Harness()
        for statement in schema { try await h.ok(statement) }
        return h
    }

    @Test(arguments: cases)
    func refused(_ c: Refusal) async throws {
        let h = try await Self.node()
        let error = try #require(await h.error(c.statement), "accepted: \(c.testDescription)")
        #expect(error.kind == c.kind, "\(error.message)")
        #expect(error.message.contains(c.message), "\(error.message)")
    }

    /// The statement that used to wedge schema changes: refused, and DDL carries on.
    @Test func schemaChangesCarryOnAfterAnOversizeKeyspaceName() async throws {
        let h = try await Self.node()
        let error = try #require(await h.error(
            "CREATE KEYSPACE \(Self.long) WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"))
        #expect(error.kind == .invalid)
        try await h.ok("CREATE KEYSPACE after WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await h.ok("CREATE TABLE after.t (k int PRIMARY KEY)")
        try await h.ok("DROP KEYSPACE after")
    }

    @Test func boundKeysAreCheckedLikeLiterals() async throws {
        let h = try await Self.node()
        let prepared = await h.processor.handle(.prepare(CQLPrepare(query: "INSERT INTO ks.tk (k, v) VALUES (?, ?)")),
                                                session: h.session)
        guard case .result(.prepared(let statement)) = prepared else { throw Harness.Failure("\(prepared)") }
        for (key, fragment) in [([UInt8](repeating: 0x61, count: 65_536), "Key length of 65536"), ([], "Key may not be empty")] {
            let parameters = CQLQueryParameters(consistency: .one, values: .positional([.bytes(key), .bytes([0, 0, 0, 1])]))
            let response = await h.processor.handle(.execute(CQLExecute(id: statement.id, parameters: parameters)),
                                                    session: h.session)
            guard case .error(let error) = response else { throw Harness.Failure("accepted: \(response)") }
            #expect(error.kind == .invalid && error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func aDroppedColumnComesBackOnlyAsWhatCouldReadItsValues() async throws {
        let h = try await Self.node()
        try await h.ok("ALTER TABLE ks.w DROP v")
        let error = try #require(await h.error("ALTER TABLE ks.w ADD v int"))
        #expect(error.kind == .invalid && error.message.contains(
            "Cannot re-add previously dropped column 'v' of type int, incompatible with previous type text"), "\(error.message)")
        let kind = try #require(await h.error("ALTER TABLE ks.w ADD v text STATIC"))
        #expect(kind.message.contains("of kind static, incompatible with previous kind regular"), "\(kind.message)")
        try await h.ok("ALTER TABLE ks.w ADD v text")
        try await h.ok("ALTER TABLE ks.w DROP v")
        try await h.ok("ALTER TABLE ks.w ADD v blob")
    }

    @Test func valuesMustMatchTheMarkersOneForOne() async throws {
        let h = try await Self.node()
        let one: [CQLBoundValue] = [.bytes([0, 0, 0, 1])]
        for (query, values) in [("SELECT * FROM ks.t WHERE k = ?", [CQLBoundValue]()), ("SELECT * FROM ks.t", one),
                                ("SELECT * FROM ks.t WHERE k = ?", one + one)] {
            guard case .error(let error) = await h.run(query, values) else { throw Harness.Failure("accepted: \(query)") }
            #expect(error.kind == .invalid && error.message == "Invalid amount of bind variables", "\(error.message)")
        }
    }

    @Test func networkTopologyReplicationFactorExpandsToEveryKnownDataCenter() async throws {
        let h = try await Self.node()
        try await h.ok("CREATE KEYSPACE nts WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 1}")
        let rows = try await h.rows("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'nts'")
        #expect(rows == [[.map([
            CQLMapEntry(key: .text("class"), value: .text("org.apache.cassandra.locator.NetworkTopologyStrategy")),
            CQLMapEntry(key: .text("datacenter1"), value: .text("1")),
        ])]])
    }

    /// Values Cassandra accepts that used to reach storage preconditions or overflow.
    @Test func extremeCompactionValuesAreAcceptedAndCompactionCopes() async throws {
        let h = try await Self.node()
        try await h.ok("CREATE TABLE ks.tw (k int PRIMARY KEY, v int) WITH compaction = {'class': 'TimeWindowCompactionStrategy', "
                       + "'compaction_window_unit': 'DAYS', 'compaction_window_size': 2147483647}")
        for round in 0..<5 {
            try await h.ok("INSERT INTO ks.tw (k, v) VALUES (\(round), 1)")
            try h.engine.flush()
        }
        let schema = try #require(h.processor.catalog.table(keyspace: "ks", name: "tw"))
        try h.engine.compactMajor(try #require(h.engine.table(schema.id)))
        #expect(try await h.rows("SELECT k FROM ks.tw").count == 5)
    }

    struct Peers: PeerDirectory {
        var peers: [PeerInfo] = [PeerInfo(address: "127.0.0.2", port: 7000, nativeAddress: "127.0.0.2", nativePort: 9042,
                                          dataCenter: "east", rack: "r1", hostID: UUID(), tokens: [1],
                                          releaseVersion: "5.0.0", schemaVersion: nil)]
    }

    /// The data centers a node knows are its own and its peers'.
    @Test func networkTopologyKnowsThePeersDataCenters() async throws {
        let h = try await Self.node()
        let processor = QueryProcessor(engine: h.engine, catalog: h.processor.catalog, node: NodeIdentity(), events: nil,
                                       peers: Peers())
        func run(_ query: String) async -> CQLResponse {
            await processor.handle(.query(CQLQuery(query: query, parameters: CQLQueryParameters(consistency: .one))),
                                   session: h.session)
        }
        guard case .result = await run("CREATE KEYSPACE a WITH replication = {'class': 'NetworkTopologyStrategy', 'east': 2}")
        else { throw Harness.Failure("a data center of a peer was refused") }
        guard case .error(let error) = await run(
            "CREATE KEYSPACE b WITH replication = {'class': 'NetworkTopologyStrategy', 'west': 2}") else {
            throw Harness.Failure("an unknown data center was accepted")
        }
        #expect(error.kind == .configError)
        _ = await run("CREATE KEYSPACE c WITH replication = {'class': 'NetworkTopologyStrategy', 'replication_factor': 3, 'east': 1}")
        #expect(processor.catalog.keyspace("c")?.replication == [
            "class": KeyspaceSchema.networkTopologyStrategy, "datacenter1": "3", "east": "1",
        ])
    }

    static let compressionReadBack: [(String, [String: String])] = [
        ("", ["chunk_length_in_kb": "16", "class": "org.apache.cassandra.io.compress.LZ4Compressor"]),
        ("WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 64}",
         ["chunk_length_in_kb": "64", "class": "org.apache.cassandra.io.compress.LZ4Compressor"]),
        ("WITH compression = {'class': 'SnappyCompressor'}",
         ["chunk_length_in_kb": "16", "class": "org.apache.cassandra.io.compress.SnappyCompressor"]),
        ("WITH compression = {'class': 'LZ4Compressor', 'min_compress_ratio': 2}",
         ["chunk_length_in_kb": "16", "class": "org.apache.cassandra.io.compress.LZ4Compressor", "min_compress_ratio": "2.0"]),
        ("WITH compression = {'enabled': false}", ["enabled": "false"]),
        ("WITH compression = {}", ["enabled": "false"]),
    ]

    @Test(arguments: compressionReadBack.indices)
    func compressionReadsBackAsCassandraShowsIt(_ index: Int) async throws {
        let (options, expected) = Self.compressionReadBack[index]
        let h = try await Self.node()
        try await h.ok("CREATE TABLE ks.z (k int PRIMARY KEY, v int) \(options)")
        let rows = try await h.rows("SELECT compression FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 'z'")
        let entries = expected.sorted { $0.key < $1.key }.map { CQLMapEntry(key: .text($0.key), value: .text($0.value)) }
        #expect(rows == [[.map(entries)]])
    }

    @Test func compressionStoredWithoutAClassReadsBackWithLZ4() {
        #expect(SchemaProperties.repairedCompression(["chunk_length_in_kb": "64"])
                == ["chunk_length_in_kb": "64", "class": "org.apache.cassandra.io.compress.LZ4Compressor"])
        #expect(SchemaProperties.repairedCompression(["enabled": "false"]) == ["enabled": "false"])
    }

    @Test(arguments: [("'99PERCENTILE'", "99p"), ("'99.5p'", "99.5p"), ("'50ms'", "50ms"), ("'always'", "ALWAYS"),
                      ("'none'", "NONE"), ("'min(99p, 50MS)'", "MIN(99p,50ms)")])
    func speculativeRetryReadsBackInCassandrasForm(_ given: String, _ shown: String) async throws {
        let h = try await Self.node()
        try await h.ok("CREATE TABLE ks.z (k int PRIMARY KEY) WITH speculative_retry = \(given)")
        let rows = try await h.rows("SELECT speculative_retry FROM system_schema.tables WHERE keyspace_name = 'ks' AND table_name = 'z'")
        #expect(rows == [[.text(shown)]])
    }
}
