import BasaltCore
import Glibc

/// The Index file is a 6-byte header (`BIDX`, version) followed by *segments*, each holding the
/// entries of `summaryInterval` consecutive partitions (the last may hold fewer):
///
///     entryCount: u32 | bodyLength: u32 | body: entryCount index entries | crc32c(entryCount..body): u32
///
/// The Summary points at every segment, so a lookup reads exactly one segment with one pread (or
/// finds it in the block cache), checks its CRC, and scans at most `summaryInterval` entries.
enum IndexSegment {
    static let headerLength = 8
    static let overhead = headerLength + 4

    /// Frames `body` (the encoded entries) for the Index file.
    static func frame(entryCount: Int, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter(capacity: body.count + overhead)
        w.write(bigEndian: UInt32(entryCount))
        w.write(bigEndian: UInt32(body.count))
        w.write(contentsOf: body)
        w.write(bigEndian: CRC32C.checksum(w.bytes))
        return w.bytes
    }

    /// Checks a segment frame read from `path` at `fileOffset`: lengths, entry count and CRC.
    static func verify(_ frame: [UInt8], path: String, fileOffset: Int, interval: Int) throws {
        func corrupt(_ reason: String) -> SSTableCorruption {
            SSTableCorruption(path: path, offset: fileOffset, reason: "index segment: \(reason)")
        }
        guard frame.count >= overhead else { throw corrupt("\(frame.count) bytes is shorter than a segment frame") }
        try frame.withUnsafeBytes { raw in
            let entryCount = Int(UInt32(bigEndian: raw.loadUnaligned(as: UInt32.self)))
            let bodyLength = Int(UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            guard bodyLength == frame.count - overhead else {
                throw corrupt("body length \(bodyLength) in a frame of \(frame.count) bytes")
            }
            guard entryCount >= 1 && entryCount <= interval else { throw corrupt("entry count \(entryCount)") }
            let crcAt = frame.count - 4
            let stored = UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: crcAt, as: UInt32.self))
            let actual = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<crcAt]))
            guard stored == actual else {
                throw corrupt("checksum mismatch: stored \(hex32(stored)), computed \(hex32(actual))")
            }
        }
    }

    /// A cursor over the entries of a frame that `verify` accepted (possibly earlier, before it was cached).
    static func cursor(_ frame: [UInt8], path: String, fileOffset: Int, streamLength: Int) -> IndexSegmentCursor {
        let entryCount = frame.withUnsafeBytes { Int(UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self))) }
        return IndexSegmentCursor(frame: frame, offset: headerLength, end: frame.count - 4, remaining: entryCount,
                                  path: path, fileOffset: fileOffset, streamLength: streamLength)
    }
}

/// Walks the entries of one verified segment. Positions in errors are file offsets.
struct IndexSegmentCursor {
    private let frame: [UInt8]
    private var offset: Int
    private let end: Int
    private var remaining: Int
    let path: String
    let fileOffset: Int
    let streamLength: Int

    init(frame: [UInt8], offset: Int, end: Int, remaining: Int, path: String, fileOffset: Int, streamLength: Int) {
        self.frame = frame
        self.offset = offset
        self.end = end
        self.remaining = remaining
        self.path = path
        self.fileOffset = fileOffset
        self.streamLength = streamLength
    }

    /// Runs `body` on a cursor at the current position and keeps the position it moved to.
    private mutating func reading<T>(_ body: (inout RawCursor) throws(DecodeError) -> T) throws -> T {
        let (start, end) = (offset, self.end)
        let result: Result<(T, Int), DecodeError> = frame.withUnsafeBytes { raw in
            var r = RawCursor(raw, offset: start, end: end)
            do throws(DecodeError) {
                let value = try body(&r)
                return .success((value, r.offset))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case let .success((value, newOffset)):
            offset = newOffset
            return value
        case let .failure(error):
            throw SSTableCorruption(path: path, offset: fileOffset + error.offset, reason: "index segment at \(fileOffset): \(error)")
        }
    }

    /// The next entry in full, nil after the last (when the body must be used up exactly).
    mutating func next() throws -> IndexEntry? {
        if remaining == 0 {
            if offset != end {
                throw SSTableCorruption(path: path, offset: fileOffset + offset,
                                        reason: "index segment at \(fileOffset): \(end - offset) bytes after the last entry")
            }
            return nil
        }
        remaining -= 1
        let streamLength = self.streamLength
        return try reading { r throws(DecodeError) in
            let token = try r.int64("index token")
            let key = PartitionKey(token: token, bytes: r.bytes(try r.lengthPrefixed(limit: PartitionKey.maximumLength, "index key")))
            return try IndexEntry.readRest(&r, key: key, streamLength: streamLength)
        }
    }

    /// The entry for `key`, or nil once an entry sorts after it. Compares in place: entries before the
    /// key cost a token compare (and a memcmp on a token tie), never an allocation.
    mutating func find(_ key: PartitionKey) throws -> IndexEntry? {
        let (count, streamLength) = (remaining, self.streamLength)
        remaining = 0
        return try reading { r throws(DecodeError) -> IndexEntry? in
            for _ in 0..<count {
                let token = try r.int64("index token")
                if token > key.token { return nil }
                let keyRange = try r.lengthPrefixed(limit: PartitionKey.maximumLength, "index key")
                if token < key.token {
                    try IndexEntry.skipRest(&r)
                    continue
                }
                let order = key.bytes.withUnsafeBytes { compareRaw(UnsafeRawBufferPointer(rebasing: r.raw[keyRange]), $0) }
                if order > 0 { return nil }
                if order < 0 {
                    try IndexEntry.skipRest(&r)
                    continue
                }
                return try IndexEntry.readRest(&r, key: key, streamLength: streamLength)
            }
            return nil
        }
    }
}

/// memcmp order with shorter-is-smaller, over raw buffers.
@inline(__always)
func compareRaw(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let r = memcmp(a.baseAddress!, b.baseAddress!, common)
        if r != 0 { return r < 0 ? -1 : 1 }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}
