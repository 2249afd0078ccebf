import BasaltCluster
import BasaltCore

/// One chunk of a range stream asked of a source (verb STREAM_READ): the partitions of a table in a
/// non-wrapping token range `(start, end]`, after `resume` (exclusive; nil = from the range's
/// start), until the answer passes `byteBudget`. The receiver asks for the next chunk only when
/// the previous one is stored, so one chunk per stream is in flight (flow control by the
/// receiver's pace), and the source, which keeps no state between chunks, throttles its answers.
///
/// Bytes (docs/formats/streaming.md): table id (16) · start (i64 BE) · end (i64 BE) · u8 flags
/// (1 = has resume) · if resume: token (i64 BE) + key (varint length + bytes) · byte budget (u32 BE).
public struct StreamReadCommand: Hashable, Sendable {
    /// A chunk is at most this large (the internode frame limit is far above).
    public static let maximumByteBudget = 16 << 20

    public var table: TableID
    public var range: TokenRange
    public var resume: PartitionKey?
    public var byteBudget: Int

    public init(table: TableID, range: TokenRange, resume: PartitionKey?, byteBudget: Int) {
        self.table = table
        self.range = range
        self.resume = resume
        self.byteBudget = byteBudget
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        DataCodec.writeTableID(table, to: &w)
        w.write(bigEndian: range.start)
        w.write(bigEndian: range.end)
        w.write(resume == nil ? 0 : 1)
        if let resume {
            w.write(bigEndian: resume.token)
            w.writeLengthPrefixed(resume.bytes)
        }
        w.write(bigEndian: UInt32(clamping: byteBudget))
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        table = try DataCodec.readTableID(&r)
        let rangeOffset = r.offset
        let start = try r.read(Int64.self, "range start")
        let end = try r.read(Int64.self, "range end")
        // Streams walk unwrapped pieces: a wrapping or empty range here is a sender's bug.
        guard start < end else { throw .malformed(what: "stream range (\(start), \(end)]", offset: rangeOffset) }
        range = TokenRange(start: start, end: end)
        let flagsOffset = r.offset
        let flags = try r.readByte("stream flags")
        guard flags <= 1 else { throw .malformed(what: "stream flags \(flags)", offset: flagsOffset) }
        if flags == 1 {
            let token = try r.read(Int64.self, "resume token")
            let key = try r.readLengthPrefixed(limit: PartitionKey.maximumLength, "resume key")
            resume = key.isEmpty ? PartitionKey(token: token, bytes: []) : PartitionKey(key)
        } else {
            resume = nil
        }
        let budgetOffset = r.offset
        let budget = Int(try r.read(UInt32.self, "byte budget"))
        guard budget > 0, budget <= Self.maximumByteBudget else {
            throw .tooLong(what: "stream byte budget", offset: budgetOffset, length: UInt64(budget), limit: Self.maximumByteBudget)
        }
        byteBudget = budget
        try r.expectEnd("stream read command")
    }
}

/// A source's answer to STREAM_READ: partitions (merged, unresolved: tombstones and original
/// timestamps included) in token order, and whether the range is done.
///
/// Bytes: u8 flags (1 = last chunk of the range) · partition count (varint) · row count (varint,
/// static rows included) · CRC-32C of the body (u32 BE) · body: the partitions one after another
/// (`DataCodec`). The internode frame already carries a CRC-32C of its payload; the body's own
/// checksum and counts are computed by the source's encoder and checked by the receiver after
/// decoding, so a chunk is verified from the source's storage read to the receiver's write.
public struct StreamChunk: Sendable {
    public static let maximumPartitions = 1 << 20

    public var partitions: [PartitionUpdate]
    public var isLast: Bool

    public init(partitions: [PartitionUpdate], isLast: Bool) {
        self.partitions = partitions
        self.isLast = isLast
    }

    public var rowCount: Int { partitions.reduce(0) { $0 + Self.rows(in: $1) } }

    static func rows(in partition: PartitionUpdate) -> Int { partition.rows.count + (partition.staticRow == nil ? 0 : 1) }

    public func encoded() -> [UInt8] {
        var body = ByteWriter()
        for partition in partitions { DataCodec.write(partition, to: &body) }
        return Self.encode(isLast: isLast, partitions: partitions.count, rows: rowCount, body: body.bytes)
    }

    /// The answer from partitions already encoded into `body` (the source measures the chunk
    /// against its budget as it encodes).
    public static func encode(isLast: Bool, partitions: Int, rows: Int, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.write(isLast ? 1 : 0)
        w.writeVarint(UInt64(partitions))
        w.writeVarint(UInt64(rows))
        w.write(bigEndian: CRC32C.checksum(body))
        w.write(contentsOf: body)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(StreamChunkError) {
        do {
            var r = ByteReader(bytes)
            let flags = try r.readByte("chunk flags")
            guard flags <= 1 else { throw StreamChunkError.malformed(.malformed(what: "chunk flags \(flags)", offset: 0)) }
            isLast = flags == 1
            let count = try r.readLength(limit: min(Self.maximumPartitions, r.remaining), "partition count")
            let rows = try r.readVarint("row count")
            let crc = try r.read(UInt32.self, "body checksum")
            let bodyStart = r.offset
            let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[bodyStart...])) }
            guard actual == crc else { throw StreamChunkError.checksumMismatch(expected: crc, actual: actual) }
            partitions = []
            partitions.reserveCapacity(count)
            for _ in 0..<count { partitions.append(try DataCodec.readPartitionUpdate(&r)) }
            try r.expectEnd("stream chunk")
            let decodedRows = partitions.reduce(0) { $0 + Self.rows(in: $1) }
            guard UInt64(decodedRows) == rows else { throw StreamChunkError.rowCountMismatch(expected: rows, decoded: decodedRows) }
        } catch let error as DecodeError {
            throw .malformed(error)
        } catch let error as StreamChunkError {
            throw error
        } catch {
            throw .malformed(.malformed(what: "stream chunk: \(error)", offset: 0))
        }
    }
}

