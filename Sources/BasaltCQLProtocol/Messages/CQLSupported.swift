import NIOCore

/// SUPPORTED (0x06, spec §4.2.4): the answer to OPTIONS, also used as the driver's heartbeat.
/// It must hold both `CQL_VERSION` and `COMPRESSION` (possibly an empty list) or the python driver
/// fails with `KeyError` (notes §0.2).
public struct CQLSupported: Hashable, Sendable {
    public var options: [String: [String]]

    public init(options: [String: [String]]) {
        self.options = options
    }
}

extension ByteBuffer {
    public mutating func readCQLSupported() throws -> CQLSupported? {
        try parseUnwindingIfNeeded { buffer in
            CQLSupported(options: try buffer.readCQLStringMultimap("SUPPORTED options"))
        }
    }

    @discardableResult
    public mutating func writeCQLSupported(_ message: CQLSupported) -> Int {
        writeCQLStringMultimap(message.options)
    }
}
