/// A table's snapshots (`snapshots/<name>/` beside its SSTables): listed and removed by name, for
/// `nodetool listsnapshots` and `clearsnapshot`.
extension Table {
    public struct Snapshot: Sendable, Hashable {
        public var name: String
        public var files: Int
        /// Bytes of the files (hard links: the space is shared with live SSTables until those are
        /// compacted away, which is what Cassandra calls the snapshot's "true size" later on).
        public var bytes: Int
    }

    public var snapshots: [Snapshot] {
        let root = directory + "/snapshots"
        let fileSystem = environment.fileSystem
        return ((try? fileSystem.listDirectory(root)) ?? []).sorted().map { name in
            let files = (try? fileSystem.listDirectory(root + "/" + name)) ?? []
            let bytes = files.reduce(0) { total, file in
                total + ((try? fileSystem.open(root + "/" + name + "/" + file, .read).size()) ?? 0)
            }
            return Snapshot(name: name, files: files.count, bytes: bytes)
        }
    }

    /// Removes snapshot `name` (nil: every snapshot); returns how many were removed.
    @discardableResult
    public func clearSnapshots(named name: String?) -> Int {
        let root = directory + "/snapshots"
        let names = ((try? environment.fileSystem.listDirectory(root)) ?? []).filter { name == nil || $0 == name }
        for snapshot in names { environment.fileSystem.removeTree(root + "/" + snapshot) }
        return names.count
    }
}
