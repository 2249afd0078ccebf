import BasaltCore
import BasaltSSTable

extension Table {
    /// Switches the active memtable out if it holds anything; true when there is something to flush
    /// (the active memtable stays put when the flush queue is full: flush those first, then call again).
    func switchMemtableForFlush() -> Bool {
        lock.withLock { switchMemtableLocked() || !flushing.isEmpty }
    }

    /// Writes the oldest memtable waiting for flush to a new SSTable and commits it to the manifest.
    /// Returns false when nothing was waiting. On failure (disk full, I/O error) the memtable stays
    /// queued, so no data is lost and a later attempt can succeed.
    @discardableResult
    func flushOldestMemtable() throws -> Bool {
        guard let (memtable, generation) = lock.withLock({ () -> (Memtable, UInt64)? in
            guard let oldest = flushing.first else { return nil }
            defer { manifest.nextGeneration += 1 }
            return (oldest, manifest.nextGeneration)
        }) else { return false }
        let descriptor = SSTableDescriptor(directory: directory, generation: generation)
        let reader = try writeSSTable(descriptor, level: 0, partitions: memtable.partitions.count) { writer in
            // A flushing memtable is never written again, so its entries are read without the lock.
            for update in memtable.sortedUpdates() { try writer.append(update) }
        }
        let written = reader.onDiskSize
        let committed = try commit(adding: [LiveSSTable(reader: reader, level: 0)], removing: [],
                                   stillValid: { flushing.contains { $0 === memtable } }, update: {
            flushing.removeAll { $0 === memtable }
            counters.bytesFlushed += written
            counters.flushes += 1
        })
        // A TRUNCATE or DROP while the flush ran discarded the memtable: its SSTable must not count.
        if !committed { reader.descriptor.deleteAllComponents(fileSystem: environment.fileSystem) }
        environment.requestCompaction(self)
        return true
    }

    /// Writes one SSTable with `fill`, fsyncs it and opens it; deletes the partial files on any failure.
    func writeSSTable(_ descriptor: SSTableDescriptor, level: Int, partitions: Int,
                      _ fill: (SSTableWriter) throws -> Void) throws -> SSTableReader {
        let writer = try SSTableWriter(descriptor: descriptor, table: id,
                                       options: writerOptions(expectedPartitions: partitions, level: level))
        do {
            try fill(writer)
            _ = try writer.finish()
            return try SSTableReader.open(descriptor, cache: environment.cache, fileSystem: environment.fileSystem)
        } catch {
            writer.abort()
            // abort() keeps a finished SSTable's files; one that cannot be opened must not stay behind.
            descriptor.deleteAllComponents(fileSystem: environment.fileSystem)
            throw error
        }
    }

    func writerOptions(expectedPartitions: Int, level: Int) -> SSTableWriterOptions {
        var options = SSTableWriterOptions(expectedPartitions: max(1, expectedPartitions))
        options.level = level
        options.chunkSize = self.options.chunkLengthBytes
        options.compression = self.options.compression
        options.fileSystem = environment.fileSystem
        options.wallClockMilliseconds = { [clock = environment.clock] in clock() / 1_000 }
        return options
    }

    /// Atomically replaces `removing` with `adding` in the manifest on disk and then in memory, running
    /// `update` under the table lock in the same step (so readers never see data twice or not at all).
    /// Returns false, changing nothing, when `stillValid` fails or an input is no longer live (a
    /// TRUNCATE came in between): the caller then deletes what it wrote.
    @discardableResult
    func commit(adding: [LiveSSTable], removing: Set<UInt64>, stillValid: () -> Bool = { true },
                update: () -> Void = {}) throws -> Bool {
        try manifestLock.withLock {
            var next = lock.withLock { manifest }
            let live = Set(next.entries.map(\.generation))
            guard removing.isSubset(of: live), lock.withLock({ !dropped && stillValid() }) else { return false }
            next.entries.removeAll { removing.contains($0.generation) }
            next.entries.append(contentsOf: adding.map { TableManifest.Entry(generation: $0.generation, level: $0.level) })
            next.nextGeneration = max(next.nextGeneration, (adding.map(\.generation).max() ?? 0) + 1)
            try environment.fileSystem.writeAtomically(next.encode(), to: directory + "/" + TableManifest.fileName, directory: directory)
            lock.withLock {
                // nextGeneration may have advanced meanwhile (another writer allocated one): keep the larger.
                next.nextGeneration = max(next.nextGeneration, manifest.nextGeneration)
                manifest = next
                sstables.removeAll { removing.contains($0.generation) }
                sstables.append(contentsOf: adding)
                update()
                lock.broadcast()
            }
            return true
        }
    }
}
