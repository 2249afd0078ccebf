import Glibc

/// A segment file this process writes: preallocated, mapped shared and read-write, so an append is a
/// memcpy into the page cache. Data there survives a crash of the process (the kernel owns the pages);
/// only an fsync (`sync(from:to:io:)`) makes it survive a crash of the machine.
final class MappedSegment: @unchecked Sendable {
    let id: UInt64
    let path: String
    let size: Int
    let base: UnsafeMutableRawPointer
    private let descriptor: Int32

    // Guarded by the owning log's monitor.
    /// End of the records written so far (starts after the header).
    var written = SegmentHeader.size
    /// Everything before this offset has been through a sync call (successful or not).
    var synced = 0
    /// A sync of this segment failed: take no more records, so new ones go to a fresh file.
    var mustSeal = false

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private init(id: UInt64, path: String, size: Int, base: UnsafeMutableRawPointer, descriptor: Int32) {
        self.id = id
        self.path = path
        self.size = size
        self.base = base
        self.descriptor = descriptor
    }

    deinit {
        munmap(base, size)
        Glibc.close(descriptor)
    }

    /// Creates, preallocates and maps segment `id` in `directory`, writes its header, and makes the new
    /// directory entry durable. On failure nothing is left behind: the file is removed.
    static func create(directory: String, directoryDescriptor: Int32, id: UInt64, size: Int,
                       maximumRecordSize: Int, io: any SegmentIO) throws(CommitLogError) -> MappedSegment {
        assert(size >= SegmentHeader.size + RecordFrame.overhead + maximumRecordSize, "a record must fit in an empty segment")
        let path = directory + "/" + SegmentLayout.fileName(id: id)
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        func abandon(_ operation: String, _ code: Int32) -> CommitLogError {
            Glibc.close(descriptor)
            unlink(path)
            return .io(operation: operation, path: path, errno: code)
        }
        let status = io.allocate(descriptor: descriptor, size: size)
        if status != 0 { throw abandon("posix_fallocate", status) }
        guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              mapped != UnsafeMutableRawPointer(bitPattern: -1) else { throw abandon("mmap", errno) }
        let header = SegmentHeader(id: id, maximumRecordSize: UInt32(maximumRecordSize)).encode()
        header.withUnsafeBytes { mapped.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        // Without this a machine crash could lose the file itself, and with it records acknowledged later.
        if fsync(directoryDescriptor) != 0 {
            let code = errno
            munmap(mapped, size)
            throw abandon("fsync directory", code)
        }
        return MappedSegment(id: id, path: path, size: size, base: mapped, descriptor: descriptor)
    }

    /// Forces bytes `from..<to` to disk (msync needs a page-aligned start, so it begins at the page
    /// holding `from`). Called without the log's lock; safe while appends write further on.
    func sync(from: Int, to: Int, io: any SegmentIO) -> CommitLogError? {
        assert(from <= to && to <= size, "sync range outside the segment")
        let start = from & ~(Self.pageSize - 1)
        let status = io.sync(address: base + start, length: to - start)
        return status == 0 ? nil : .io(operation: "msync", path: path, errno: status)
    }
}
