import NIOCore

// The fixed-size notations of spec §3: [byte], [short] (unsigned), [int], [long].
// Readers throw `CQLNeedMoreBytes` at the end of the buffer; see `parseUnwindingIfNeeded`.
extension ByteBuffer {
    mutating func readCQLByte() throws -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw CQLNeedMoreBytes() }
        return value
    }

    mutating func readCQLShort() throws -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw CQLNeedMoreBytes() }
        return value
    }

    mutating func readCQLInt() throws -> Int32 {
        guard let value = readInteger(as: Int32.self) else { throw CQLNeedMoreBytes() }
        return value
    }

    mutating func readCQLLong() throws -> Int64 {
        guard let value = readInteger(as: Int64.self) else { throw CQLNeedMoreBytes() }
        return value
    }

    /// Reads a `[short]` or `[int]` element count and checks that `count` elements of at least
    /// `minimumElementSize` bytes each are already buffered, so a hostile count never reserves
    /// gigabytes: it reads as "need more bytes", which inside a complete frame body is a truncation.
    mutating func readCQLCount(_ field: String, minimumElementSize: Int, wide: Bool) throws -> Int {
        let count: Int
        if wide {
            let raw = try readCQLInt()
            guard raw >= 0 else { throw CQLProtocolError.invalidLength(field: field, length: raw) }
            count = Int(raw)
        } else {
            count = Int(try readCQLShort())
        }
        try checkCount(count, minimumElementSize: minimumElementSize)
        return count
    }

    func checkCount(_ count: Int, minimumElementSize: Int) throws {
        // Counts come from an [int] and sizes are small, so the product cannot overflow 64 bits.
        assert(count >= 0 && (0...16).contains(minimumElementSize))
        if count * minimumElementSize > readableBytes { throw CQLNeedMoreBytes() }
    }

    /// Writes a collection count as `[short]`; more than 65535 entries cannot be expressed and is
    /// a caller bug (the server never builds such messages).
    @discardableResult
    mutating func writeCQLShortCount(_ count: Int) -> Int {
        precondition(count >= 0 && count <= Int(UInt16.max), "count \(count) does not fit a [short]")
        return writeInteger(UInt16(count))
    }

    @discardableResult
    mutating func writeCQLIntCount(_ count: Int) -> Int {
        precondition(count >= 0 && count <= Int(Int32.max), "count \(count) does not fit an [int]")
        return writeInteger(Int32(count))
    }
}
