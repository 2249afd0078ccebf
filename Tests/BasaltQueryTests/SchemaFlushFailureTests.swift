import BasaltCQLProtocol
import Foundation
import Testing
@testable import BasaltQuery

/// Schema changes are flushed before they are acknowledged. When that flush fails (a full disk),
/// the DDL is reported as failed, the node keeps serving DDL once the cause is gone, and what it
/// holds in memory is what storage holds, before and after a restart.
@Suite("Schema flush failures")
struct SchemaFlushFailureTests {
    /// Directories where the schema table's next SSTables' Data files would go make every flush of
    /// it fail, whoever runs the test (root ignores permission bits, not this).
    static func blockSchemaFlushes(_ h: Harness) throws -> [String] {
        let tables = h.directory + "/tables"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: tables)
            .first { $0.hasPrefix("system_schema.basalt_definitions-") })
        return try (0..<200).compactMap { generation in
            let path = "\(tables)/\(name)/\(generation)-Data.db"
            if FileManager.default.fileExists(atPath: path) { return nil }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return path
        }
    }

    static let replication = "WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"

    @Test func aFailedSchemaFlushNeitherWedgesDDLNorLeavesMemoryBehindStorage() async throws {
        let h = try Harness()
        try await h.ok("CREATE KEYSPACE before \(Self.replication)")
        let obstacles = try Self.blockSchemaFlushes(h)
        let error = try #require(await h.error("CREATE KEYSPACE during \(Self.replication)"))
        #expect(error.kind == .serverError)
        for path in obstacles { try FileManager.default.removeItem(atPath: path) }

        try await h.ok("CREATE KEYSPACE after \(Self.replication)")
        try await h.ok("CREATE TABLE after.t (k int PRIMARY KEY)")
        // The failed change was logged and flushed with the next one: memory says so too.
        #expect(h.processor.catalog.keyspace("during") != nil)
        try h.restart()
        for name in ["before", "during", "after"] { #expect(h.processor.catalog.keyspace(name) != nil, "\(name)") }
        #expect(h.processor.catalog.table(keyspace: "after", name: "t") != nil)
    }

    /// A table created while schema flushes fail lives in the commit log and memtable only; after a
    /// crash the catalog learns it from the replayed records, and the rows written into it (which
    /// the first replay pass skipped: the table was not known yet) are replayed with it.
    @Test func aTableWhoseSchemaFlushFailedSurvivesACrashWithItsRows() async throws {
        let h = try Harness()
        try await h.ok("CREATE KEYSPACE ks \(Self.replication)")
        let obstacles = try Self.blockSchemaFlushes(h)
        #expect(await h.error("CREATE TABLE ks.t (k int PRIMARY KEY, v text)")?.kind == .serverError)
        try await h.ok("INSERT INTO ks.t (k, v) VALUES (1, 'kept')")
        try h.restart()
        for path in obstacles { try FileManager.default.removeItem(atPath: path) }
        #expect(h.processor.catalog.table(keyspace: "ks", name: "t") != nil)
        #expect(try await h.rows("SELECT v FROM ks.t WHERE k = 1") == [[.text("kept")]])
    }
}
