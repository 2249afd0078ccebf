import BasaltCore
import struct Foundation.UUID

/// What an SSTable holds, computed while it is written and stored in its Statistics component:
/// what compaction strategies, purge decisions and read planning need without opening the data.
public struct SSTableMetadata: Hashable, Sendable {
    /// Tombstones by kind, as written (expired-TTL cells are not tombstones here).
    public struct TombstoneCounts: Hashable, Sendable {
        public var cell = 0
        public var row = 0
        public var range = 0
        public var partition = 0
        /// Deletions of a whole collection column within a row.
        public var complex = 0

        public init() {}

        public var total: Int { cell + row + range + partition + complex }
    }

    public var formatVersion: UInt16
    public var table: TableID
    public var partitionCount: Int
    /// Clustered rows; static rows are not counted.
    public var rowCount: Int
    public var firstKey: PartitionKey
    public var lastKey: PartitionKey
    /// Over every timestamped fact (cells, row markers, all deletions); `Int64.max` / `.min` when none.
    public var minTimestamp: Int64
    public var maxTimestamp: Int64
    /// The latest `localDeletionTime` of any tombstone and the latest expiry of any expiring cell or
    /// row marker; `Int32.min` when there is none. Nothing in this SSTable becomes purgeable later.
    public var maxLocalDeletionTime: Int32
    /// True when some cell or row marker is live without a TTL: such an SSTable never expires as a
    /// whole, so "fully expired" is `!containsNonExpiringData && maxLocalDeletionTime < gcBefore`.
    public var containsNonExpiringData: Bool
    public var tombstones: TombstoneCounts
    /// Length of the uncompressed Data stream.
    public var uncompressedSize: Int
    /// Size of the Data file.
    public var compressedSize: Int
    /// Milliseconds since the Unix epoch when the writer finished.
    public var creationTime: Int64
    /// Set by the engine at write time (leveled compaction's level).
    public var level: Int
    /// Set by the engine at write time: when the data was last repaired (0 = unrepaired).
    public var repairedAt: Int64

    public var minToken: Int64 { firstKey.token }
    public var maxToken: Int64 { lastKey.token }

    public init(formatVersion: UInt16, table: TableID, partitionCount: Int, rowCount: Int,
                firstKey: PartitionKey, lastKey: PartitionKey, minTimestamp: Int64, maxTimestamp: Int64,
                maxLocalDeletionTime: Int32, containsNonExpiringData: Bool, tombstones: TombstoneCounts,
                uncompressedSize: Int, compressedSize: Int, creationTime: Int64, level: Int, repairedAt: Int64) {
        self.formatVersion = formatVersion
        self.table = table
        self.partitionCount = partitionCount
        self.rowCount = rowCount
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.maxLocalDeletionTime = maxLocalDeletionTime
        self.containsNonExpiringData = containsNonExpiringData
        self.tombstones = tombstones
        self.uncompressedSize = uncompressedSize
        self.compressedSize = compressedSize
        self.creationTime = creationTime
        self.level = level
        self.repairedAt = repairedAt
    }

    /// The Statistics body; layout in docs/formats/sstable.md.
    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.write(bigEndian: formatVersion)
        DataCodec.writeTableID(table, to: &w)
        w.write(bigEndian: UInt64(partitionCount))
        w.write(bigEndian: UInt64(rowCount))
        Summary.write(firstKey, to: &w)
        Summary.write(lastKey, to: &w)
        w.write(bigEndian: minTimestamp)
        w.write(bigEndian: maxTimestamp)
        w.write(bigEndian: maxLocalDeletionTime)
        w.write(containsNonExpiringData ? 1 : 0)
        for count in [tombstones.cell, tombstones.row, tombstones.range, tombstones.partition, tombstones.complex] {
            w.write(bigEndian: UInt64(count))
        }
        w.write(bigEndian: UInt64(uncompressedSize))
        w.write(bigEndian: UInt64(compressedSize))
        w.write(bigEndian: creationTime)
        w.write(bigEndian: Int64(level))
        w.write(bigEndian: repairedAt)
        return ComponentFrame.wrap(magic: ComponentFrame.statisticsMagic, body: w.bytes)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> SSTableMetadata {
        try ComponentFrame.decode(bytes, magic: ComponentFrame.statisticsMagic, path: path) { r throws(DecodeError) in
            let versionOffset = r.offset
            let version = try r.read(UInt16.self, "format version")
            guard version == SSTableFormat.version else {
                throw DecodeError.malformed(what: "format version \(version)", offset: versionOffset)
            }
            let table = try DataCodec.readTableID(&r)
            let partitionCount = try count(&r, "partition count")
            let rowCount = try count(&r, "row count")
            let firstOffset = r.offset
            let first = try Summary.readKey(&r, "first key")
            let last = try Summary.readKey(&r, "last key")
            guard !(last < first), partitionCount >= 1 else {
                throw DecodeError.malformed(what: "key range or partition count", offset: firstOffset)
            }
            let minTimestamp = try r.read(Int64.self, "min timestamp")
            let maxTimestamp = try r.read(Int64.self, "max timestamp")
            let maxLocalDeletionTime = try r.read(Int32.self, "max local deletion time")
            let flagOffset = r.offset
            let flag = try r.readByte("non-expiring flag")
            guard flag <= 1 else { throw DecodeError.malformed(what: "non-expiring flag \(flag)", offset: flagOffset) }
            var tombstones = TombstoneCounts()
            tombstones.cell = try count(&r, "cell tombstones")
            tombstones.row = try count(&r, "row tombstones")
            tombstones.range = try count(&r, "range tombstones")
            tombstones.partition = try count(&r, "partition tombstones")
            tombstones.complex = try count(&r, "complex deletions")
            let uncompressed = try count(&r, "uncompressed size")
            let compressed = try count(&r, "compressed size")
            let creationTime = try r.read(Int64.self, "creation time")
            let level = try r.read(Int64.self, "level")
            let repairedAt = try r.read(Int64.self, "repaired at")
            return SSTableMetadata(formatVersion: version, table: table, partitionCount: partitionCount, rowCount: rowCount,
                                   firstKey: first, lastKey: last, minTimestamp: minTimestamp, maxTimestamp: maxTimestamp,
                                   maxLocalDeletionTime: maxLocalDeletionTime, containsNonExpiringData: flag == 1,
                                   tombstones: tombstones, uncompressedSize: uncompressed, compressedSize: compressed,
                                   creationTime: creationTime, level: Int(level), repairedAt: repairedAt)
        }
    }

    /// A u64 count that must fit comfortably in an `Int`.
    private static func count(_ r: inout ByteReader, _ what: StaticString) throws(DecodeError) -> Int {
        let at = r.offset
        let raw = try r.read(UInt64.self, what)
        guard raw <= UInt64(Int64.max / 2) else { throw DecodeError.tooLong(what: "\(what)", offset: at, length: raw, limit: Int.max / 2) }
        return Int(raw)
    }
}
