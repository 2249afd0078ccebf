import NIOCore

/// EVENT (0x0C, spec §4.2.6): pushed on stream -1 to connections that REGISTERed its type.
/// Addresses are the node's native-transport address and port, which drivers match against
/// `system.peers` to find the host.
public enum CQLEvent: Hashable, Sendable {
    public enum TopologyChange: String, Hashable, Sendable, CaseIterable {
        case newNode = "NEW_NODE"
        case removedNode = "REMOVED_NODE"
        case movedNode = "MOVED_NODE"
    }

    public enum StatusChange: String, Hashable, Sendable, CaseIterable {
        case up = "UP"
        case down = "DOWN"
    }

    case topologyChange(TopologyChange, CQLInetSocketAddress)
    case statusChange(StatusChange, CQLInetSocketAddress)
    case schemaChange(CQLSchemaChange)

    /// Events always travel on this stream (spec §2.3).
    public static let stream: Int16 = -1

    public var type: CQLEventType {
        switch self {
        case .topologyChange: .topologyChange
        case .statusChange: .statusChange
        case .schemaChange: .schemaChange
        }
    }
}

extension ByteBuffer {
    public mutating func readCQLEvent() throws -> CQLEvent? {
        try parseUnwindingIfNeeded { buffer in
            let typeName = try buffer.readCQLString("event type")
            switch CQLEventType(rawValue: typeName) {
            case .topologyChange:
                let name = try buffer.readCQLString("topology change")
                guard let change = CQLEvent.TopologyChange(rawValue: name) else {
                    throw CQLProtocolError.unknownEnumValue(field: "topology change", value: name)
                }
                return .topologyChange(change, try buffer.readCQLInet())
            case .statusChange:
                let name = try buffer.readCQLString("status change")
                guard let change = CQLEvent.StatusChange(rawValue: name) else {
                    throw CQLProtocolError.unknownEnumValue(field: "status change", value: name)
                }
                return .statusChange(change, try buffer.readCQLInet())
            case .schemaChange:
                return .schemaChange(try buffer.readCQLSchemaChangeBody())
            case nil:
                throw CQLProtocolError.unknownEnumValue(field: "event type", value: typeName)
            }
        }
    }

    @discardableResult
    public mutating func writeCQLEvent(_ event: CQLEvent) -> Int {
        var written = writeCQLString(event.type.rawValue)
        switch event {
        case .topologyChange(let change, let address):
            written += writeCQLString(change.rawValue) + writeCQLInet(address)
        case .statusChange(let change, let address):
            written += writeCQLString(change.rawValue) + writeCQLInet(address)
        case .schemaChange(let schemaChange):
            written += writeCQLSchemaChange(schemaChange)
        }
        return written
    }
}