/// Why a received chunk was refused; the receiver asks for it again.
public enum StreamChunkError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(DecodeError)
    case checksumMismatch(expected: UInt32, actual: UInt32)
    case rowCountMismatch(expected: UInt64, decoded: Int)

    public var description: String {
        switch self {
        case .malformed(let error): "malformed stream chunk: \(error)"
        case let .checksumMismatch(expected, actual):
            "stream chunk checksum mismatch: sent \(String(expected, radix: 16)), received \(String(actual, radix: 16))"
        case let .rowCountMismatch(expected, decoded): "stream chunk announced \(expected) rows, decoded \(decoded)"
        }
    }
}

/// What a node is asked to fetch (verb STREAM_FETCH): ranges of tables, each with the nodes to
/// stream it from in preference order. A node that leaves sends it to each new owner with itself as
/// the source; the node running a removal sends it to each node that takes over a dead node's
/// ranges. The answer (`StreamSummary`) comes when everything is stored.
///
/// Bytes: item count (varint) · per item: table id (16) · start (i64 BE) · end (i64 BE) · source
/// count (u8) · per source: host (varint length + UTF-8) · port (u16 BE).
public struct StreamFetchRequest: Hashable, Sendable {
    public struct Item: Hashable, Sendable {
        public var table: TableID
        public var range: TokenRange
        public var sources: [NodeAddress]

        public init(table: TableID, range: TokenRange, sources: [NodeAddress]) {
            self.table = table
            self.range = range
            self.sources = sources
        }
    }

    public static let maximumItems = 1 << 20
    public static let maximumSources = 32
    static let maximumHostBytes = 255

    public var items: [Item]

    public init(items: [Item]) { self.items = items }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.writeVarint(UInt64(items.count))
        for item in items {
            DataCodec.writeTableID(item.table, to: &w)
            w.write(bigEndian: item.range.start)
            w.write(bigEndian: item.range.end)
            w.write(UInt8(clamping: item.sources.count))
            for source in item.sources.prefix(Self.maximumSources) {
                w.writeLengthPrefixed(Array(source.host.utf8))
                w.write(bigEndian: UInt16(clamping: source.port))
            }
        }
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        let count = try r.readLength(limit: min(Self.maximumItems, r.remaining), "item count")
        items = []
        for _ in 0..<count {
            let table = try DataCodec.readTableID(&r)
            let start = try r.read(Int64.self, "range start")
            let end = try r.read(Int64.self, "range end")
            let sourcesOffset = r.offset
            let sourceCount = Int(try r.readByte("source count"))
            guard sourceCount <= Self.maximumSources else {
                throw .tooLong(what: "stream sources", offset: sourcesOffset, length: UInt64(sourceCount), limit: Self.maximumSources)
            }
            var sources: [NodeAddress] = []
            for _ in 0..<sourceCount {
                let hostOffset = r.offset
                let host = try r.readLengthPrefixed(limit: Self.maximumHostBytes, "source host")
                guard !host.isEmpty, let text = String(validating: host, as: UTF8.self) else {
                    throw .malformed(what: "source host", offset: hostOffset)
                }
                sources.append(NodeAddress(host: text, port: Int(try r.read(UInt16.self, "source port"))))
            }
            items.append(Item(table: table, range: TokenRange(start: start, end: end), sources: sources))
        }
        try r.expectEnd("stream fetch request")
    }
}

/// What a stream moved: the answer to STREAM_FETCH, and what a node logs after bootstrap.
///
/// Bytes: partitions (varint) · rows (varint) · bytes (varint).
public struct StreamSummary: Hashable, Sendable, CustomStringConvertible {
    public var partitions: Int
    public var rows: Int
    public var bytes: Int

    public init(partitions: Int = 0, rows: Int = 0, bytes: Int = 0) {
        self.partitions = partitions
        self.rows = rows
        self.bytes = bytes
    }

    public static func + (a: StreamSummary, b: StreamSummary) -> StreamSummary {
        StreamSummary(partitions: a.partitions + b.partitions, rows: a.rows + b.rows, bytes: a.bytes + b.bytes)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.writeVarint(UInt64(partitions))
        w.writeVarint(UInt64(rows))
        w.writeVarint(UInt64(bytes))
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(DecodeError) {
        var r = ByteReader(bytes)
        partitions = Int(clamping: try r.readVarint("partitions"))
        rows = Int(clamping: try r.readVarint("rows"))
        self.bytes = Int(clamping: try r.readVarint("bytes"))
        try r.expectEnd("stream summary")
    }

    public var description: String { "\(partitions) partitions, \(rows) rows, \(bytes) bytes" }
}
