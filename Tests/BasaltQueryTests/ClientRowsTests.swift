import BasaltCQLProtocol
import Testing
@testable import BasaltQuery

/// `system_views.clients` (and `system.clients`) show what the server's `ClientDirectory` knows, and
/// the virtual keyspaces are described in `system_virtual_schema`, not in `system_schema`.
@Suite struct ClientRowsTests {
    struct FixedClients: ClientDirectory {
        var clients: [ClientInfo]
    }

    static let clients = [
        ClientInfo(address: "127.0.0.2", port: 50_001, connectionStage: "established", protocolVersion: 4, options: [:],
                   requestCount: 1, keyspace: nil),
        ClientInfo(address: "127.0.0.1", port: 50_000, connectionStage: "ready", protocolVersion: 4,
                   options: ["CQL_VERSION": "3.4.7", "DRIVER_NAME": "d", "DRIVER_VERSION": "1.0"], requestCount: 7, keyspace: "ks"),
    ]

    static func node() throws -> Harness {
        let harness = try Harness()
        harness.processor = QueryProcessor(engine: harness.engine, catalog: harness.processor.catalog, node: NodeIdentity(),
                                           events: nil, clients: FixedClients(clients: clients))
        return harness
    }

    @Test(arguments: ["system_views", "system"])
    func clientsShowEveryConnection(_ keyspace: String) async throws {
        let h = try Self.node()
        let rows = try await h.rows("SELECT address, port, connection_stage, driver_name, driver_version, hostname, keyspace_name,"
                                    + " protocol_version, request_count, ssl_enabled, username, client_options FROM \(keyspace).clients")
        let options = CQLValue.map([
            CQLMapEntry(key: .text("CQL_VERSION"), value: .text("3.4.7")), CQLMapEntry(key: .text("DRIVER_NAME"), value: .text("d")),
            CQLMapEntry(key: .text("DRIVER_VERSION"), value: .text("1.0")),
        ])
        #expect(rows == [
            [.inet(CQLInet("127.0.0.1")!), .int(50_000), .text("ready"), .text("d"), .text("1.0"), .text("127.0.0.1"), .text("ks"),
             .int(4), .bigint(7), .boolean(false), .text("anonymous"), options],
            [.inet(CQLInet("127.0.0.2")!), .int(50_001), .text("established"), .null, .null, .text("127.0.0.2"), .null,
             .int(4), .bigint(1), .boolean(false), .text("anonymous"), .map([])],
        ])
        let filtered = try await h.rows("SELECT port FROM \(keyspace).clients WHERE address = '127.0.0.2'")
        #expect(filtered == [[.int(50_001)]])
    }

    @Test func withoutAServerThereAreNoClients() async throws {
        #expect(try await Harness().rows("SELECT * FROM system_views.clients").isEmpty)
    }

    @Test func virtualKeyspacesAreDescribedInSystemVirtualSchema() async throws {
        let h = try Self.node()
        #expect(try await h.rows("SELECT keyspace_name FROM system_virtual_schema.keyspaces")
                == [[.text("system_views")], [.text("system_virtual_schema")]])
        let tables = try await h.rows("SELECT table_name FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'")
        #expect(tables == ["caches", "clients", "disk_usage", "local_read_latency", "local_write_latency", "settings",
                           "slow_queries", "statement_stats"].map { [.text($0)] })
        let columns = try await h.rows("SELECT column_name, kind, type FROM system_virtual_schema.columns"
                                       + " WHERE keyspace_name = 'system_views' AND table_name = 'clients' AND column_name = 'port'")
        #expect(columns == [[.text("port"), .text("clustering"), .text("int")]])
        let listed = try await h.rows("SELECT keyspace_name FROM system_schema.keyspaces").map { $0[0] }
        #expect(!listed.contains(.text("system_views")) && listed.contains(.text("system")))
    }

    /// As Cassandra: the structure of a virtual table or keyspace, inside a comment, for it cannot be created.
    @Test func describeShowsVirtualTablesAsComments() async throws {
        let h = try Self.node()
        let table = try await h.rows("DESCRIBE TABLE system_views.clients")
        guard case .text(let create) = table.first?[3] else { throw Harness.Failure("no create statement") }
        #expect(create.hasPrefix("/*\nWarning: Table system_views.clients is a virtual table and cannot be recreated with CQL.\n"
                                 + "Structure, for reference:\nVIRTUAL TABLE system_views.clients (\n    address inet,\n    port int,"))
        #expect(create.hasSuffix("PRIMARY KEY (address, port)\n) WITH CLUSTERING ORDER BY (port ASC)\n"
                                 + "    AND comment = 'currently connected clients';\n*/"))
        let keyspace = try await h.rows("DESCRIBE ONLY KEYSPACE system_views")
        #expect(keyspace.first?[3] == .text("/*\nWarning: Keyspace system_views is a virtual keyspace and cannot be recreated with CQL.\n"
                                            + "Structure, for reference:\nVIRTUAL KEYSPACE system_views;\n*/"))
        let comments = try await h.rows("SELECT comment FROM system_virtual_schema.tables WHERE keyspace_name = 'system_views'")
        #expect(comments.contains([.text("currently connected clients")]) && comments.count == 8)
    }

    @Test func virtualTablesAreReadOnly() async throws {
        let h = try Self.node()
        let error = try #require(await h.error("INSERT INTO system_views.clients (address, port) VALUES ('1.2.3.4', 1)"))
        #expect(error.kind == .unauthorized)
    }
}
