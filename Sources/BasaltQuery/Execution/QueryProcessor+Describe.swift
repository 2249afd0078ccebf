import BasaltCQL
import BasaltCQLProtocol

extension QueryProcessor {
    /// Server-side DESCRIBE as Cassandra 4+ answers it (notes §2.8): listing forms return
    /// `keyspace_name, type, name`; element forms add `create_statement`; all in one page.
    func describe(_ statement: DescribeStatement, session: CQLSession) throws -> CQLResult {
        func spec(_ name: String, _ type: CQLDataType = .text) -> CQLColumnSpec {
            CQLColumnSpec(keyspace: "system", table: "describe", name: name, type: type)
        }
        let listing = [spec("keyspace_name"), spec("type"), spec("name")]
        let element = listing + [spec("create_statement")]
        func rows(_ specs: [CQLColumnSpec], _ values: [[String]]) -> CQLResult {
            .rows(CQLRows(metadata: CQLRowsMetadata(columns: specs), rows: values.map { $0.map { Array($0.utf8) } }))
        }
        func keyspaceRows(_ keyspace: KeyspaceSchema, withTables: Bool) -> [[String]] {
            var out = [[keyspace.name, "keyspace", keyspace.name, CreateStatements.keyspace(keyspace)]]
            if withTables {
                out += catalog.tables(in: keyspace.name).map { [keyspace.name, "table", $0.name, CreateStatements.table($0)] }
            }
            return out
        }
        switch statement.target {
        case .keyspaces:
            return rows(listing, catalog.allKeyspaces.map { [$0.name, "keyspace", $0.name] })
        case .tables:
            let keyspaces = session.keyspace.flatMap { catalog.keyspace($0) }.map { [$0] } ?? catalog.allKeyspaces
            return rows(listing, keyspaces.flatMap { ks in catalog.tables(in: ks.name).map { [ks.name, "table", $0.name] } })
        case .types, .functions, .aggregates:
            return rows(listing, [])
        case .cluster:
            return rows([spec("cluster"), spec("partitioner"), spec("snitch")],
                        [[node.clusterName, node.partitioner, "org.apache.cassandra.locator.SimpleSnitch"]])
        case .schema, .fullSchema:
            let keyspaces = statement.target == .fullSchema ? catalog.allKeyspaces : catalog.userKeyspaces
            return rows(element, keyspaces.flatMap { keyspaceRows($0, withTables: true) })
        case .keyspace(let name, let only):
            guard let name = name ?? session.keyspace else { throw QueryError.noKeyspace }
            guard let keyspace = catalog.keyspace(name) else { throw QueryError.invalid("'\(name)' not found in keyspaces") }
            return rows(element, keyspaceRows(keyspace, withTables: !only))
        case .table(let name):
            let keyspace = try keyspaceName(name, session: session)
            guard catalog.keyspace(keyspace) != nil else { throw QueryError.invalid("'\(keyspace)' not found in keyspaces") }
            guard let table = catalog.table(keyspace: keyspace, name: name.name) else {
                throw QueryError.invalid("'\(name.name)' not found in keyspace '\(keyspace)'")
            }
            return rows(element, [[keyspace, "table", table.name, CreateStatements.table(table)]])
        case .name(let name):
            if name.keyspace == nil, let keyspace = catalog.keyspace(name.name) {
                return rows(element, keyspaceRows(keyspace, withTables: true))
            }
            return try describe(DescribeStatement(target: .table(name)), session: session)
        case .index(let name), .materializedView(let name), .type(let name), .function(let name), .aggregate(let name):
            let keyspace = try keyspaceName(name, session: session)
            throw QueryError.invalid("'\(name.name)' not found in keyspace '\(keyspace)'")
        }
    }
}

/// CREATE statements for DESCRIBE, formatted as Cassandra prints them.
enum CreateStatements {
    static func name(_ text: String) -> String {
        QualifiedName(name: text).description
    }

    static func literalMap(_ map: [String: String]) -> String {
        "{" + map.sorted { $0.key < $1.key }.map { "'\($0.key)': '\($0.value)'" }.joined(separator: ", ") + "}"
    }

    static func keyspace(_ keyspace: KeyspaceSchema) -> String {
        if isVirtual(keyspace.name) { return virtual("Keyspace \(keyspace.name) is a virtual keyspace", "VIRTUAL KEYSPACE \(name(keyspace.name));") }
        return "CREATE KEYSPACE \(name(keyspace.name)) WITH replication = \(literalMap(keyspace.replication))"
            + "  AND durable_writes = \(keyspace.durableWrites);"
    }

    /// A virtual keyspace or table cannot be created; Cassandra shows its structure in a comment.
    private static func virtual(_ what: String, _ structure: String) -> String {
        "/*\nWarning: \(what) and cannot be recreated with CQL.\nStructure, for reference:\n\(structure)\n*/"
    }

    private static func isVirtual(_ keyspace: String) -> Bool {
        SystemSchemaDefinitions.virtualKeyspaces.contains { $0.name == keyspace }
    }

    static func table(_ table: TableSchema) -> String {
        var lines = table.selectStarColumns.map { column in
            "    \(name(column.name)) \(column.type)" + (column.kind == .static ? " static" : "")
        }
        let partition = table.partitionKey.map { name($0.name) }
        let clustering = table.clusteringColumns.map { name($0.name) }
        let partitionText = partition.count == 1 ? partition[0] : "(" + partition.joined(separator: ", ") + ")"
        lines.append("    PRIMARY KEY (" + ([partitionText] + clustering).joined(separator: ", ") + ")")
        var options: [String] = []
        if !table.clusteringColumns.isEmpty {
            options.append("CLUSTERING ORDER BY (" + table.clusteringColumns.map {
                "\(name($0.name)) \($0.descending ? "DESC" : "ASC")"
            }.joined(separator: ", ") + ")")
        }
        let o = table.options
        let qualified = "\(name(table.keyspace)).\(name(table.name))"
        if isVirtual(table.keyspace) {
            options.append("comment = '\(o.comment.replacingOccurrences(of: "'", with: "''"))'")
            return virtual("Table \(table.keyspace).\(table.name) is a virtual table", "VIRTUAL TABLE \(qualified) (\n"
                           + lines.joined(separator: ",\n") + "\n) WITH " + options.joined(separator: "\n    AND ") + ";")
        }
        options += [
            "bloom_filter_fp_chance = \(o.bloomFilterFpChance)",
            "caching = \(literalMap(o.caching))",
            "comment = '\(o.comment.replacingOccurrences(of: "'", with: "''"))'",
            "compaction = \(literalMap(o.compaction))",
            "compression = \(literalMap(o.compression))",
            "default_time_to_live = \(o.defaultTimeToLive)",
            "gc_grace_seconds = \(o.gcGraceSeconds)",
            "speculative_retry = '\(o.speculativeRetry)'",
        ]
        return "CREATE TABLE \(qualified) (\n" + lines.joined(separator: ",\n") + "\n) WITH "
            + options.joined(separator: "\n    AND ") + ";"
    }
}

import Foundation
