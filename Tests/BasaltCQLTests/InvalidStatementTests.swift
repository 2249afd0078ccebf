import Testing
import BasaltCQL

/// Invalid statements with the exact error: Cassandra-style message (whose `line:offset` prefix has a
/// 0-based offset, as Cassandra prints it), 1-based line and column, and the offending token.
struct InvalidStatementCase: CustomTestStringConvertible, Sendable {
    let input: String
    let message: String
    let line: Int
    let column: Int
    let token: String

    var testDescription: String { input }
}

let invalidStatements: [InvalidStatementCase] = [
    .init(input: "", message: "line 1:0 no viable alternative at input '<EOF>'", line: 1, column: 1, token: "<EOF>"),
    .init(input: "SELEC * FROM t", message: "line 1:0 no viable alternative at input 'SELEC'", line: 1, column: 1, token: "SELEC"),
    .init(input: "CREATE MATERIALIZED VIEW v AS SELECT * FROM t", message: "line 1:7 Materialized views are not supported by Basalt",
          line: 1, column: 8, token: "MATERIALIZED"),
    .init(input: "DROP MATERIALIZED VIEW v", message: "line 1:5 Materialized views are not supported by Basalt",
          line: 1, column: 6, token: "MATERIALIZED"),
    .init(input: "SELECT * FORM t", message: "line 1:9 mismatched input 'FORM' expecting K_FROM", line: 1, column: 10, token: "FORM"),
    .init(input: "SELECT FROM t", message: "line 1:7 no viable alternative at input 'FROM'", line: 1, column: 8, token: "FROM"),
    .init(input: "SELECT a b FROM t", message: "line 1:9 mismatched input 'b' expecting K_FROM", line: 1, column: 10, token: "b"),
    .init(input: "SELECT * FROM", message: "line 1:13 no viable alternative at input '<EOF>'", line: 1, column: 14, token: "<EOF>"),
    .init(input: "SELECT * FROM t WHERE", message: "line 1:21 no viable alternative at input '<EOF>'", line: 1, column: 22, token: "<EOF>"),
    .init(input: "SELECT * FROM t WHERE k =", message: "line 1:25 no viable alternative at input '<EOF>'", line: 1, column: 26, token: "<EOF>"),
    .init(input: "SELECT * FROM t x", message: "line 1:16 mismatched input 'x' expecting EOF", line: 1, column: 17, token: "x"),
    .init(input: "SELECT * FROM t WHERE k == 1", message: "line 1:25 no viable alternative at input '='", line: 1, column: 26, token: "="),
    .init(input: "SELECT * FROM t WHERE k = 'abc", message: "line 1:30 mismatched character '<EOF>' expecting '''", line: 1, column: 31, token: "<EOF>"),
    .init(input: "SELECT * FROM t WHERE k = @", message: "line 1:26 no viable alternative at character '@'", line: 1, column: 27, token: "@"),
    .init(input: "SELECT * FROM t WHERE k = 'é' AND v = #", message: "line 1:38 no viable alternative at character '#'", line: 1, column: 39, token: "#"),
    .init(input: "SELECT * FROM t /* never closed", message: "line 1:31 mismatched character '<EOF>' expecting '*'", line: 1, column: 32, token: "<EOF>"),
    .init(input: "SELECT * FROM \"\"", message: "line 1:14 no viable alternative at input '\"\"'", line: 1, column: 15, token: "\"\""),
    .init(input: "SELECT *\nFROM t\nWHERE k = 1 AND\n  AND v = 2", message: "line 4:2 no viable alternative at input 'AND'", line: 4, column: 3, token: "AND"),
    .init(input: "SELECT * FROM t ORDER c", message: "line 1:22 mismatched input 'c' expecting K_BY", line: 1, column: 23, token: "c"),
    .init(input: "SELECT * FROM t WHERE k = 1 ALLOW", message: "line 1:33 mismatched input '<EOF>' expecting K_FILTERING", line: 1, column: 34, token: "<EOF>"),
    .init(input: "SELECT * FROM t LIMIT 1.5", message: "line 1:22 mismatched input '1.5' expecting INTEGER", line: 1, column: 23, token: "1.5"),
    .init(input: "SELECT * FROM t LIMIT 99999999999999999999", message: "line 1:22 integer out of range at input '99999999999999999999'", line: 1, column: 23, token: "99999999999999999999"),
    .init(input: "SELECT * FROM t WHERE (a, b) > 1", message: "line 1:31 mismatched input '1' expecting '('", line: 1, column: 32, token: "1"),
    .init(input: "SELECT cast(a AS list<int>) FROM t", message: "line 1:17 no viable alternative at input 'list'", line: 1, column: 18, token: "list"),
    .init(input: "SELECT a + FROM t", message: "line 1:11 no viable alternative at input 'FROM'", line: 1, column: 12, token: "FROM"),
    .init(input: "SELECT m[..] FROM t", message: "line 1:11 no viable alternative at input ']'", line: 1, column: 12, token: "]"),
    .init(input: "SELECT m[] FROM t", message: "line 1:9 no viable alternative at input ']'", line: 1, column: 10, token: "]"),
    .init(input: "SELECT * FROM t GROUP a", message: "line 1:22 mismatched input 'a' expecting K_BY", line: 1, column: 23, token: "a"),
    .init(input: "SELECT * FROM ks.?", message: "line 1:17 Bind variables cannot be used for table names", line: 1, column: 18, token: "?"),
    .init(input: "SELECT * FROM t; SELECT * FROM u", message: "line 1:17 mismatched input 'SELECT' expecting EOF", line: 1, column: 18, token: "SELECT"),
    .init(input: "INSERT INTO t (a, b) VALUES (1)", message: "line 1:28 Unmatched column names/values", line: 1, column: 29, token: "("),
    .init(input: "INSERT INTO t (a) VALUE (1)", message: "line 1:18 mismatched input 'VALUE' expecting K_VALUES", line: 1, column: 19, token: "VALUE"),
    .init(input: "INSERT INTO t (k) VALUES (0xabc)", message: "line 1:26 hex string of odd length at input '0xabc'", line: 1, column: 27, token: "0xabc"),
    .init(input: "INSERT INTO t JSON '{}'", message: "line 1:14 INSERT JSON is not supported", line: 1, column: 15, token: "JSON"),
    .init(input: "UPDATE t SET a = b + 1 WHERE k = 1", message: "line 1:17 Only expressions of the form X = X + <value> are supported.", line: 1, column: 18, token: "b"),
    .init(input: "UPDATE t SET a = 1 + b WHERE k = 1", message: "line 1:21 Only expressions of the form X = <value> + X are supported.", line: 1, column: 22, token: "b"),
    .init(input: "UPDATE t SET a = 1", message: "line 1:18 mismatched input '<EOF>' expecting K_WHERE", line: 1, column: 19, token: "<EOF>"),
    .init(input: "UPDATE t SET m[1] += 2 WHERE k = 1", message: "line 1:18 mismatched input '+=' expecting '='", line: 1, column: 19, token: "+="),
    .init(input: "DELETE FROM t", message: "line 1:13 mismatched input '<EOF>' expecting K_WHERE", line: 1, column: 14, token: "<EOF>"),
    .init(input: "BEGIN BATCH SELECT * FROM t; APPLY BATCH", message: "line 1:12 no viable alternative at input 'SELECT'", line: 1, column: 13, token: "SELECT"),
    .init(input: "BEGIN BATCH USING TTL 5 INSERT INTO t (k) VALUES (1) APPLY BATCH", message: "line 1:18 Global TTL on the BATCH statement is not supported.", line: 1, column: 19, token: "TTL"),
    .init(input: "BEGIN BATCH INSERT INTO t (k) VALUES (1)", message: "line 1:40 no viable alternative at input '<EOF>'", line: 1, column: 41, token: "<EOF>"),
    .init(input: "CREATE TABLE t (k int, v text)", message: "line 1:15 No PRIMARY KEY specified for table t", line: 1, column: 16, token: "("),
    .init(input: "CREATE TABLE t (k int PRIMARY KEY, v text PRIMARY KEY)", message: "line 1:35 Multiple PRIMARY KEYs specified (exactly one required)", line: 1, column: 36, token: "v"),
    .init(input: "CREATE TABLE t (k integer PRIMARY KEY)", message: "line 1:18 no viable alternative at input 'integer'", line: 1, column: 19, token: "integer"),
    .init(input: "CREATE TABLE t (k frozen<int> PRIMARY KEY)", message: "line 1:25 frozen<> is only allowed on collections, tuples, and user-defined types", line: 1, column: 26, token: "int"),
    .init(input: "CREATE TABLE t (k map<int> PRIMARY KEY)", message: "line 1:25 mismatched input '>' expecting ','", line: 1, column: 26, token: ">"),
    .init(input: "CREATE TABLE t (k int PRIMARY KEY) WITH CLUSTERING ORDER (k DESC)", message: "line 1:57 mismatched input '(' expecting K_BY", line: 1, column: 58, token: "("),
    .init(input: "CREATE KEYSPACE ks", message: "line 1:18 mismatched input '<EOF>' expecting K_WITH", line: 1, column: 19, token: "<EOF>"),
    .init(input: "CREATE KEYSPACE ks WITH replication = {'class': x}", message: "line 1:48 no viable alternative at input 'x'", line: 1, column: 49, token: "x"),
    .init(input: "CREATE INDEX i ON t (v)", message: "line 1:7 no viable alternative at input 'INDEX'", line: 1, column: 8, token: "INDEX"),
    .init(input: "ALTER TABLE t ALTER v TYPE text", message: "line 1:14 no viable alternative at input 'ALTER'", line: 1, column: 15, token: "ALTER"),
    .init(input: "DROP t", message: "line 1:5 no viable alternative at input 't'", line: 1, column: 6, token: "t"),
    .init(input: "USE ?", message: "line 1:4 Bind variables cannot be used for keyspace names", line: 1, column: 5, token: "?"),
    .init(input: "DESCRIBE", message: "line 1:8 no viable alternative at input '<EOF>'", line: 1, column: 9, token: "<EOF>"),
    .init(input: "DESCRIBE TABLE", message: "line 1:14 no viable alternative at input '<EOF>'", line: 1, column: 15, token: "<EOF>"),
    .init(input: "DESCRIBE KEYSPACES WITH", message: "line 1:23 mismatched input '<EOF>' expecting K_INTERNALS", line: 1, column: 24, token: "<EOF>"),
    .init(input: "DESCRIBE cluster.t", message: "line 1:16 mismatched input '.' expecting EOF", line: 1, column: 17, token: "."),
    .init(
        input: "SELECT * FROM t WHERE k = " + String(repeating: "[", count: 70),
        message: "line 1:89 nesting deeper than 64 levels at input '['", line: 1, column: 90, token: "["),
]

