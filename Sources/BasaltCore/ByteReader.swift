/// Reads what `ByteWriter` wrote, from a complete buffer (a whole record, block or file region).
///
/// Every read is bounds-checked and throws `DecodeError` on truncated or malformed input: these
/// buffers come from disk or the network, so a bad length must be an error, never a crash. Every
/// length read from input is checked against an explicit limit before it is used.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// Where the next read starts. Public (not private(set)) so that the readers below can be
    /// `@inlinable`: every SSTable and commit-log decode calls them, across module boundaries.
    public var offset: Int
    public let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = end ?? bytes.count
        precondition(offset >= 0 && self.end <= bytes.count && offset <= self.end, "reader window outside its buffer")
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    @inlinable @inline(__always)
    public func require(_ count: Int, _ what: StaticString) throws(DecodeError) {
        if count < 0 || count > end - offset { throw DecodeError.truncated(what: "\(what)", offset: offset, needed: count) }
    }

    @inlinable
    public mutating func readByte(_ what: StaticString = "byte") throws(DecodeError) -> UInt8 {
        try require(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    @inlinable
    public mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: StaticString = "integer") throws(DecodeError) -> T {
        let size = MemoryLayout<T>.size
        try require(size, what)
        var value: T = 0
        for i in 0..<size { value = (value << 8) | T(truncatingIfNeeded: bytes[offset + i]) }
        offset += size
        return value
    }

    @inlinable
    public mutating func readVarint(_ what: StaticString = "varint") throws(DecodeError) -> UInt64 {
        let bytes = self.bytes
        return try Varint.decode(offset: &offset, end: end, what) { bytes[$0] }
    }

    @inlinable
    public mutating func readSignedVarint(_ what: StaticString = "signed varint") throws(DecodeError) -> Int64 {
        let raw = try readVarint(what)
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// A varint length, checked against `limit`, used as a count or size.
    @inlinable
    public mutating func readLength(limit: Int, _ what: StaticString) throws(DecodeError) -> Int {
        let start = offset
        let raw = try readVarint(what)
        guard raw <= UInt64(limit) else { throw DecodeError.tooLong(what: "\(what)", offset: start, length: raw, limit: limit) }
        return Int(raw)
    }

    @inlinable
    public mutating func readBytes(count: Int, _ what: StaticString = "bytes") throws(DecodeError) -> [UInt8] {
        try require(count, what)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// A varint length (at most `limit`) followed by that many bytes.
    @inlinable
    public mutating func readLengthPrefixed(limit: Int, _ what: StaticString) throws(DecodeError) -> [UInt8] {
        let count = try readLength(limit: limit, what)
        return try readBytes(count: count, what)
    }

    @inlinable
    public mutating func skip(_ count: Int, _ what: StaticString = "skip") throws(DecodeError) {
        try require(count, what)
        offset += count
    }
}

/// Unsigned LEB128, the one decoder every reader shares (`ByteReader`, the SSTable index cursor).
public enum Varint {
    /// Decodes the varint at `offset` (advancing it), reading bytes with `byteAt`; at most 10 bytes,
    /// and never past `end`.
    @inlinable @inline(__always)
    public static func decode(offset: inout Int, end: Int, _ what: StaticString,
                              byteAt: (Int) -> UInt8) throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            if offset >= end { throw DecodeError.truncated(what: "\(what)", offset: offset, needed: 1) }
            let byte = byteAt(offset)
            offset += 1
            if shift == 63 && byte > 1 { throw DecodeError.malformed(what: "\(what): varint overflows 64 bits", offset: offset - 1) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw DecodeError.malformed(what: "\(what): varint longer than 10 bytes", offset: offset - 1) }
        }
    }
}

/// Why bytes from disk or the network could not be decoded. Carries what was being read and where.
public enum DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    case truncated(what: String, offset: Int, needed: Int)
    case tooLong(what: String, offset: Int, length: UInt64, limit: Int)
    case malformed(what: String, offset: Int)

    public var description: String {
        switch self {
        case let .truncated(what, offset, needed): "truncated \(what) at offset \(offset): needed \(needed) more bytes"
        case let .tooLong(what, offset, length, limit): "\(what) at offset \(offset) has length \(length), over the limit \(limit)"
        case let .malformed(what, offset): "malformed \(what) at offset \(offset)"
        }
    }
}
