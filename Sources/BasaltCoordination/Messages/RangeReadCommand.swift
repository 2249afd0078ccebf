import BasaltCore

/// A token-range read sent to a replica (verb RANGE_READ): partitions of a table from `start`
/// (a key, inclusive or not; nil = the start of the ring) through the last partition with token
/// ≤ `endToken` (nil = the end of the ring), at most `limit` partitions. The coordinator splits a
/// scan into ranges whose replicas agree and pages through each with these.
///
/// Bytes: table id (16) · u8 flags (1 = has start, 2 = start inclusive, 4 = has end) · if start:
/// token (i64 BE) + key (varint length + bytes) · if end: end token (i64 BE) · limit (u32 BE).
public struct RangeReadCommand: Hashable, Sendable {
    /// A replica answers at most this many partitions per request, whatever is asked.
    public static let maximumLimit = 10_000

    public var table: TableID
    public var start: PartitionKey?
    public var inclusive: Bool
    public var endToken: Int64?
    public var limit: Int

    public init(table: TableID, start: PartitionKey?, inclusive: Bool, endToken: Int64?, limit: Int) {
        self.table = table
        self.start = start
        self.inclusive = inclusive
        self.endToken = endToken
        self.limit = limit
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        DataCodec.writeTableID(table, to: &w)
        var flags: UInt8 = 0
        if start != nil { flags |= 1 }
        if inclusive { flags |= 2 }
        if endToken != nil { flags |= 4 }
        w.write(flags)
        if let start {
            // The token travels because range starts are synthetic keys (token, no bytes).
            w.write(bigEndian: start.token)
            w.writeLengthPrefixed(start.bytes)
        }
        if let endToken { w.write(bigEndian: endToken) }
        w.write(bigEndian: UInt32(clamping: limit))
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        table = try DataCodec.readTableID(&r)
        let flagsOffset = r.offset
        let flags = try r.readByte("range flags")
        guard flags & ~7 == 0 else { throw .malformed(what: "range flags \(flags)", offset: flagsOffset) }
        if flags & 1 != 0 {
            let token = try r.read(Int64.self, "start token")
            let bytes = try r.readLengthPrefixed(limit: PartitionKey.maximumLength, "start key")
            // A real key's token is its hash; only a keyless bound may carry any token.
            start = bytes.isEmpty ? PartitionKey(token: token, bytes: []) : PartitionKey(bytes)
        } else {
            start = nil
        }
        inclusive = flags & 2 != 0
        endToken = flags & 4 != 0 ? try r.read(Int64.self, "end token") : nil
        let limitOffset = r.offset
        let limit = Int(try r.read(UInt32.self, "limit"))
        guard limit > 0, limit <= Self.maximumLimit else {
            throw .tooLong(what: "range read limit", offset: limitOffset, length: UInt64(limit), limit: Self.maximumLimit)
        }
        self.limit = limit
        try r.expectEnd("range read command")
    }
}

/// A replica's answer to RANGE_READ: the partitions (merged, unresolved) in token order, and
/// whether the replica reached the end of the range (false = it stopped at the limit).
public struct RangeReadResponse: Sendable {
    public var partitions: [PartitionUpdate]
    public var exhausted: Bool

    public init(partitions: [PartitionUpdate], exhausted: Bool) {
        self.partitions = partitions
        self.exhausted = exhausted
    }

    public func encoded() -> [UInt8] {
        var body = ByteWriter()
        for partition in partitions { DataCodec.write(partition, to: &body) }
        return Self.encode(exhausted: exhausted, count: partitions.count, body: body.bytes)
    }

    /// The answer from partitions already encoded one after another in `body` (a replica encodes
    /// each once, as it measures the answer against its size budget).
    public static func encode(exhausted: Bool, count: Int, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.write(exhausted ? 1 : 0)
        w.writeVarint(UInt64(count))
        w.write(contentsOf: body)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        let exhausted = try r.readByte("exhausted")
        guard exhausted <= 1 else { throw .malformed(what: "exhausted flag \(exhausted)", offset: 0) }
        self.exhausted = exhausted == 1
        let count = try r.readLength(limit: min(RangeReadCommand.maximumLimit, r.remaining), "partition count")
        partitions = []
        partitions.reserveCapacity(count)
        for _ in 0..<count { partitions.append(try DataCodec.readPartitionUpdate(&r)) }
        try r.expectEnd("range read response")
    }
}
