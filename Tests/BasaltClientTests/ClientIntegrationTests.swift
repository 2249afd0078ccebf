import BasaltCQLProtocol
import Foundation
import Testing

@testable import BasaltClient

/// The client against a real `basalt start` process: discovery, DDL, every type through prepared
/// statements, paging, batches, typed errors on a connection that stays usable, `USE`.
@Suite struct ClientIntegrationTests {
    struct Everything: Decodable, Equatable {
        var id: Int32
        var ascii_value: String
        var text_value: String
        var tiny: Int8
        var small: Int16
        var big: Int64
        var huge: CQLVarint
        var exact: CQLDecimal
        var single: Float
        var double_value: Double
        var flag: Bool
        var payload: Data
        var key: UUID
        var moment: CQLUUID
        var address: CQLInet
        var day: CQLDate
        var clock: CQLTime
        var stamp: Date
        var span: CQLDuration
        var tags: [String]
        var ids: Set<Int32>
        var scores: [String: Double]
        var pair: CQLValue
        var frozen_list: [Int64]
        var missing: String?
    }

    static let everything = Everything(
        id: 1, ascii_value: "plain", text_value: "héllo ✓", tiny: -8, small: 1600, big: -9_000_000_000,
        huge: CQLVarint(decimal: "-123456789012345678901234567890")!, exact: CQLDecimal("3.1400")!, single: 0.5,
        double_value: -1e300, flag: true, payload: Data([0, 0xFF, 7]),
        key: UUID(uuidString: "123E4567-E89B-42D3-A456-426614174000")!,
        moment: CQLUUID("123e4567-e89b-12d3-a456-426614174000")!, address: CQLInet("2001:db8::7")!,
        day: CQLDate(daysSinceEpoch: -365), clock: CQLTime(hour: 12, minute: 30, second: 1)!,
        stamp: Date(timeIntervalSince1970: 1_700_000_000.25), span: CQLDuration(months: 1, days: 2, nanoseconds: 3_000)!,
        tags: ["b", "a", "b"], ids: [3, 1, 2], scores: ["x": 1.5, "y": -2], pair: .tuple([.int(4), .text("four")]),
        frozen_list: [1, 2], missing: nil)

    static let createEverything = """
        CREATE TABLE IF NOT EXISTS everything (id int PRIMARY KEY, ascii_value ascii, text_value text, tiny tinyint,
        small smallint, big bigint, huge varint, exact decimal, single float, double_value double, flag boolean,
        payload blob, key uuid, moment timeuuid, address inet, day date, clock time, stamp timestamp, span duration,
        tags list<text>, ids set<int>, scores map<text, double>, pair tuple<int, text>, frozen_list frozen<list<bigint>>,
        missing text)
        """

    static func configuration(compression: CQLCompression? = nil) -> BasaltClient.Configuration {
        var configuration = BasaltClient.Configuration()
        configuration.compression = compression
        configuration.logger.logLevel = .warning
        configuration.eventLoopThreads = 1
        return configuration
    }

    /// Runs `body` with a client connected to a fresh node; closes both afterwards.
    static func withClient(
        _ configuration: BasaltClient.Configuration = configuration(), _ body: (BasaltClient, NodeProcess) async throws -> Void
    ) async throws {
        let node = try await NodeProcess.start()
        defer { node.remove() }
        let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: configuration)
        do {
            try await body(client, node)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }

    @Test(arguments: [nil, CQLCompression.lz4])
    func everyTypeThroughPreparedStatements(compression: CQLCompression?) async throws {
        try await Self.withClient(Self.configuration(compression: compression)) { client, _ in try await Self.everyType(client) }
    }

