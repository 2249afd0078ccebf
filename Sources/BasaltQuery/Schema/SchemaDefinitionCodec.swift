import BasaltCore
import BasaltCQL
import Foundation

/// The persisted form of keyspace and table definitions: JSON with sorted keys. Sorted keys make the
/// encoding canonical, so it doubles as the input of the schema version hash (equal schemas, equal
/// bytes, equal version on every node).
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
            columns: table.columns.map {
                StoredColumn(id: $0.id, name: $0.name, type: $0.type.description, kind: $0.kind,
                             position: $0.position, descending: $0.descending)
            },
            options: table.options, nextColumnID: table.nextColumnID, droppedColumns: table.droppedColumns)
        return (try? Array(encoder().encode(stored))) ?? []
    }

    static func decodeKeyspace(_ bytes: [UInt8]) throws -> KeyspaceSchema {
        try JSONDecoder().decode(KeyspaceSchema.self, from: Data(bytes))
    }

    static func decodeTable(_ bytes: [UInt8]) throws -> TableSchema {
        let stored = try JSONDecoder().decode(StoredTable.self, from: Data(bytes))
        guard let id = UUID(uuidString: stored.id) else { throw Corrupt(description: "bad table id \(stored.id)") }
        let columns = try stored.columns.map { column in
            do {
                return ColumnSchema(id: column.id, name: column.name, type: try CQLTypeText.parse(column.type),
                                    kind: column.kind, position: column.position, descending: column.descending)
            } catch {
                throw Corrupt(description: "bad type \(column.type) of \(stored.keyspace).\(stored.name).\(column.name)")
            }
        }
        var options = stored.options
        options.compression = SchemaProperties.repairedCompression(options.compression)
        return TableSchema(keyspace: stored.keyspace, name: stored.name, id: id, columns: columns,
                           options: options, nextColumnID: stored.nextColumnID,
                           droppedColumns: stored.droppedColumns)
    }
}
