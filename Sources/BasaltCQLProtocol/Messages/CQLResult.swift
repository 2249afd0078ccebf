import NIOCore

/// RESULT (0x08, spec §4.2.5): `[int] kind` then the kind's body.
public enum CQLResult: Hashable, Sendable {
    case void
    case rows(CQLRows)
    /// The case-preserved keyspace name; the python driver then runs `USE "<name>"` on its pool.
    case setKeyspace(String)
    case prepared(CQLPrepared)
    case schemaChange(CQLSchemaChange)

    var kind: Int32 {
        switch self {
        case .void: 0x0001
        case .rows: 0x0002
        case .setKeyspace: 0x0003
        case .prepared: 0x0004
        case .schemaChange: 0x0005
        }
    }
}

extension ByteBuffer {
    public mutating func readCQLResult() throws -> CQLResult? {
        try parseUnwindingIfNeeded { buffer in
            let kind = try buffer.readCQLInt()
            switch kind {
            case 0x0001: return .void
            case 0x0002: return .rows(try buffer.readCQLRowsBody())
            case 0x0003: return .setKeyspace(try buffer.readCQLString("keyspace"))
            case 0x0004: return .prepared(try buffer.readCQLPreparedBody())
            case 0x0005: return .schemaChange(try buffer.readCQLSchemaChangeBody())
            default: throw CQLProtocolError.unknownResultKind(kind)
            }
        }
    }

    @discardableResult
    public mutating func writeCQLResult(_ result: CQLResult) -> Int {
        let written = writeInteger(result.kind)
        switch result {
        case .void: return written
        case .rows(let rows): return written + writeCQLRows(rows)
        case .setKeyspace(let keyspace): return written + writeCQLString(keyspace)
        case .prepared(let prepared): return written + writeCQLPrepared(prepared)
        case .schemaChange(let schemaChange): return written + writeCQLSchemaChange(schemaChange)
        }
    }
}
