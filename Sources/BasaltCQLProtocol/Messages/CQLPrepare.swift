import NIOCore

/// PREPARE (0x09, spec §4.1.5): v4's body is only the query string (v5 adds flags and keyspace).
public struct CQLPrepare: Hashable, Sendable {
    public var query: String

    public init(query: String) {
        self.query = query
    }
}

extension ByteBuffer {
    public mutating func readCQLPrepare() throws -> CQLPrepare? {
        try parseUnwindingIfNeeded { buffer in CQLPrepare(query: try buffer.readCQLLongString("PREPARE query")) }
    }

    @discardableResult
    public mutating func writeCQLPrepare(_ message: CQLPrepare) -> Int {
        writeCQLLongString(message.query)
    }
}