@Test(arguments: invalidStatements)
func invalidStatementFails(_ testCase: InvalidStatementCase) {
    let error = #expect(throws: CQLSyntaxError.self) { try CQLParser.parse(testCase.input) }
    #expect(error?.message == testCase.message)
    #expect(error?.line == testCase.line)
    #expect(error?.column == testCase.column)
    #expect(error?.token == testCase.token)
}

/// Ten thousand nested brackets, parentheses, calls or types fail on the depth limit instead of
/// overflowing the stack.
@Test(arguments: [
    "SELECT * FROM t WHERE k = " + String(repeating: "[", count: 10_000),
    "SELECT * FROM t WHERE k = " + String(repeating: "{", count: 10_000),
    "SELECT * FROM t WHERE k = " + String(repeating: "(", count: 10_000),
    "SELECT * FROM t WHERE k = " + String(repeating: "f(", count: 10_000),
    "SELECT * FROM t WHERE " + String(repeating: "(", count: 10_000) + "k = 1",
    "SELECT " + String(repeating: "f(", count: 10_000) + "a" + String(repeating: ")", count: 10_000) + " FROM t",
    "CREATE TABLE t (k " + String(repeating: "frozen<list<", count: 5_000),
])
func deepNestingFailsCleanly(_ input: String) {
    let error = #expect(throws: CQLSyntaxError.self) { try CQLParser.parse(input) }
    #expect(error?.message.contains("nesting deeper than 64 levels") == true)
}

/// The limit counts every nested rule: 64 levels of list literals are allowed, 65 are not.
@Test func nestingUpToTheLimitIsAccepted() throws {
    func nested(_ depth: Int) -> String {
        "INSERT INTO t (v) VALUES (" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + ")"
    }
    _ = try CQLParser.parse(nested(64))
    #expect(throws: CQLSyntaxError.self) { try CQLParser.parse(nested(65)) }
}
