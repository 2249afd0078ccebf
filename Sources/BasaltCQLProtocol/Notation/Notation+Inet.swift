import NIOCore

/// `[inet]` (spec §3): a node address with its native-transport port, as carried by
/// TOPOLOGY_CHANGE and STATUS_CHANGE events.
public struct CQLInetSocketAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: CQLInet
    public var port: Int32

    public init(address: CQLInet, port: Int32) {
        self.address = address
        self.port = port
    }

    public var description: String {
        address.bytes.count == 16 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

extension ByteBuffer {
    mutating func readCQLInet() throws -> CQLInetSocketAddress {
        let size = try readCQLByte()
        guard size == 4 || size == 16 else { throw CQLProtocolError.invalidInetLength(size) }
        guard let bytes = readBytes(length: Int(size)) else { throw CQLNeedMoreBytes() }
        let port = try readCQLInt()
        return CQLInetSocketAddress(address: CQLInet(validatedBytes: bytes), port: port)
    }

    @discardableResult
    mutating func writeCQLInet(_ inet: CQLInetSocketAddress) -> Int {
        writeInteger(UInt8(inet.address.bytes.count)) + writeBytes(inet.address.bytes) + writeInteger(inet.port)
    }
}
