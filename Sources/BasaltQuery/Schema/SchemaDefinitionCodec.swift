import BasaltCore
import BasaltCQL
import Foundation

/// The persisted form of keyspace, table and column definitions: JSON with sorted keys. Sorted keys
/// make the encoding canonical, so it doubles as the input of the schema version hash (equal
/// schemas, equal bytes, equal version on every node). Where each lies: `SchemaRows`.
enum SchemaDefinitionCodec {
    struct StoredColumn: Codable, Hashable {
        var id: UInt32
        var name: String
        var type: String
        var kind: ColumnKind
        var position: Int
        var descending: Bool
    }

    struct StoredTable: Codable, Hashable {
        var keyspace: String
        var name: String
        var id: String
        var columns: [StoredColumn]
        var options: TableSchemaOptions
        var nextColumnID: UInt32
        var droppedColumns: [DroppedColumn]
    }

    /// What one node last said about one column name of one table: its definition while it exists
    /// (nil once dropped or renamed away) and every drop of that name, each with the id it retired.
    struct StoredColumnFact: Codable, Hashable {
        var table: String
        var name: String
        var column: StoredColumn?
        var dropped: [DroppedColumn]
    }

    struct Corrupt: Error, CustomStringConvertible {
        var description: String
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static func encode(_ keyspace: KeyspaceSchema) -> [UInt8] {
        // Encoding plain strings, bools and ints cannot fail.
        (try? Array(encoder().encode(keyspace))) ?? []
    }

    static func encode(_ table: TableSchema) -> [UInt8] {
        let stored = StoredTable(
            keyspace: table.keyspace, name: table.name, id: table.id.uuidString,
            columns: table.columns.map(stored),
            options: table.options, nextColumnID: table.nextColumnID, droppedColumns: table.droppedColumns)
        return (try? Array(encoder().encode(stored))) ?? []
    }

    static func encodeFact(table: TableID, name: String, column: ColumnSchema?, dropped: [DroppedColumn]) -> [UInt8] {
        let fact = StoredColumnFact(table: table.uuidString, name: name, column: column.map(stored), dropped: dropped)
        return (try? Array(encoder().encode(fact))) ?? []
    }

    private static func stored(_ column: ColumnSchema) -> StoredColumn {
        StoredColumn(id: column.id, name: column.name, type: column.type.description, kind: column.kind,
                     position: column.position, descending: column.descending)
    }

    static func decodeKeyspace(_ bytes: [UInt8]) throws -> KeyspaceSchema {
        try JSONDecoder().decode(KeyspaceSchema.self, from: Data(bytes))
    }

    static func decodeTable(_ bytes: [UInt8]) throws -> TableSchema {
        let stored = try JSONDecoder().decode(StoredTable.self, from: Data(bytes))
        guard let id = UUID(uuidString: stored.id) else { throw Corrupt(description: "bad table id \(stored.id)") }
        let columns = try stored.columns.map { try column($0, of: "\(stored.keyspace).\(stored.name)") }
        var options = stored.options
        options.compression = SchemaProperties.repairedCompression(options.compression)
        return TableSchema(keyspace: stored.keyspace, name: stored.name, id: id, columns: columns,
                           options: options, nextColumnID: stored.nextColumnID,
                           droppedColumns: stored.droppedColumns)
    }

    static func decodeFact(_ bytes: [UInt8], in keyspace: String) throws -> (table: TableID, name: String, column: ColumnSchema?, dropped: [DroppedColumn]) {
        let fact = try JSONDecoder().decode(StoredColumnFact.self, from: Data(bytes))
        guard let id = UUID(uuidString: fact.table) else { throw Corrupt(description: "bad table id \(fact.table) in column \(keyspace).\(fact.name)") }
        return (id, fact.name, try fact.column.map { try column($0, of: keyspace) }, fact.dropped)
    }

    private static func column(_ column: StoredColumn, of table: String) throws -> ColumnSchema {
        do {
            return ColumnSchema(id: column.id, name: column.name, type: try CQLTypeText.parse(column.type),
                                kind: column.kind, position: column.position, descending: column.descending)
        } catch {
            throw Corrupt(description: "bad type \(column.type) of \(table).\(column.name)")
        }
    }
}
