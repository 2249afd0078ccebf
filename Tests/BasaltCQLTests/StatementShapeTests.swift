import Testing
import BasaltCQL

/// Whole-AST checks for statements whose structure matters most to the executor.
@Test func systemLocalQuery() throws {
    let expected = Statement.select(SelectStatement(
        table: QualifiedName(keyspace: "system", name: "local"),
        selection: .all,
        whereClause: [Relation(subject: .column("key"), op: .equal, value: .string("local"))]))
    #expect(try CQLParser.parse("SELECT * FROM system.local WHERE key='local'") == expected)
}

@Test func compositePrimaryKeyIsNormalized() throws {
    let inline = try CQLParser.parse("CREATE TABLE t (k int PRIMARY KEY, v text)")
    #expect(inline == .createTable(CreateTableStatement(
        table: QualifiedName(name: "t"),
        columns: [
            ColumnDefinition(name: "k", type: .native(.int)),
            ColumnDefinition(name: "v", type: .native(.text)),
        ],
        partitionKey: ["k"])))

    let composite = try CQLParser.parse(
        "CREATE TABLE ks.t (a int, b int, c int, s int STATIC, PRIMARY KEY ((a, b), c)) WITH CLUSTERING ORDER BY (c DESC) AND comment = 'x'")
    guard case .createTable(let table) = composite else {
        Issue.record("not a CREATE TABLE: \(composite)")
        return
    }
    #expect(table.partitionKey == ["a", "b"])
    #expect(table.clusteringColumns == ["c"])
    #expect(table.clusteringOrder == [Ordering(column: "c", descending: true)])
    #expect(table.columns.filter(\.isStatic).map(\.name) == ["s"])
    #expect(table.properties == [Property(name: "comment", value: .string("x"))])
}

@Test func updateAssignmentsAndConditions() throws {
    let statement = try CQLParser.parse(
        "UPDATE ks.t USING TTL 5 SET a = 1, l = l + [2], l = [0] + l, s = s - {3}, m['k'] = 4 WHERE k = 1 IF a = 0")
    let expected = Statement.update(UpdateStatement(
        table: QualifiedName(keyspace: "ks", name: "t"),
        using: UsingClause(ttl: .literal(5)),
        assignments: [
            .set(column: "a", value: .integer("1")),
            .add(column: "l", value: .list([.integer("2")])),
            .prepend(column: "l", value: .list([.integer("0")])),
            .subtract(column: "s", value: .set([.integer("3")])),
            .setElement(column: "m", key: .string("k"), value: .integer("4")),
        ],
        whereClause: [Relation(subject: .column("k"), op: .equal, value: .integer("1"))],
        conditions: [Relation(subject: .column("a"), op: .equal, value: .integer("0"))]))
    #expect(statement == expected)
}

@Test func selectorsAndLimits() throws {
    let statement = try CQLParser.parse(
        "SELECT DISTINCT k, count(*) AS n, writetime(v), token(k), max(v) FROM t PER PARTITION LIMIT 1 LIMIT 5")
    let expected = Statement.select(SelectStatement(
        table: QualifiedName(name: "t"),
        isDistinct: true,
        selection: .selectors([
            Selector(.column("k")),
            Selector(.countRows, alias: "n"),
            Selector(.writetime("v")),
            Selector(.function(name: QualifiedName(name: "token"), arguments: [.column("k")])),
            Selector(.function(name: QualifiedName(name: "max"), arguments: [.column("v")])),
        ]),
        perPartitionLimit: .literal(1),
        limit: .literal(5)))
    #expect(statement == expected)
}

@Test func quotedNamesKeepTheirCaseAndUnquotedAreLowered() throws {
    #expect(try CQLParser.parse("USE \"MyKs\"") == .use(UseStatement(keyspace: "MyKs")))
    #expect(try CQLParser.parse("USE MyKs") == .use(UseStatement(keyspace: "myks")))
    #expect(try CQLParser.parse("DROP TABLE \"Ks\".\"a\"\"b\"")
        == .dropTable(DropTableStatement(table: QualifiedName(keyspace: "Ks", name: "a\"b"))))
}

@Test func describeTargets() throws {
    #expect(try CQLParser.parse("DESC FULL SCHEMA") == .describe(DescribeStatement(target: .fullSchema)))
    #expect(try CQLParser.parse("DESCRIBE KEYSPACE") == .describe(DescribeStatement(target: .keyspace(nil, only: false))))
    #expect(try CQLParser.parse("DESCRIBE ks.t WITH INTERNALS")
        == .describe(DescribeStatement(target: .name(QualifiedName(keyspace: "ks", name: "t")), withInternals: true)))
}

@Test func scriptSplitsStatementsAndNumbersMarkersPerStatement() throws {
    let statements = try CQLParser.parseScript("""
        USE ks;
        -- a comment between statements
        SELECT * FROM t WHERE k = ?;;
        BEGIN BATCH INSERT INTO t (k) VALUES (?); INSERT INTO t (k) VALUES (?); APPLY BATCH;
        INSERT INTO t (k) VALUES (?)
        """)
    #expect(statements.count == 4)
    #expect(statements.map { $0.bindMarkers.map(\.index) } == [[], [0], [0, 1], [0]])
    #expect(try CQLParser.parseScript("") == [])
    #expect(try CQLParser.parseScript(" ; ;; ") == [])
}

@Test func scriptReportsErrorsInLaterStatements() {
    let error = #expect(throws: CQLSyntaxError.self) {
        try CQLParser.parseScript("SELECT * FROM t;\nSELECT * FROM WHERE")
    }
    #expect(error?.line == 2)
    #expect(error?.column == 15)
    #expect(error?.token == "WHERE")
}
