extension Parser {
    /// `CREATE KEYSPACE [IF NOT EXISTS] ks WITH properties` (after `CREATE`).
    mutating func createKeyspaceStatement() throws(CQLSyntaxError) -> CreateKeyspaceStatement {
        try expectKeyword("keyspace")
        let ifNotExists = try ifNotExistsClause()
        let keyspace = try name(role: "keyspace")
        try expectKeyword("with")
        return CreateKeyspaceStatement(keyspace: keyspace, ifNotExists: ifNotExists, properties: try properties())
    }

    /// `ALTER KEYSPACE [IF EXISTS] ks WITH properties` (after `ALTER`).
    mutating func alterKeyspaceStatement() throws(CQLSyntaxError) -> AlterKeyspaceStatement {
        try expectKeyword("keyspace")
        let ifExists = try ifExistsClause()
        let keyspace = try name(role: "keyspace")
        try expectKeyword("with")
        return AlterKeyspaceStatement(keyspace: keyspace, ifExists: ifExists, properties: try properties())
    }

    /// `DROP KEYSPACE [IF EXISTS] ks` (after `DROP`).
    mutating func dropKeyspaceStatement() throws(CQLSyntaxError) -> DropKeyspaceStatement {
        try expectKeyword("keyspace")
        let ifExists = try ifExistsClause()
        return DropKeyspaceStatement(keyspace: try name(role: "keyspace"), ifExists: ifExists)
    }

    /// `USE ks`
    mutating func useStatement() throws(CQLSyntaxError) -> UseStatement {
        try expectKeyword("use")
        return UseStatement(keyspace: try name(role: "keyspace"))
    }

    /// `name = value AND ...` after `WITH`.
    mutating func properties() throws(CQLSyntaxError) -> [Property] {
        var properties: [Property] = []
        repeat { properties.append(try property()) } while acceptKeyword("and")
        return properties
    }

    mutating func property() throws(CQLSyntaxError) -> Property {
        let name = try name()
        try expectSymbol("=")
        return Property(name: name, value: try propertyValue())
    }

    /// `[IF NOT EXISTS]`
    mutating func ifNotExistsClause() throws(CQLSyntaxError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("not")
        try expectKeyword("exists")
        return true
    }

    /// `[IF EXISTS]`
    mutating func ifExistsClause() throws(CQLSyntaxError) -> Bool {
        guard acceptKeyword("if") else { return false }
        try expectKeyword("exists")
        return true
    }
}
