import Foundation
import Testing

import BasaltClient

/// The README's example, run against a real node, so the documentation stays true. Only the
/// contact point differs, the prints became expectations, and the deadline is a minute instead of
/// the drivers' 12 s: 10,000 inserts at once into a debug-build node, beside the rest of the suite on
/// two cores, once left one of them waiting longer than that.
@Suite struct ReadmeExampleTests {
    struct User: Decodable {
        let id: Int32
        let name: String
        let emails: Set<String>?
        let joined: Date
    }

    @Test func readmeExampleRuns() async throws {
        let node = try await NodeProcess.start()
        defer { node.remove() }
        try await Self.example(contactPoint: node.contactPoint)
    }

    static func example(contactPoint: String) async throws {
        var configuration = BasaltClient.Configuration()
        configuration.defaultConsistency = .quorum
        configuration.compression = .lz4
        configuration.requestTimeout = .seconds(60)
        let client = try await BasaltClient.connect(contactPoints: [contactPoint], configuration: configuration)

        try await client.execute("""
            CREATE KEYSPACE IF NOT EXISTS shop
            WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}
            """)
        try await client.execute("USE shop")  // every pooled connection follows
        try await client.execute("CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, name text, emails set<text>, joined timestamp)")

        // Prepared once per node; each execution goes to a replica of its partition. Values convert to the
        // markers' types (an Int for an int, an array for a set). Many requests in flight at once are fine:
        // the client multiplexes them, and queues what exceeds its per-connection limit.
        let insert = try await client.prepare("INSERT INTO users (id, name, emails, joined) VALUES (?, ?, ?, ?)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for id in 0..<10_000 {
                group.addTask {
                    try await client.execute(insert, id, "user \(id)", ["u\(id)@example.com"], Date(), idempotent: true)
                }
            }
            try await group.waitForAll()
        }

        var users = 0
        // Every row, 1,000 per page; the next page is fetched when the loop reaches it.
        for try await row in client.rows("SELECT id, name, emails, joined FROM users", pageSize: 1000) {
            let user = try row.decode(User.self)
            users += 1
            #expect(user.name == "user \(user.id)")
        }

        // Typed getters, per-statement options, batches, typed errors.
        let select = try await client.prepare("SELECT name FROM users WHERE id = ?")
        let name = try await client.execute(select, 7, consistency: .one).first?.get(String.self, "name")
        var batch = Batch(.logged)
        batch.add(try insert.bind(10_001, "Ada", ["ada@example.com"], Date()))
        batch.add(Statement("DELETE FROM users WHERE id = ?", Int32(3)))
        try await client.execute(batch)
        do {
            try await client.execute("SELECT * FROM nowhere")
        } catch BasaltClientError.invalid(let message) {
            #expect(message.contains("nowhere"))  // the connection stays usable
        }
        #expect(users == 10_000 && name == "user 7")
        await client.close()
    }
}
