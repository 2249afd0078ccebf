import BasaltCQLProtocol
import Testing

@testable import BasaltQuery

/// Role and permission statements through the processor, with roles stored in system_auth, and
/// the authorizer deciding for a logged-in session.
struct RoleStatementTests {
    private static func harness() async throws -> Harness {
        let harness = try Harness()
        harness.processor.accessControl = AccessControl(processor: harness.processor, authenticates: true, authorizes: true,
                                                        hashRounds: 1000)
        try await harness.ok("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await harness.ok("CREATE TABLE ks.t (k int PRIMARY KEY, v int)")
        try await harness.ok("CREATE ROLE base")
        try await harness.ok("CREATE ROLE app WITH LOGIN = true")
        return harness
    }

    private func run(_ harness: Harness, _ query: String, as user: String) async -> CQLResponse {
        await harness.processor.handle(.query(CQLQuery(query: query, parameters: CQLQueryParameters(consistency: .one))),
                                       session: CQLSession(user: user))
    }

    private func isUnauthorized(_ response: CQLResponse) -> Bool {
        if case .error(let error) = response { return error.kind == .unauthorized }
        return false
    }

    @Test func permissionsAreInheritedThroughGrantedRoles() async throws {
        let harness = try await Self.harness()
        #expect(isUnauthorized(await run(harness, "SELECT * FROM ks.t", as: "app")))
        try await harness.ok("GRANT SELECT ON KEYSPACE ks TO base")
        try await harness.ok("GRANT base TO app")
        #expect(!isUnauthorized(await run(harness, "SELECT * FROM ks.t", as: "app")))
        #expect(isUnauthorized(await run(harness, "INSERT INTO ks.t (k, v) VALUES (1, 1)", as: "app")))
        #expect(try await harness.rows("LIST ROLES OF app").map { $0[0] } == [.text("app"), .text("base")])
        #expect(try await harness.rows("LIST ALL PERMISSIONS OF app")
            == [[.text("base"), .text("base"), .text("<keyspace ks>"), .text("SELECT")]])
        try await harness.ok("DROP ROLE base")
        #expect(isUnauthorized(await run(harness, "SELECT * FROM ks.t", as: "app")))
    }

    @Test func creatorsGetEveryPermissionOnWhatTheyCreate() async throws {
        let harness = try await Self.harness()
        try await harness.ok("GRANT CREATE ON ALL KEYSPACES TO app")
        #expect(!isUnauthorized(await run(harness, "CREATE TABLE ks.mine (k int PRIMARY KEY)", as: "app")), "CREATE on every keyspace")
        #expect(!isUnauthorized(await run(harness, "INSERT INTO ks.mine (k) VALUES (1)", as: "app")))
        #expect(!isUnauthorized(await run(harness, "DROP TABLE ks.mine", as: "app")))
        // The dropped table's grants went with it.
        #expect(try await harness.rows("LIST ALL PERMISSIONS OF app")
            == [[.text("app"), .text("app"), .text("<all keyspaces>"), .text("CREATE")]])
    }

    @Test(arguments: [
        ("CREATE ROLE app", "app already exists"),
        ("ALTER ROLE nobody WITH LOGIN = true", "nobody doesn't exist"),
        ("DROP ROLE nobody", "nobody doesn't exist"),
        ("GRANT nobody TO app", "nobody doesn't exist"),
        ("GRANT app TO app", "app is a member of app"),
        ("REVOKE base FROM app", "app is not a member of base"),
        ("GRANT SELECT ON KEYSPACE nope TO app", "Resource <keyspace nope> doesn't exist"),
        ("GRANT SELECT ON TABLE ks.nope TO app", "Resource <table ks.nope> doesn't exist"),
        ("GRANT SELECT ON ks.t TO nobody", "Role nobody doesn't exist"),
        ("CREATE ROLE empty WITH PASSWORD = ''", "Password must not be empty"),
        ("INSERT INTO system_auth.roles (role) VALUES ('x')", "system_auth keyspace is not user-modifiable."),
    ])
    func refusals(_ query: String, _ message: String) async throws {
        let harness = try await Self.harness()
        #expect(await harness.error(query)?.message == message)
    }

    @Test func cyclesAreRefused() async throws {
        let harness = try await Self.harness()
        try await harness.ok("GRANT base TO app")
        #expect(await harness.error("GRANT app TO base")?.message == "base is a member of app")
    }

    @Test func passwordLogins() async throws {
        let harness = try await Self.harness()
        try await harness.ok("ALTER ROLE app WITH PASSWORD = 'app-pw'")
        let authenticator = try #require(harness.processor.accessControl?.authenticator)
        let login: @Sendable (String, String) async -> String? = { user, password in
            try? await authenticator.authenticate(SASLPlainToken(username: user, password: password).encoded)
        }
        #expect(await login("app", "app-pw") == "app")
        #expect(await login("app", "app-pw") == "app", "from the cache")
        #expect(await login("app", "wrong") == nil)
        #expect(await login("base", "") == nil)
        await #expect(throws: AuthenticationFailure("Provided username base and/or password are incorrect", username: "base")) {
            try await authenticator.authenticate(SASLPlainToken(username: "base", password: "x").encoded)
        }
        try await harness.ok("ALTER ROLE app WITH PASSWORD = 'new-pw'")
        #expect(await login("app", "app-pw") == nil, "the old password is forgotten at once on this node")
        #expect(await login("app", "new-pw") == "app")
        #expect(authenticator.failedLogins == 4)
        // A pool's connections logging in at once.
        try await harness.ok("ALTER ROLE app WITH PASSWORD = 'pool-pw'")
        let logins = await withTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { await login("app", "pool-pw") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(logins == Array(repeating: "app", count: 8))
    }

    @Test func theFirstStartCreatesTheSuperuserOnce() async throws {
        let harness = try Harness()
        let access = AccessControl(processor: harness.processor, authenticates: true, authorizes: true)
        await #expect(throws: SuperuserSetupError.self) { try await access.setUpSuperuser(password: nil) }
        #expect(try await access.setUpSuperuser(password: "pw") == .created)
        #expect(try await access.setUpSuperuser(password: "other") == .rolesExist)
        #expect(try await access.roles.role("cassandra")?.isSuperuser == true)
    }

    /// Operators raise system_auth's replication, as in Cassandra; it survives a restart, and the
    /// keyspace is still listed once. Other system keyspaces stay refused.
    @Test func systemAuthReplicationCanBeAltered() async throws {
        let harness = try Harness()
        try await harness.ok("ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
        try harness.restart()
        #expect(harness.processor.catalog.keyspace("system_auth")?.replication["replication_factor"] == "3")
        let rows = try await harness.rows("SELECT keyspace_name FROM system_schema.keyspaces")
        #expect(rows.filter { $0 == [.text("system_auth")] }.count == 1)
        #expect(await harness.error("ALTER KEYSPACE system_schema WITH durable_writes = false")?.kind == .unauthorized)
    }
}
