import BasaltCore

/// Bounds-checked reads over a raw buffer, for the index lookup hot path.
///
/// `ByteReader`'s fixed-width reads are generic and not inlinable across modules, so each costs a
/// generic dispatch per byte; scanning an index segment does a dozen of them per lookup. This cursor
/// reads with `loadUnaligned` and stays in this module, where it is specialized and inlined.
/// Errors carry offsets within the buffer, like `ByteReader`'s.
struct RawCursor {
    let raw: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    init(_ raw: UnsafeRawBufferPointer, offset: Int, end: Int) {
        precondition(offset >= 0 && offset <= end && end <= raw.count, "cursor window outside its buffer")
        self.raw = raw
        self.offset = offset
        self.end = end
    }

    @inline(__always)
    private func require(_ count: Int, _ what: StaticString) throws(DecodeError) {
        if count < 0 || count > end - offset { throw DecodeError.truncated(what: "\(what)", offset: offset, needed: count) }
    }

    @inline(__always)
    mutating func int64(_ what: StaticString) throws(DecodeError) -> Int64 {
        try require(8, what)
        defer { offset += 8 }
        return Int64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self))
    }

    @inline(__always)
    mutating func varint(_ what: StaticString) throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            try require(1, what)
            let byte = raw[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw DecodeError.malformed(what: "\(what): varint overflows 64 bits", offset: offset - 1) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw DecodeError.malformed(what: "\(what): varint longer than 10 bytes", offset: offset - 1) }
        }
    }

    /// A varint checked against `limit`, used as a count or size.
    @inline(__always)
    mutating func length(limit: Int, _ what: StaticString) throws(DecodeError) -> Int {
        let start = offset
        let value = try varint(what)
        guard value <= UInt64(max(limit, 0)) else { throw DecodeError.tooLong(what: "\(what)", offset: start, length: value, limit: limit) }
        return Int(value)
    }

    @inline(__always)
    mutating func skip(_ count: Int, _ what: StaticString) throws(DecodeError) {
        try require(count, what)
        offset += count
    }

    /// A varint length (at most `limit`) and that many bytes, as a range of the buffer.
    @inline(__always)
    mutating func lengthPrefixed(limit: Int, _ what: StaticString) throws(DecodeError) -> Range<Int> {
        let count = try length(limit: limit, what)
        let start = offset
        try skip(count, what)
        return start..<offset
    }

    func bytes(_ range: Range<Int>) -> [UInt8] { [UInt8](UnsafeRawBufferPointer(rebasing: raw[range])) }
}
