import BasaltCore

/// The in-memory map from keys to index segments: the first key and file offset of every segment,
/// plus the first and last key of the table. One binary search here, then one segment read, finds
/// any partition's index entry.
///
/// Keys are kept as parallel arrays (tokens apart from bytes) so the search compares contiguous
/// `Int64`s and touches key bytes only on a token tie.
struct Summary: Sendable {
    let interval: Int
    let tokens: [Int64]
    let keys: [[UInt8]]
    /// `segmentOffsets[i] ..< segmentOffsets[i + 1]` is segment i in the Index file; the last offset
    /// is the end of the Index file.
    let segmentOffsets: [Int]
    let firstKey: PartitionKey
    let lastKey: PartitionKey

    var segmentCount: Int { tokens.count }

    func segmentRange(_ i: Int) -> Range<Int> { segmentOffsets[i]..<segmentOffsets[i + 1] }

    /// The segment whose key range holds `key`: the last whose first key is <= `key`; nil when `key`
    /// sorts before the first partition.
    func segment(for key: PartitionKey) -> Int? {
        var low = 0, high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            let t = tokens[mid]
            let entryIsAfterKey = t != key.token ? t > key.token : compareBytes(keys[mid], key.bytes) > 0
            if entryIsAfterKey { high = mid } else { low = mid + 1 }
        }
        return low == 0 ? nil : low - 1
    }

    /// interval: u32 | segmentCount: u32 | segmentCount x (token: i64 | key: varint length + bytes |
    /// offset: u64) | indexEnd: u64 | firstKey | lastKey (each token: i64 | varint length + bytes).
    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + tokens.count * 32)
        w.write(bigEndian: UInt32(interval))
        w.write(bigEndian: UInt32(tokens.count))
        for i in tokens.indices {
            w.write(bigEndian: tokens[i])
            w.writeLengthPrefixed(keys[i])
            w.write(bigEndian: UInt64(segmentOffsets[i]))
        }
        w.write(bigEndian: UInt64(segmentOffsets[tokens.count]))
        Self.write(firstKey, to: &w)
        Self.write(lastKey, to: &w)
        return ComponentFrame.wrap(magic: ComponentFrame.summaryMagic, body: w.bytes)
    }

    static func write(_ key: PartitionKey, to w: inout ByteWriter) {
        w.write(bigEndian: key.token)
        w.writeLengthPrefixed(key.bytes)
    }

    static func readKey(_ r: inout ByteReader, _ what: StaticString) throws(DecodeError) -> PartitionKey {
        let token = try r.read(Int64.self, what)
        return PartitionKey(token: token, bytes: try r.readLengthPrefixed(limit: PartitionKey.maximumLength, what))
    }

    /// Decodes and validates: keys strictly increasing and within first...last, segment offsets
    /// strictly increasing from the end of the Index header to the end of the Index file.
    static func decode(_ bytes: [UInt8], path: String, indexFileSize: Int) throws -> Summary {
        try ComponentFrame.decode(bytes, magic: ComponentFrame.summaryMagic, path: path) { r throws(DecodeError) in
            let intervalOffset = r.offset
            let interval = Int(try r.read(UInt32.self, "summary interval"))
            guard interval >= 1 && interval <= SSTableFormat.maximumSummaryInterval else {
                throw DecodeError.malformed(what: "summary interval \(interval)", offset: intervalOffset)
            }
            let countOffset = r.offset
            let count = Int(try r.read(UInt32.self, "segment count"))
            // Each entry takes at least 17 bytes, so a count the file cannot hold is caught before allocating.
            guard count >= 1 && count <= r.remaining / 17 else {
                throw DecodeError.malformed(what: "segment count \(count)", offset: countOffset)
            }
            var tokens = [Int64](), keys = [[UInt8]](), offsets = [Int]()
            tokens.reserveCapacity(count)
            keys.reserveCapacity(count)
            offsets.reserveCapacity(count + 1)
            var previous: PartitionKey?
            for _ in 0..<count {
                let keyOffset = r.offset
                let key = try readKey(&r, "summary key")
                if let previous, !(previous < key) { throw DecodeError.malformed(what: "summary keys out of order", offset: keyOffset) }
                previous = key
                tokens.append(key.token)
                keys.append(key.bytes)
                try offsets.append(readOffset(&r, after: offsets.last ?? (ComponentFrame.headerLength - 1) , limit: indexFileSize))
            }
            let endOffset = r.offset
            let end = try readOffset(&r, after: offsets[count - 1], limit: indexFileSize)
            guard end == indexFileSize else {
                throw DecodeError.malformed(what: "segments end at \(end) but the Index file has \(indexFileSize) bytes", offset: endOffset)
            }
            offsets.append(end)
            guard offsets[0] == ComponentFrame.headerLength else {
                throw DecodeError.malformed(what: "first segment at \(offsets[0])", offset: countOffset + 4)
            }
            let firstOffset = r.offset
            let first = try readKey(&r, "first key")
            let last = try readKey(&r, "last key")
            guard first == PartitionKey(token: tokens[0], bytes: keys[0]), !(last < previous!) else {
                throw DecodeError.malformed(what: "first/last keys disagree with the segments", offset: firstOffset)
            }
            return Summary(interval: interval, tokens: tokens, keys: keys, segmentOffsets: offsets, firstKey: first, lastKey: last)
        }
    }

    private static func readOffset(_ r: inout ByteReader, after previous: Int, limit: Int) throws(DecodeError) -> Int {
        let at = r.offset
        let raw = try r.read(UInt64.self, "segment offset")
        guard raw > UInt64(previous) && raw <= UInt64(limit) else {
            throw DecodeError.malformed(what: "segment offset \(raw)", offset: at)
        }
        return Int(raw)
    }
}
