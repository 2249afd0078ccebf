import Glibc

/// Compound operations built from the protocol's, with the durability steps spelled out, so every
/// implementation gets them right in one place.
extension FileSystem {
    /// Creates `path` and any missing parents (like `mkdir -p`), syncing the parent of each directory
    /// it creates: a new directory's entry is as volatile as a new file's, and a table directory that
    /// vanished in a crash would take its fsynced SSTables and manifest with it.
    public func makeDirectories(_ path: String) throws(FileSystemError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            let parent = prefix.isEmpty ? "/" : prefix
            prefix += "/" + part
            if try makeDirectory(prefix) { try syncDirectory(parent) }
        }
    }

    /// Replaces `path` with `bytes` atomically: write a temporary file, fsync it, rename it over the
    /// old one, fsync the directory. After a crash the file holds either the old or the new bytes.
    /// On failure the temporary file is removed; `path` may then hold either version.
    public func writeAtomically(_ bytes: [UInt8], to path: String, directory: String) throws(FileSystemError) {
        let temporary = path + ".tmp"
        do throws(FileSystemError) {
            let file = try open(temporary, .createOrTruncate)
            try file.append(bytes)
            try file.sync()
            try rename(temporary, to: path)
        } catch {
            try? remove(temporary)
            throw error
        }
        try syncDirectory(directory)
    }

    /// A whole file, refused (EFBIG) when larger than `limit` so a bogus file cannot exhaust memory.
    public func readFile(_ path: String, limit: Int) throws(FileSystemError) -> [UInt8] {
        let file = try open(path, .read)
        let size = try file.size()
        if size > limit { throw FileSystemError(operation: "read (file larger than \(limit) bytes)", path: path, errorNumber: EFBIG) }
        return try file.read(count: size, at: 0)
    }

    /// Removes a directory tree, ignoring what cannot be removed (dropped tables, cleared test
    /// directories: the caller could do nothing better than try again later).
    public func removeTree(_ path: String) {
        switch kind(of: path) {
        case .directory:
            for name in (try? listDirectory(path)) ?? [] { removeTree(path + "/" + name) }
            try? removeDirectory(path)
        case .file:
            try? remove(path)
        case nil:
            return
        }
    }
}

/// Array forms of the handle's calls (the closures of `withUnsafeBytes` would lose the error type).
extension OpenFile {
    public func append(_ bytes: [UInt8]) throws(FileSystemError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(FileSystemError) in try append(raw) } }.get()
    }

    public func write(_ bytes: [UInt8], at offset: Int) throws(FileSystemError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(FileSystemError) in try write(raw, at: offset) } }.get()
    }

    /// Up to `count` bytes at `offset` (fewer only at end of file).
    public func read(count: Int, at offset: Int) throws(FileSystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { raw in Result { () throws(FileSystemError) in try self.read(into: raw, at: offset) } }.get()
        if read < count { bytes.removeLast(count - read) }
        return bytes
    }
}

/// What an errno value means ("No space left on device"), for messages.
func errorMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
