import NIOCore

/// STARTUP (0x01, spec §4.1.1): the options the client chose. The python driver sends
/// `CQL_VERSION`, `DRIVER_NAME`, `DRIVER_VERSION` and, if negotiated, `COMPRESSION`; unknown keys
/// are kept so the server can ignore them.
public struct CQLStartup: Hashable, Sendable {
    public var options: [String: String]

    public init(options: [String: String]) {
        self.options = options
    }

    public var cqlVersion: String? { options["CQL_VERSION"] }

    /// The requested compression name, lowercased as clients may send `LZ4`.
    public var compression: String? { options["COMPRESSION"]?.lowercased() }
}

extension ByteBuffer {
    public mutating func readCQLStartup() throws -> CQLStartup? {
        try parseUnwindingIfNeeded { buffer in CQLStartup(options: try buffer.readCQLStringMap("STARTUP options")) }
    }

    @discardableResult
    public mutating func writeCQLStartup(_ message: CQLStartup) -> Int {
        writeCQLStringMap(message.options)
    }
}
