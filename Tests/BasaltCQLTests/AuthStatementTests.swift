import Testing
import BasaltCQL

/// Role and permission statements: input, then the canonical text (`nil`: the input itself).
@Test(arguments: [
    ("CREATE ROLE r", nil),
    ("CREATE ROLE IF NOT EXISTS r WITH PASSWORD = 'p''q' AND LOGIN = true AND SUPERUSER = false", nil),
    ("create role 'Bob' with login = false", "CREATE ROLE \"Bob\" WITH LOGIN = false"),
    ("CREATE USER alice WITH PASSWORD 'pw' NOSUPERUSER", "CREATE ROLE alice WITH PASSWORD = 'pw' AND LOGIN = true AND SUPERUSER = false"),
    ("CREATE USER IF NOT EXISTS admin WITH PASSWORD 'x' SUPERUSER",
     "CREATE ROLE IF NOT EXISTS admin WITH PASSWORD = 'x' AND LOGIN = true AND SUPERUSER = true"),
    ("ALTER ROLE r WITH PASSWORD = 'new'", nil),
    ("ALTER ROLE IF EXISTS r WITH SUPERUSER = true AND LOGIN = false", "ALTER ROLE IF EXISTS r WITH LOGIN = false AND SUPERUSER = true"),
    ("ALTER USER alice WITH PASSWORD 'x'", "ALTER ROLE alice WITH PASSWORD = 'x'"),
    ("DROP ROLE r", nil), ("DROP ROLE IF EXISTS r", nil), ("DROP USER alice", "DROP ROLE alice"),
    ("LIST ROLES", nil), ("LIST ROLES OF r NORECURSIVE", nil), ("LIST USERS", nil),
    ("GRANT r1 TO r2", nil), ("REVOKE r1 FROM r2", nil),
    ("GRANT SELECT ON ks.t TO r", "GRANT SELECT ON TABLE ks.t TO r"),
    ("GRANT modify PERMISSION ON TABLE t TO r", "GRANT MODIFY ON TABLE t TO r"),
    ("GRANT ALL PERMISSIONS ON ALL KEYSPACES TO r", nil),
    ("GRANT ALL ON KEYSPACE ks TO r", "GRANT ALL PERMISSIONS ON KEYSPACE ks TO r"),
    ("REVOKE AUTHORIZE ON KEYSPACE ks FROM r", nil),
    ("LIST ALL PERMISSIONS", nil), ("LIST ALL", "LIST ALL PERMISSIONS"),
    ("LIST SELECT ON TABLE ks.t OF r NORECURSIVE", nil),
    ("LIST ALL PERMISSIONS OF r", nil),
] as [(String, String?)])
func authStatementParses(_ input: String, _ canonical: String?) throws {
    let statement = try CQLParser.parse(input)
    #expect(statement.description == (canonical ?? input))
    #expect(try CQLParser.parse(statement.description) == statement)
}

@Test(arguments: [
    ("CREATE ROLE r WITH PASSWORD = 1", "mismatched input '1' expecting STRING_LITERAL"),
    ("CREATE ROLE r WITH LOGIN = 'yes'", "mismatched input ''yes'' expecting BOOLEAN"),
    ("CREATE ROLE r WITH LOGIN = true AND LOGIN = false", "Multiple definition for property login"),
    ("CREATE ROLE r WITH OPTIONS = {}", "Unsupported role option options"),
    ("CREATE ROLE ''", "Role name must not be empty"),
    ("GRANT EXECUTE ON ks.t TO r", "no viable alternative at input 'EXECUTE'"),
    ("GRANT SELECT ks.t TO r", "mismatched input 'ks' expecting K_ON"),
    ("GRANT SELECT ON ks.t r", "mismatched input 'r' expecting K_TO"),
    ("REVOKE SELECT ON ks.t TO r", "mismatched input 'TO' expecting K_FROM"),
    ("LIST", "no viable alternative at input '<EOF>'"),
    ("LIST ROLES OF", "no viable alternative at input '<EOF>'"),
])
func invalidAuthStatementIsRefused(_ input: String, _ message: String) {
    #expect {
        try CQLParser.parse(input)
    } throws: { error in
        (error as? CQLSyntaxError)?.message.contains(message) ?? false
    }
}
