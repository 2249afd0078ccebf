import Glibc

/// A segment file found in the log directory at startup: what replay reads and discard may delete.
struct ExistingSegment: Hashable, Sendable {
    var id: UInt64
    var path: String
    var size: Int
}

/// The log directory: creating it and listing the segments already in it.
enum SegmentDirectory {
    /// Creates `path` and any missing parents (like `mkdir -p`).
    static func create(_ path: String) throws(CommitLogError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .io(operation: "mkdir", path: current, errno: errno)
            }
        }
    }

    /// The segment files in `directory`, oldest first. Other files are left alone; a segment of another
    /// format version is an error, because replaying around it would silently skip its records.
    static func segments(in directory: String) throws(CommitLogError) -> [ExistingSegment] {
        guard let handle = opendir(directory) else { throw .io(operation: "opendir", path: directory, errno: errno) }
        defer { closedir(handle) }
        var found: [ExistingSegment] = []
        while true {
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 { throw .io(operation: "readdir", path: directory, errno: errno) }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            guard let (version, id) = SegmentLayout.parse(fileName: name) else { continue }
            let path = directory + "/" + name
            guard version == SegmentLayout.formatVersion else { throw .unsupportedSegmentVersion(path: path, version: version) }
            var info = stat()
            guard stat(path, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
            found.append(ExistingSegment(id: id, path: path, size: Int(info.st_size)))
        }
        return found.sorted { $0.id < $1.id }
    }

    /// Reads a whole segment file, or returns nil (with its size) when it is larger than any segment
    /// may be, so a bogus file cannot make replay allocate without bound.
    static func read(_ path: String) throws(CommitLogError) -> (bytes: [UInt8]?, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        let size = Int(info.st_size)
        guard size <= SegmentLayout.maximumSegmentSize else { return (nil, size) }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let n = pread(descriptor, buffer.baseAddress! + count, size - count, off_t(count))
                if n > 0 {
                    count += n
                } else if n == 0 {
                    break  // the file shrank since fstat: read what is there
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
        }
        if failure != 0 { throw .io(operation: "pread", path: path, errno: failure) }
        return (bytes, size)
    }
}
