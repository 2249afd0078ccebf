#if canImport(Glibc)
import Glibc
#endif
import BasaltCore
import BasaltSSTable

extension Table {
    /// Picks the next compaction and reserves its inputs, or nil when there is nothing to do.
    func reserveCompaction(major: Bool = false) -> (CompactionTask, [LiveSSTable])? {
        lock.withLock {
            guard !dropped else { return nil }
            let candidates = sstables.filter { !compacting.contains($0.generation) }
            let summaries = candidates.map(\.summary)
            let picked = major ? strategy.majorTask(summaries)
                               : strategy.nextTask(summaries, nowMicroseconds: environment.clock())
            guard let task = picked else { return nil }
            let inputs = candidates.filter { task.inputs.contains($0.generation) }
            assert(inputs.count == task.inputs.count, "strategy chose an sstable it was not offered")
            compacting.formUnion(task.inputs)
            return (task, inputs)
        }
    }

    /// Runs one compaction: merges the inputs, drops what is shadowed or purgeable, writes the result
    /// (split at the task's size limit), commits the swap in the manifest, then deletes the inputs.
    func runCompaction(_ task: CompactionTask, inputs: [LiveSSTable]) throws {
        defer { lock.withLock { compacting.subtract(task.inputs); lock.broadcast() } }
        let inputGenerations = Set(task.inputs)
        let now = nowSeconds
        let resolver = PartitionResolver(now: now)
        let merger = try PartitionMerger(inputs.map { try $0.reader.scanner(from: nil, fillCache: false) })
        let throttle = Throttle(bytesPerSecond: environment.compactionThroughputBytesPerSecond)
        let inputBytes = inputs.reduce(0) { $0 + $1.reader.onDiskSize }
        let expectedPartitions = inputs.reduce(0) { $0 + $1.reader.metadata.partitionCount }

        var outputs: [LiveSSTable] = []
        var writer: (SSTableWriter, SSTableDescriptor)?
        var writtenBefore = 0
        func finishWriter() throws {
            guard let (current, descriptor) = writer else { return }
            writer = nil
            _ = try current.finish()
            outputs.append(LiveSSTable(reader: try SSTableReader.open(descriptor, cache: environment.cache, fileSystem: environment.fileSystem), level: task.outputLevel))
        }
        do {
            while let merged = try merger.next() {
                let canPurge = purgeRule(for: merged.key, excluding: inputGenerations, now: now)
                guard let kept = resolver.compact(merged, canPurge: canPurge) else { continue }
                if writer == nil {
                    let generation = lock.withLock { () -> UInt64 in
                        defer { manifest.nextGeneration += 1 }
                        return manifest.nextGeneration
                    }
                    let descriptor = SSTableDescriptor(directory: directory, generation: generation)
                    let options = writerOptions(expectedPartitions: expectedPartitions, level: task.outputLevel)
                    writer = (try SSTableWriter(descriptor: descriptor, table: id, options: options), descriptor)
                }
                try writer!.0.append(kept)
                let written = writer!.0.bytesWritten
                throttle.account(bytes: writtenBefore + written)
                if let limit = task.maximumOutputBytes, written >= limit {
                    writtenBefore += written
                    try finishWriter()
                }
            }
            try finishWriter()
        } catch {
            writer?.0.abort()
            for output in outputs { output.reader.descriptor.deleteAllComponents(fileSystem: environment.fileSystem) }
            throw error
        }
        let outputBytes = outputs.reduce(0) { $0 + $1.reader.onDiskSize }
        let committed = try commit(adding: outputs, removing: inputGenerations, update: {
            counters.bytesCompacted += outputBytes
            counters.bytesReadByCompaction += inputBytes
            counters.compactions += 1
        })
        guard committed else {
            // The inputs were truncated away meanwhile: the merged copy must not bring them back.
            for output in outputs { output.reader.descriptor.deleteAllComponents(fileSystem: environment.fileSystem) }
            return
        }
        // The inputs are out of the manifest: their files can go. Readers still holding them keep
        // their open descriptors, so reads in flight finish normally.
        for input in inputs { input.reader.descriptor.deleteAllComponents(fileSystem: environment.fileSystem) }
    }

    /// When may compaction drop a tombstone of partition `key`? Only after gc grace, and only if no
    /// source outside the compaction may hold data it shadows (older than the tombstone) — otherwise
    /// dropping it would bring that data back.
    func purgeRule(for key: PartitionKey, excluding inputs: Set<UInt64>, now: Int32) -> (DeletionTime) -> Bool {
        let graceSeconds = Int64(options.gcGraceSeconds)
        var othersChecked = false
        var oldestElsewhere = Int64.max
        return { [self] deletion in
            guard Int64(deletion.localDeletionTime) + graceSeconds < Int64(now) else { return false }
            if !othersChecked {
                othersChecked = true
                oldestElsewhere = lock.withLock {
                    var oldest = Int64.max
                    for memtable in [active] + flushing where memtable.partitions[key] != nil {
                        oldest = min(oldest, memtable.minTimestamp)
                    }
                    for sstable in sstables where !inputs.contains(sstable.generation) && sstable.reader.mayContain(key) {
                        oldest = min(oldest, sstable.reader.metadata.minTimestamp)
                    }
                    return oldest
                }
            }
            return deletion.markedForDeleteAt < oldestElsewhere
        }
    }
}

/// Holds compaction to a byte rate so that it does not starve foreground reads and writes of disk
/// bandwidth (Cassandra's `compaction_throughput`). 0 means unlimited.
final class Throttle {
    private let bytesPerSecond: Int
    private let start = ContinuousClock.now

    init(bytesPerSecond: Int) { self.bytesPerSecond = bytesPerSecond }

    /// Sleeps if `bytes` (the total so far) is ahead of the allowed rate.
    func account(bytes: Int) {
        guard bytesPerSecond > 0 else { return }
        let allowedAt = Double(bytes) / Double(bytesPerSecond)
        let elapsed = start.duration(to: .now)
        let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let ahead = allowedAt - elapsedSeconds
        if ahead > 0.001 { usleep(UInt32(min(ahead, 1.0) * 1_000_000)) }
    }
}
