import NIOCore

/// The event kinds a connection can REGISTER for (spec §4.2.6).
public enum CQLEventType: String, Hashable, Sendable, CaseIterable {
    case topologyChange = "TOPOLOGY_CHANGE"
    case statusChange = "STATUS_CHANGE"
    case schemaChange = "SCHEMA_CHANGE"
}

/// REGISTER (0x0B, spec §4.1.8): subscribe this connection to events; answered with READY.
public struct CQLRegister: Hashable, Sendable {
    public var eventTypes: [CQLEventType]

    public init(eventTypes: [CQLEventType]) {
        self.eventTypes = eventTypes
    }
}

extension ByteBuffer {
    public mutating func readCQLRegister() throws -> CQLRegister? {
        try parseUnwindingIfNeeded { buffer in
            let names = try buffer.readCQLStringList("REGISTER event types")
            return CQLRegister(eventTypes: try names.map { name in
                guard let type = CQLEventType(rawValue: name) else {
                    throw CQLProtocolError.unknownEnumValue(field: "event type", value: name)
                }
                return type
            })
        }
    }

    @discardableResult
    public mutating func writeCQLRegister(_ message: CQLRegister) -> Int {
        writeCQLStringList(message.eventTypes.map(\.rawValue))
    }
}
