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
}
