#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few file operations the engine needs, with the durability steps spelled out: a new file is
/// only durable once its directory entry is, so every create/rename is followed by a directory fsync.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let path: String
        let errorNumber: Int32
        var description: String { "\(operation) \(path): \(String(cString: strerror(errorNumber))) (errno \(errorNumber))" }
    }

    static func makeDirectory(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST { throw Failure(operation: "mkdir", path: prefix, errorNumber: errno) }
        }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        if fd < 0 { throw Failure(operation: "open directory", path: path, errorNumber: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 { throw Failure(operation: "fsync directory", path: path, errorNumber: errno) }
    }

    /// Replaces `path` with `bytes` atomically: write a temporary file, fsync it, rename it over the
    /// old one, fsync the directory. After a crash the file holds either the old or the new bytes.
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if fd < 0 { throw Failure(operation: "create", path: temporary, errorNumber: errno) }
        var failure: Failure?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(operation: "write", path: temporary, errorNumber: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = Failure(operation: "fsync", path: temporary, errorNumber: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw Failure(operation: "rename", path: path, errorNumber: code)
        }
        try syncDirectory(directory)
    }

    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw Failure(operation: "open", path: path, errorNumber: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw Failure(operation: "stat", path: path, errorNumber: errno) }
        let size = Int(st.st_size)
        if size > limit { throw Failure(operation: "read (file larger than \(limit) bytes)", path: path, errorNumber: EFBIG) }
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + offset, size - offset, off_t(offset)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", path: path, errorNumber: errno)
            }
            if n == 0 { break }
            offset += n
        }
        return Array(bytes[0..<offset])
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func remove(_ path: String) { unlink(path) }

    /// Removes a directory tree (used for dropped tables and cleared test directories).
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in listDirectory(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    static func hardLink(_ source: String, _ target: String) throws {
        if link(source, target) != 0 { throw Failure(operation: "link", path: target, errorNumber: errno) }
    }
}
