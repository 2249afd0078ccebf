import BasaltCQLProtocol
import BasaltCore
import Foundation
import Testing
@testable import BasaltQuery

/// Two nodes' catalogs exchanging schema facts, as the cluster layer does with schema push/pull.
@Suite struct SchemaExchangeTests {
    @Test func schemaFactsConvergeAndReportChanges() async throws {
        let a = try Harness()
        let b = try Harness()
        try await a.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await a.ok("CREATE TABLE ks.t (k int PRIMARY KEY, v text)")

        let created = try b.processor.catalog.mergeSchemaFacts(try a.processor.catalog.schemaFacts())
        #expect(created == [CQLSchemaChange(change: .created, target: .keyspace("ks")),
                            CQLSchemaChange(change: .created, target: .table(keyspace: "ks", name: "t"))])
        #expect(b.processor.catalog.schemaVersion == a.processor.catalog.schemaVersion)
        try await b.ok("INSERT INTO ks.t (k, v) VALUES (1, 'x')")
        #expect(try await b.rows("SELECT v FROM ks.t WHERE k = 1") == [[.text("x")]])

        // Merging the same facts again changes nothing; merging B's facts into A neither.
        #expect(try b.processor.catalog.mergeSchemaFacts(try a.processor.catalog.schemaFacts()).isEmpty)
        #expect(try a.processor.catalog.mergeSchemaFacts(try b.processor.catalog.schemaFacts()).isEmpty)

        try await a.ok("ALTER TABLE ks.t ADD w int")
        try await a.ok("DROP TABLE ks.t")
        let dropped = try b.processor.catalog.mergeSchemaFacts(try a.processor.catalog.schemaFacts())
        #expect(dropped == [CQLSchemaChange(change: .dropped, target: .table(keyspace: "ks", name: "t"))])
        #expect(b.processor.catalog.schemaVersion == a.processor.catalog.schemaVersion)

        // Facts for any other table are not applied through the schema path.
        var foreign = PartitionUpdate(table: UUID(), key: PartitionKey([1]))
        foreign.partitionDeletion = DeletionTime(markedForDeleteAt: 1, localDeletionTime: 1)
        #expect(try b.processor.catalog.mergeSchemaFacts([foreign]).isEmpty)
    }

    /// Two nodes change one table while they cannot reach each other: each change writes only the
    /// rows it changes, so when their facts meet both survive (a column added on each side, an option
    /// set on one and a column dropped on the other), and the columns they added have distinct ids.
    @Test func changesToOneTableOnTwoNodesBothSurvive() async throws {
        let a = try Harness()
        let b = try Harness()
        try await a.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await a.ok("CREATE TABLE ks.t (k int PRIMARY KEY, v text, old int)")
        try b.processor.catalog.mergeSchemaFacts(try a.processor.catalog.schemaFacts())

        try await a.ok("ALTER TABLE ks.t ADD fromA int")
        try await a.ok("ALTER TABLE ks.t DROP old")
        try await b.ok("ALTER TABLE ks.t ADD fromB text")
        try await b.ok("ALTER TABLE ks.t WITH comment = 'set on b'")
        try a.processor.catalog.mergeSchemaFacts(try b.processor.catalog.schemaFacts())
        try b.processor.catalog.mergeSchemaFacts(try a.processor.catalog.schemaFacts())

        for node in [a, b] {
            let table = try #require(node.processor.catalog.table(keyspace: "ks", name: "t"))
            #expect(Set(table.columns.map(\.name)) == ["k", "v", "froma", "fromb"])
            #expect(table.droppedColumns.map(\.name) == ["old"])
            #expect(table.options.comment == "set on b")
            #expect(Set(table.columns.map(\.id)).count == table.columns.count)
        }
        #expect(a.processor.catalog.schemaVersion == b.processor.catalog.schemaVersion)
        try await a.ok("INSERT INTO ks.t (k, v, froma) VALUES (1, 'x', 2)")
        #expect(try await a.rows("SELECT fromb, froma FROM ks.t WHERE k = 1") == [[.null, .int(2)]])

        // A restart reads the same table from the same rows.
        let version = a.processor.catalog.schemaVersion
        try a.restart()
        #expect(a.processor.catalog.schemaVersion == version)
    }
}
