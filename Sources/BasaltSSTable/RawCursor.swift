import BasaltCore

/// Bounds-checked reads over a raw buffer, for the index lookup hot path: unlike `ByteReader` it
/// needs no `[UInt8]` (so scanning a cached index segment copies nothing) and reads fixed-width
/// fields with one `loadUnaligned`. Errors carry offsets within the buffer, like `ByteReader`'s.
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
        let raw = self.raw
        return try Varint.decode(offset: &offset, end: end, what) { raw[$0] }
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
