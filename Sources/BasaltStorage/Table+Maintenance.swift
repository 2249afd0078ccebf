import BasaltCommitLog
import BasaltCore
import BasaltSSTable

extension Table {
    /// Removes every row: memtables are discarded, SSTables dropped from the manifest and deleted, and
    /// commit-log records up to `position` are fenced off so that replay cannot bring them back.
    func truncate(at position: CommitLogPosition) throws {
        let removed: [LiveSSTable] = try manifestLock.withLock {
            var next = lock.withLock { manifest }
            let removed = lock.withLock { sstables }
            next.entries = []
            // Records ending at or before `position` were written before the truncation.
            next.replayFloor = CommitLogPosition(segment: position.segment, offset: position.offset + 1)
            try environment.fileSystem.writeAtomically(next.encode(), to: directory + "/" + TableManifest.fileName, directory: directory)
            lock.withLock {
                next.nextGeneration = max(next.nextGeneration, manifest.nextGeneration)
                manifest = next
                sstables = []
                active = Memtable(table: id)
                flushing = []
                lock.broadcast()
            }
            return removed
        }
        // A flush or compaction running now finds its memtable or inputs gone when it commits, and
        // deletes its output instead (see `commit`).
        for sstable in removed { sstable.reader.descriptor.deleteAllComponents(fileSystem: environment.fileSystem) }
    }

    /// Records that commit-log records ending before `floor` are all in SSTables, so that replay after
    /// a restart skips them instead of loading flushed data back into the memtable.
    func advanceReplayFloor(to floor: CommitLogPosition) throws {
        try manifestLock.withLock {
            var next = lock.withLock { manifest }
            if let current = next.replayFloor, current >= floor { return }
            next.replayFloor = floor
            try environment.fileSystem.writeAtomically(next.encode(), to: directory + "/" + TableManifest.fileName, directory: directory)
            lock.withLock { manifest.replayFloor = max(manifest.replayFloor ?? floor, floor) }
        }
    }

    /// Hard-links the files of every live SSTable into `snapshots/<name>/` (cheap, and immune to later
    /// compactions deleting the originals), with a copy of the manifest.
    public func snapshot(named name: String) throws {
        let target = directory + "/snapshots/" + name
        try environment.fileSystem.makeDirectories(target)
        try manifestLock.withLock {
            let live = lock.withLock { sstables.map(\.generation) }
            for generation in live {
                for file in try environment.fileSystem.listDirectory(directory) where file.hasPrefix("\(generation)-") {
                    try environment.fileSystem.hardLink(directory + "/" + file, to: target + "/" + file)
                }
            }
            try environment.fileSystem.writeAtomically(lock.withLock { manifest.encode() },
                                                       to: target + "/" + TableManifest.fileName, directory: target)
        }
    }

    /// Marks the table dropped (writers waiting on it return) and deletes its directory.
    func drop() {
        lock.withLock {
            dropped = true
            sstables = []
            lock.broadcast()
        }
        environment.fileSystem.removeTree(directory)
    }
}
