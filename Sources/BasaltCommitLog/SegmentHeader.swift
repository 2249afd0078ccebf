import BasaltCore

/// The first `SegmentHeader.size` bytes of every segment file (docs/formats/commitlog.md):
///
///     0  magic "BCLG"           4 bytes
///     4  format version         u32, big-endian
///     8  segment id             u64
///    16  maximum record size    u32, the writer's limit, so replay bounds lengths by what was legal
///                               when the segment was written, not by today's configuration
///    20  crc32c of bytes 0..<20 u32
struct SegmentHeader: Hashable, Sendable {
    var id: UInt64
    var maximumRecordSize: UInt32

    static let size = 24
    static let magic: [UInt8] = Array("BCLG".utf8)

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.write(contentsOf: Self.magic)
        w.write(bigEndian: UInt32(SegmentLayout.formatVersion))
        w.write(bigEndian: id)
        w.write(bigEndian: maximumRecordSize)
        w.write(bigEndian: CRC32C.checksum(w.bytes))
        assert(w.count == Self.size, "segment header layout changed without updating its size")
        return w.bytes
    }

    /// Reads and checks the header of a segment expected to have `expectedID` (from its file name).
    /// Returns why the header cannot be trusted, as the reason a replay reports.
    static func decode(_ bytes: UnsafeRawBufferPointer, expectedID: UInt64) -> Result<SegmentHeader, CommitLogCorruption.Reason> {
        guard bytes.count >= size else { return .failure(.badHeader("file of \(bytes.count) bytes is shorter than a header")) }
        guard bytes[0..<4].elementsEqual(magic) else { return .failure(.badHeader("magic \(hexString(bytes[0..<4]))")) }
        let stored = RecordFrame.load(bytes, 20)
        let computed = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<20]))
        if stored != computed { return .failure(.badHeader("header crc \(stored), computed \(computed)")) }
        let version = RecordFrame.load(bytes, 4)
        if version != UInt32(SegmentLayout.formatVersion) { return .failure(.badHeader("format version \(version)")) }
        let id = UInt64(RecordFrame.load(bytes, 8)) << 32 | UInt64(RecordFrame.load(bytes, 12))
        if id != expectedID { return .failure(.badHeader("segment id \(id) but the file name says \(expectedID)")) }
        return .success(SegmentHeader(id: id, maximumRecordSize: RecordFrame.load(bytes, 16)))
    }
}
