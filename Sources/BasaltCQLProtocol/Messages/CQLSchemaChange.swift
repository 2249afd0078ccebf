import NIOCore

/// The body shared by the Schema_change result (kind 0x0005) and the SCHEMA_CHANGE event
/// (spec §4.2.6): what changed and how. Index changes are reported as UPDATED TABLE.
public struct CQLSchemaChange: Hashable, Sendable {
    public enum Change: String, Hashable, Sendable, CaseIterable {
        case created = "CREATED"
        case updated = "UPDATED"
        case dropped = "DROPPED"
    }

    public enum Target: Hashable, Sendable {
        case keyspace(String)
        case table(keyspace: String, name: String)
        case type(keyspace: String, name: String)
        /// `argumentTypes` are CQL type names, e.g. `["int", "frozen<list<text>>"]`.
        case function(keyspace: String, name: String, argumentTypes: [String])
        case aggregate(keyspace: String, name: String, argumentTypes: [String])

        var wireName: String {
            switch self {
            case .keyspace: "KEYSPACE"
            case .table: "TABLE"
            case .type: "TYPE"
            case .function: "FUNCTION"
            case .aggregate: "AGGREGATE"
            }
        }
    }

    public var change: Change
    public var target: Target

    public init(change: Change, target: Target) {
        self.change = change
        self.target = target
    }
}

extension ByteBuffer {
    public mutating func readCQLSchemaChange() throws -> CQLSchemaChange? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLSchemaChangeBody() }
    }

    mutating func readCQLSchemaChangeBody() throws -> CQLSchemaChange {
        let changeName = try readCQLString("schema change type")
        guard let change = CQLSchemaChange.Change(rawValue: changeName) else {
            throw CQLProtocolError.unknownEnumValue(field: "schema change type", value: changeName)
        }
        let targetName = try readCQLString("schema change target")
        let keyspace = try readCQLString("keyspace")
        let target: CQLSchemaChange.Target
        switch targetName {
        case "KEYSPACE": target = .keyspace(keyspace)
        case "TABLE": target = .table(keyspace: keyspace, name: try readCQLString("table"))
        case "TYPE": target = .type(keyspace: keyspace, name: try readCQLString("type"))
        case "FUNCTION":
            let name = try readCQLString("function")
            target = .function(keyspace: keyspace, name: name, argumentTypes: try readCQLStringList("argument types"))
        case "AGGREGATE":
            let name = try readCQLString("aggregate")
            target = .aggregate(keyspace: keyspace, name: name, argumentTypes: try readCQLStringList("argument types"))
        default:
            throw CQLProtocolError.unknownEnumValue(field: "schema change target", value: targetName)
        }
        return CQLSchemaChange(change: change, target: target)
    }

    @discardableResult
    public mutating func writeCQLSchemaChange(_ schemaChange: CQLSchemaChange) -> Int {
        var written = writeCQLString(schemaChange.change.rawValue) + writeCQLString(schemaChange.target.wireName)
        switch schemaChange.target {
        case .keyspace(let keyspace):
            written += writeCQLString(keyspace)
        case .table(let keyspace, let name), .type(let keyspace, let name):
            written += writeCQLString(keyspace) + writeCQLString(name)
        case .function(let keyspace, let name, let argumentTypes), .aggregate(let keyspace, let name, let argumentTypes):
            written += writeCQLString(keyspace) + writeCQLString(name) + writeCQLStringList(argumentTypes)
        }
        return written
    }
}
