import BasaltCore

/// Reads shared by the payload codecs of this module (error responses, the handshake).
extension ByteReader {
    /// `count` bytes that must be valid UTF-8.
    mutating func readUTF8(count: Int, _ what: StaticString) throws(DecodeError) -> String {
        let start = offset
        let bytes = try readBytes(count: count, what)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw .malformed(what: "\(what): invalid UTF-8", offset: start)
        }
        return text
    }

    /// A u16 byte length (at most `limit`) and that many bytes of UTF-8.
    mutating func readShortString(limit: Int, _ what: StaticString) throws(DecodeError) -> String {
        let start = offset
        let length = Int(try read(UInt16.self, what))
        guard length <= limit else {
            throw .tooLong(what: "\(what)", offset: start, length: UInt64(length), limit: limit)
        }
        return try readUTF8(count: length, what)
    }

    mutating func readHostID() throws(DecodeError) -> InternodeHostID {
        let high = try read(UInt64.self, "host id")
        let low = try read(UInt64.self, "host id")
        return InternodeHostID(high: high, low: low)
    }

    /// Throws unless every byte was consumed: a new field needs a new protocol version, so extra
    /// bytes mean a broken or confused peer.
    func expectEnd(_ what: StaticString) throws(DecodeError) {
        guard isAtEnd else { throw .malformed(what: "\(what): \(remaining) trailing bytes", offset: offset) }
    }
}
