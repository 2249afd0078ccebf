import BasaltCQL
import BasaltCQLProtocol
import Testing

@testable import BasaltQuery

/// SASL PLAIN decoding, the password hash and the authorizer's decisions, as pure values.
struct AuthTests {
    @Test(arguments: [
        ([0] + Array("alice".utf8) + [0] + Array("secret".utf8), "alice", "secret"),
        // An authorization id is ignored; the user is the part before the last NUL.
        (Array("admin".utf8) + [0] + Array("bob".utf8) + [0] + Array("p w".utf8), "bob", "p w"),
    ])
    func decodesPlainTokens(_ token: [UInt8], _ username: String, _ password: String) throws {
        #expect(try SASLPlainToken(decoding: token) == SASLPlainToken(username: username, password: password))
    }

    @Test(arguments: [
        (nil, SASLTokenError.empty), ([], .empty), (Array("alice".utf8), .missingUsername),
        ([0] + Array("secret".utf8), .missingUsername), ([0, 0] + Array("secret".utf8), .missingUsername),
        ([0] + Array("alice".utf8) + [0], .missingPassword), ([0, 0xFF, 0, 0x41], .invalidUTF8),
        ([0, 0x41, 0] + [UInt8](repeating: 0x41, count: SASLPlainToken.maximumBytes), .tooLong(SASLPlainToken.maximumBytes + 3)),
    ] as [([UInt8]?, SASLTokenError)])
    func refusesMalformedTokens(_ token: [UInt8]?, _ expected: SASLTokenError) {
        #expect(throws: expected) { try SASLPlainToken(decoding: token) }
    }

    @Test func encodedTokenDecodes() throws {
        let token = SASLPlainToken(username: "ü", password: "p\u{1}")
        #expect(try SASLPlainToken(decoding: token.encoded) == token)
    }

    /// RFC 7914 §11's PBKDF2-HMAC-SHA256 vector, then the stored form (made with Python's hashlib).
    @Test func hashGoldenVectors() throws {
        let derived = PasswordHash.derive("passwd", salt: Array("salt".utf8), rounds: 1, count: 64)
        #expect(derived.map { String($0, radix: 16).leftPadded } .joined()
            == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783")
        let stored = "$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$e5d6BzlLjqTvVKCe2aHn5kra6IC9ahEK3Baw40gpobY"
        #expect(PasswordHash(hashing: "cassandra", salt: Array(0..<16), rounds: 1000).description == stored)
        let parsed = try #require(PasswordHash(stored: stored))
        #expect(parsed.verify("cassandra"))
        #expect(!parsed.verify("Cassandra"))
        #expect(!parsed.verify(""))
    }

    @Test func freshHashesAreSaltedAndVerify() {
        let a = PasswordHash(hashing: "pw", rounds: 10), b = PasswordHash(hashing: "pw", rounds: 10)
        #expect(a.salt != b.salt && a.hash != b.hash)
        #expect(PasswordHash(stored: a.description)?.verify("pw") == true)
    }

    @Test(arguments: [
        "", "$pbkdf2-sha256$1000$AAEC", "$bcrypt$10$AAEC$AAEC", "$pbkdf2-sha256$0$AAEC$AAEC",
        "$pbkdf2-sha256$99999999999$AAEC$AAEC", "$pbkdf2-sha256$1000$!!$AAEC", "$pbkdf2-sha256$1000$AAEC$",
        "$2a$10$abcdefghijklmnopqrstuu5Ezdkr7dHW1U5JQpqe9W6RZlS7xC3ge",
    ])
    func refusesForeignStoredHashes(_ text: String) {
        #expect(PasswordHash(stored: text) == nil)
    }