    static func everyType(_ client: BasaltClient) async throws {

        let hosts = client.hosts
        #expect(hosts.count == 1 && hosts[0].isUp && !hosts[0].tokens.isEmpty && hosts[0].dataCenter == "datacenter1")

        let created = try await client.execute(
            "CREATE KEYSPACE types WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        #expect(created.schemaChange?.change == .created)
        // USE on one connection moves every connection of the pool (and new ones).
        try await client.execute("USE types")
        #expect(client.keyspace == "types")
        try await client.execute(createEverything)

        let insert = try await client.prepare("""
            INSERT INTO everything (id, ascii_value, text_value, tiny, small, big, huge, exact, single, double_value, flag,
            payload, key, moment, address, day, clock, stamp, span, tags, ids, scores, pair, frozen_list, missing)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        #expect(try await client.prepare(insert.query) === insert)  // cached by its text
        let e = everything
        try await client.execute(
            insert, e.id, e.ascii_value, e.text_value, e.tiny, e.small, e.big, e.huge, e.exact, e.single, e.double_value,
            e.flag, e.payload, e.key, e.moment, e.address, e.day, e.clock, e.stamp, e.span, e.tags, e.ids, e.scores, e.pair,
            e.frozen_list, e.missing)

        let select = try await client.prepare("SELECT * FROM everything WHERE id = ?")
        // Ten reads, so that both pooled connections serve some after the USE.
        for _ in 0..<10 {
            let rows = try await client.execute(select, 1)  // an Int literal for an int marker
            #expect(rows.count == 1)
            #expect(try rows[0].decode(Everything.self) == e)
        }
        let named = try await client.execute(select, named: ["id": Int32(1)])
        #expect(try named.first?.get(String.self, "text_value") == "héllo ✓")
        let simple = try await client.execute("SELECT tags, ids FROM everything WHERE id = ?", Int32(1))
        #expect(try simple.first?.get([String].self, "tags") == ["b", "a", "b"])
        #expect(try simple.first?.get(Set<Int32>.self, at: 1) == [1, 2, 3])
    }

    @Test func pagingBatchesAndErrors() async throws {
        try await Self.withClient { client, _ in try await Self.pagingBatchesAndErrors(client) }
    }

    static func pagingBatchesAndErrors(_ client: BasaltClient) async throws {
        try await client.execute("CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await client.execute("CREATE TABLE shop.lines (cart int, line int, item text, PRIMARY KEY (cart, line))")
        let insert = try await client.prepare("INSERT INTO shop.lines (cart, line, item) VALUES (?, ?, ?)")

        // 5,000 rows written 100 at a time concurrently, then read back page by page.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<100 {
                group.addTask {
                    for line in stride(from: worker, to: 5000, by: 100) {
                        try await client.execute(insert, 1, line, "item \(line)")
                    }
                }
            }
            try await group.waitForAll()
        }
        var lines: [Int32] = []
        let select = try await client.prepare("SELECT line, item FROM shop.lines WHERE cart = ?")
        for try await row in try client.rows(select, 1, pageSize: 300) {
            lines.append(try row.get(Int32.self, "line"))
            #expect(try row.get(String.self, "item") == "item \(lines.last!)")
        }
        #expect(lines == Array(0..<5000))
        let written = try await client.execute(insert, 1, 0, "item 0")
        #expect(written.isEmpty && !written.hasMorePages)
        var pageStatement = try select.bind(1)
        pageStatement.pageSize = 300
        let page = try await client.execute(pageStatement)
        #expect(page.count == 300 && page.hasMorePages)

        // Batches mixing prepared and simple statements.
        for kind in [Batch.Kind.logged, .unlogged] {
            var batch = Batch(kind)
            batch.add(try insert.bind(2, 1, "bound"))
            batch.add(Statement("INSERT INTO shop.lines (cart, line, item) VALUES (?, ?, ?)", Int32(2), Int32(2), "simple"))
            batch.add(Statement("INSERT INTO shop.lines (cart, line, item) VALUES (2, 3, 'literal')"))
            try await client.execute(batch)
        }
        let cart = try await client.execute("SELECT item FROM shop.lines WHERE cart = 2")
        #expect(try cart.map { try $0.get(String.self, "item") } == ["bound", "simple", "literal"])

        // Errors arrive typed, and the connections stay usable.
        await #expect(throws: BasaltClientError.self) { try await client.execute("SELEC nothing") }
        do {
            try await client.execute("SELECT * FROM shop.nonexistent")
            Issue.record("a missing table was accepted")
        } catch BasaltClientError.invalid(let message) {
            #expect(message.contains("nonexistent"))
        }
        do {
            try await client.execute("CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
            Issue.record("a duplicate keyspace was accepted")
        } catch BasaltClientError.alreadyExists(let keyspace, let table, _) {
            #expect(keyspace == "shop" && table.isEmpty)
        }
        do {
            try await client.execute("SELEC nothing")
        } catch BasaltClientError.syntaxError(let message) {
            #expect(message.contains("SELEC"))
        }
        #expect(throws: BasaltClientError.self) { try insert.bind("not an int", 1, "x") }
        #expect(throws: BasaltClientError.self) { try insert.bind(1, 2) }
        let count = try await client.execute("SELECT count(*) FROM shop.lines WHERE cart = 1")
        #expect(try count.first?.get(Int64.self, at: 0) == 5000)
    }

    /// A SCHEMA_CHANGE event from another client's DDL reaches the control connection, which
    /// stops trusting the cached result columns of prepared statements on that table.
    @Test func schemaChangesByAnotherClientReachPreparedStatements() async throws {
        try await Self.withClient { client, node in
            try await client.execute("CREATE KEYSPACE events WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
            try await client.execute("CREATE TABLE events.t (k int PRIMARY KEY, a int)")
            try await client.execute("INSERT INTO events.t (k, a) VALUES (1, 2)")
            let select = try await client.prepare("SELECT * FROM events.t WHERE k = ?")
            #expect(try await client.execute(select, 1).columns.names == ["k", "a"])
            #expect(select.cachedResultColumns?.count == 2)

            let other = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: Self.configuration())
            try await other.execute("ALTER TABLE events.t ADD b text")
            await other.close()
            let deadline = ContinuousClock.now + .seconds(5)
            while select.cachedResultColumns != nil && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(select.cachedResultColumns == nil, "no SCHEMA_CHANGE event arrived")
            #expect(try await client.execute(select, 1).columns.names == ["k", "a", "b"])
            #expect(select.cachedResultColumns?.count == 3)
        }
    }

    /// With speculative executions racing (a 1 ms delay makes nearly every request race), each
    /// call still gets exactly one answer.
    @Test func speculativeExecutionsAnswerOnce() async throws {
        var configuration = Self.configuration()
        configuration.speculativeExecution = .init(delay: .milliseconds(1), maximumExecutions: 3)
        configuration.defaultIdempotence = true
        try await Self.withClient(configuration) { client, _ in
            try await client.execute("CREATE KEYSPACE spec WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
            try await client.execute("CREATE TABLE spec.t (k int PRIMARY KEY, v int)")
            let insert = try await client.prepare("INSERT INTO spec.t (k, v) VALUES (?, ?)")
            let select = try await client.prepare("SELECT v FROM spec.t WHERE k = ?")
            for key in 0..<200 {
                try await client.execute(insert, key, key * 2)
                #expect(try await client.execute(select, key).first?.get(Int32.self, "v") == Int32(key * 2))
            }
        }
    }
}
