import BasaltCore
import BasaltCommitLog

/// The durable list of a table's live SSTables: the single source of truth for which files count.
///
/// A flush or compaction first writes and fsyncs its new SSTables, then replaces the manifest in one
/// atomic rename (`FileSystem.writeAtomically` in BasaltFileSystem), then deletes what it replaced. A crash at any moment
/// leaves exactly one valid set: before the rename, the old set (new files are orphans); after it, the
/// new set (old files are orphans). Orphans — files of generations the manifest does not list — are
/// deleted when the table opens. Layout in docs/formats/manifest.md.
struct TableManifest: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var generation: UInt64
        var level: Int
    }

    static let fileName = "MANIFEST"
    static let magic: UInt32 = 0x4253_4C4D  // "BSLM"
    static let version: UInt16 = 1
    static let maximumEntries = 1 << 20

    var entries: [Entry] = []
    var nextGeneration: UInt64 = 1
    /// Commit-log records ending before this position are not replayed into this table: everything
    /// before it was flushed (advanced after each flush) or truncated (so replay cannot resurrect it).
    var replayFloor: CommitLogPosition?

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + entries.count * 10)
        w.write(bigEndian: Self.magic)
        w.write(bigEndian: Self.version)
        w.write(bigEndian: nextGeneration)
        if let floor = replayFloor {
            w.write(1)
            w.write(bigEndian: floor.segment)
            w.write(bigEndian: floor.offset)
        } else {
            w.write(0)
        }
        w.writeVarint(UInt64(entries.count))
        for entry in entries {
            w.writeVarint(entry.generation)
            w.writeVarint(UInt64(entry.level))
        }
        w.write(bigEndian: CRC32C.checksum(w.bytes))
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> TableManifest {
        func corrupt(_ reason: String, _ offset: Int) -> StorageError {
            StorageError.corruption(path: path, offset: offset, reason: reason)
        }
        guard bytes.count >= 4 else { throw corrupt("manifest shorter than its checksum", 0) }
        let body = Array(bytes[0..<(bytes.count - 4)])
        var tail = ByteReader(bytes, offset: bytes.count - 4)
        let stored = try tail.read(UInt32.self, "manifest checksum")
        guard stored == CRC32C.checksum(body) else { throw corrupt("manifest checksum mismatch", bytes.count - 4) }
        var r = ByteReader(body)
        do {
            guard try r.read(UInt32.self, "magic") == magic else { throw corrupt("not a manifest (bad magic)", 0) }
            let version = try r.read(UInt16.self, "version")
            guard version == Self.version else { throw corrupt("unsupported manifest version \(version)", 4) }
            var manifest = TableManifest()
            manifest.nextGeneration = try r.read(UInt64.self, "next generation")
            if try r.readByte("replay floor flag") == 1 {
                manifest.replayFloor = CommitLogPosition(segment: try r.read(UInt64.self, "floor segment"),
                                                         offset: try r.read(UInt32.self, "floor offset"))
            }
            let count = try r.readLength(limit: min(maximumEntries, r.remaining), "entry count")
            for _ in 0..<count {
                let generation = try r.readVarint("generation")
                let level = try r.readLength(limit: 64, "level")
                manifest.entries.append(Entry(generation: generation, level: level))
            }
            guard r.isAtEnd else { throw corrupt("\(r.remaining) trailing bytes", r.offset) }
            return manifest
        } catch let error as DecodeError {
            throw corrupt(error.description, r.offset)
        }
    }
}