    /// (statement, the role's grants, allowed) for a role `u` that is not a superuser.
    @Test(arguments: [
        ("SELECT * FROM ks.t", [:], false),
        ("SELECT * FROM ks.t", [DataResource.table(keyspace: "ks", table: "t"): Set([Permission.select])], true),
        ("SELECT * FROM ks.t", [.keyspace("ks"): [.select]], true),
        ("SELECT * FROM ks.t", [.root: [.select]], true),
        ("SELECT * FROM ks.t", [.keyspace("other"): [.select]], false),
        ("SELECT * FROM ks.t", [.table(keyspace: "ks", table: "t"): [.modify]], false),
        ("SELECT * FROM system.local", [:], true),
        ("SELECT * FROM system_schema.tables", [:], true),
        ("SELECT * FROM system_auth.roles", [:], false),
        ("INSERT INTO ks.t (k) VALUES (1)", [.table(keyspace: "ks", table: "t"): [.select]], false),
        ("INSERT INTO ks.t (k) VALUES (1)", [.table(keyspace: "ks", table: "t"): [.modify]], true),
        ("UPDATE t SET v = 1 WHERE k = 1", [.table(keyspace: "session_ks", table: "t"): [.modify]], true),
        ("DELETE FROM ks.t WHERE k = 1", [.keyspace("ks"): [.modify]], true),
        ("TRUNCATE ks.t", [.keyspace("ks"): [.select]], false),
        ("BEGIN BATCH INSERT INTO ks.a (k) VALUES (1); INSERT INTO ks.b (k) VALUES (1); APPLY BATCH",
         [.table(keyspace: "ks", table: "a"): [.modify]], false),
        ("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", [.keyspace("ks"): [.create]], false),
        ("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}", [.root: [.create]], true),
        ("CREATE TABLE ks.t (k int PRIMARY KEY)", [.keyspace("ks"): [.create]], true),
        ("ALTER TABLE ks.t ADD v int", [.keyspace("ks"): [.alter]], true),
        ("DROP TABLE ks.t", [.table(keyspace: "ks", table: "t"): [.alter]], false),
        ("DROP KEYSPACE ks", [.keyspace("ks"): [.drop]], true),
        ("USE ks", [:], true),
        ("CREATE ROLE r", [.root: Set(Permission.data)], false),
        ("ALTER ROLE u WITH PASSWORD = 'x'", [:], true),
        ("ALTER ROLE u WITH SUPERUSER = true", [:], false),
        ("ALTER ROLE v WITH PASSWORD = 'x'", [:], false),
        ("DROP ROLE v", [:], false),
        ("GRANT SELECT ON ks.t TO v", [.keyspace("ks"): [.select]], false),
        ("GRANT SELECT ON ks.t TO v", [.keyspace("ks"): [.select, .authorize]], true),
        ("GRANT ALL ON KEYSPACE ks TO v", [.keyspace("ks"): [.select, .authorize]], false),
        ("LIST ALL PERMISSIONS OF u", [:], true),
        ("LIST ALL PERMISSIONS", [:], false),
        ("LIST ROLES", [:], true),
        ("LIST ROLES OF v", [:], false),
    ] as [(String, [DataResource: Set<Permission>], Bool)])
    func decides(_ text: String, _ grants: [DataResource: Set<Permission>], _ allowed: Bool) throws {
        let statement = try CQLParser.parse(text)
        let requests = AccessDecision.requests(for: statement, user: "u", keyspace: "session_ks")
        let refusal = AccessDecision.refusal(of: requests, user: "u", privileges: RolePrivileges(isSuperuser: false, permissions: grants))
        #expect((refusal == nil) == allowed, "\(text): \(refusal?.message ?? "allowed")")
        let superuser = AccessDecision.refusal(of: requests, user: "u", privileges: RolePrivileges(isSuperuser: true))
        #expect(superuser == nil, "a superuser may do anything")
    }

    @Test func refusalsUseCassandrasWording() {
        let refusal = AccessDecision.refusal(of: [AccessRequest(.select, .table(keyspace: "ks", table: "t"))], user: "bob",
                                             privileges: RolePrivileges(isSuperuser: false))
        #expect(refusal == QueryError(.unauthorized, "User bob has no SELECT permission on <table ks.t> or any of its parents"))
    }

    @Test(arguments: [
        (DataResource.root, "data"), (.keyspace("ks"), "data/ks"), (.table(keyspace: "ks", table: "t"), "data/ks/t"),
    ])
    func resourceNamesRoundTrip(_ resource: DataResource, _ name: String) {
        #expect(resource.name == name)
        #expect(DataResource(name: name) == resource)
    }

    @Test(arguments: ["", "roles", "data/", "data//t", "data/ks/t/x"])
    func refusesUnknownResourceNames(_ name: String) {
        #expect(DataResource(name: name) == nil)
    }
}

private extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
