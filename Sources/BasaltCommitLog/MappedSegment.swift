import BasaltFileSystem

/// A segment file this process writes: preallocated, mapped shared and read-write, so an append is a
/// memcpy into the page cache. Data there survives a crash of the process (the kernel owns the pages);
/// only a sync (`sync(from:to:)`) makes it survive a crash of the machine.
final class MappedSegment: @unchecked Sendable {
    let id: UInt64
    let size: Int
    let base: UnsafeMutableRawPointer
    /// Owns the mapping (unmapped when the last reference goes: the sync thread may be using it).
    private let file: any MappedFile

    // Guarded by the owning log's monitor.
    /// End of the records written so far (starts after the header).
    var written = SegmentHeader.size
    /// Everything before this offset has been through a sync call (successful or not).
    var synced = 0
    /// A sync of this segment failed: take no more records, so new ones go to a fresh file.
    var mustSeal = false

    private init(id: UInt64, file: any MappedFile) {
        self.id = id
        self.file = file
        size = file.size
        base = file.base
    }

    var path: String { file.path }

    /// Creates, preallocates and maps segment `id` in `directory`, writes its header, and makes the new
    /// directory entry durable. On failure nothing is left behind: the file is removed.
    static func create(in directory: String, id: UInt64, size: Int, maximumRecordSize: Int,
                       fileSystem: any FileSystem) throws(CommitLogError) -> MappedSegment {
        assert(size >= SegmentHeader.size + RecordFrame.overhead + maximumRecordSize, "a record must fit in an empty segment")
        let path = directory + "/" + SegmentLayout.fileName(id: id)
        let file: any MappedFile
        do { file = try fileSystem.createMapped(path, size: size) } catch { throw .io(error) }
        let header = SegmentHeader(id: id, maximumRecordSize: UInt32(maximumRecordSize)).encode()
        header.withUnsafeBytes { file.base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        // Without this a machine crash could lose the file itself, and with it records acknowledged later.
        do { try fileSystem.syncDirectory(directory) } catch {
            try? fileSystem.remove(path)
            throw .io(error)
        }
        return MappedSegment(id: id, file: file)
    }

    /// Forces bytes `from..<to` to disk. Called without the log's lock; safe while appends write
    /// further on.
    func sync(from: Int, to: Int) -> CommitLogError? {
        assert(from <= to && to <= size, "sync range outside the segment")
        do { try file.sync(from: from, to: to) } catch { return .io(error) }
        return nil
    }
}
