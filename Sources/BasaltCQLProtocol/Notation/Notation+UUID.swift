import NIOCore

// [uuid] (spec §3): 16 bytes, used for the tracing session id of a response.
extension ByteBuffer {
    mutating func readCQLUUID() throws -> CQLUUID {
        guard let high = readInteger(as: UInt64.self), let low = readInteger(as: UInt64.self) else {
            throw CQLNeedMoreBytes()
        }
        return CQLUUID(high: high, low: low)
    }

    @discardableResult
    mutating func writeCQLUUID(_ uuid: CQLUUID) -> Int {
        writeInteger(uuid.high) + writeInteger(uuid.low)
    }
}
