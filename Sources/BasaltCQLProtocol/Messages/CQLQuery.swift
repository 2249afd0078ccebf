import NIOCore

/// QUERY (0x07, spec §4.1.4): a CQL string and its parameters.
public struct CQLQuery: Hashable, Sendable {
    public var query: String
    public var parameters: CQLQueryParameters

    public init(query: String, parameters: CQLQueryParameters) {
        self.query = query
        self.parameters = parameters
    }
}

extension ByteBuffer {
    public mutating func readCQLQuery() throws -> CQLQuery? {
        try parseUnwindingIfNeeded { buffer in
            let query = try buffer.readCQLLongString("QUERY string")
            return CQLQuery(query: query, parameters: try buffer.readCQLQueryParametersBody())
        }
    }

    @discardableResult
    public mutating func writeCQLQuery(_ message: CQLQuery) -> Int {
        writeCQLLongString(message.query) + writeCQLQueryParameters(message.parameters)
    }
}
