import NIOCore

/// EXECUTE (0x0A, spec §4.1.6): a prepared statement id (16-byte MD5 in Cassandra) and parameters.
public struct CQLExecute: Hashable, Sendable {
    public var id: [UInt8]
    public var parameters: CQLQueryParameters

    public init(id: [UInt8], parameters: CQLQueryParameters) {
        self.id = id
        self.parameters = parameters
    }
}

extension ByteBuffer {
    public mutating func readCQLExecute() throws -> CQLExecute? {
        try parseUnwindingIfNeeded { buffer in
            let id = try buffer.readCQLShortBytes()
            return CQLExecute(id: id, parameters: try buffer.readCQLQueryParametersBody())
        }
    }

    @discardableResult
    public mutating func writeCQLExecute(_ message: CQLExecute) -> Int {
        writeCQLShortBytes(message.id) + writeCQLQueryParameters(message.parameters)
    }
}
