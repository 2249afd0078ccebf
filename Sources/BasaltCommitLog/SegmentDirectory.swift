import BasaltFileSystem

/// A segment file found in the log directory at startup: what replay reads and discard may delete.
struct ExistingSegment: Hashable, Sendable {
    var id: UInt64
    var path: String
    var size: Int
}

/// The log directory: listing the segments already in it and reading one back.
enum SegmentDirectory {
    /// The segment files in `directory`, oldest first. Other files are left alone; a segment of another
    /// format version is an error, because replaying around it would silently skip its records.
    static func segments(in directory: String, fileSystem: any FileSystem) throws(CommitLogError) -> [ExistingSegment] {
        let names: [String]
        do { names = try fileSystem.listDirectory(directory) } catch { throw .io(error) }
        var found: [ExistingSegment] = []
        for name in names {
            guard let (version, id) = SegmentLayout.parse(fileName: name) else { continue }
            let path = directory + "/" + name
            guard version == SegmentLayout.formatVersion else { throw .unsupportedSegmentVersion(path: path, version: version) }
            do { found.append(ExistingSegment(id: id, path: path, size: try fileSystem.open(path, .read).size())) } catch { throw .io(error) }
        }
        return found.sorted { $0.id < $1.id }
    }

    /// Reads a whole segment file, or returns nil (with its size) when it is larger than any segment
    /// may be, so a bogus file cannot make replay allocate without bound.
    static func read(_ path: String, fileSystem: any FileSystem) throws(CommitLogError) -> (bytes: [UInt8]?, size: Int) {
        do throws(FileSystemError) {
            let file = try fileSystem.open(path, .read)
            let size = try file.size()
            guard size <= SegmentLayout.maximumSegmentSize else { return (nil, size) }
            // A file that shrank since the size was taken is read as far as it goes.
            return (try file.read(count: size, at: 0), size)
        } catch {
            throw .io(error)
        }
    }
}
