import BasaltCommitLog
import BasaltCore
import BasaltFileSystem
import BasaltSSTable
import BasaltTestSupport
import Foundation
@testable import BasaltStorage

/// One seeded run of the storage engine on a `SimulatedDisk`: writes, reads, flushes, compactions,
/// machine crashes with restarts and replay, a full disk, failed syncs, read errors and bit flips in
/// SSTables, every read checked against what the writers were told. See `SimulatedDiskEngineTests`.
///
/// The model, per key: the write ids a read may see. Write ids grow with time and are the cells'
/// timestamps, so a read sees the newest write that survived. A write acknowledged as durable must
/// be seen (or a newer one); a write whose sync failed may or may not be; a write refused before it
/// was logged must never be. After a restart everything visible came from the disk, so what a read
/// sees then is durable and becomes the new floor.
struct SimulatedDiskRun {
    struct Failure: Error, CustomStringConvertible {
        let seed: UInt64
        let step: Int
        let message: String
        var description: String { "seed \(seed), step \(step): \(message)" }
    }

    /// What may be visible for one key.
    struct KeyModel {
        /// The write that must be visible unless a newer one is (nil: none acknowledged yet).
        var floor: Int?
        /// Writes newer than the floor that may be visible (their sync failed, or a crash came first).
        var maybe: Set<Int> = []
    }

    static let keyCount = 24
    static let directory = "/node"
    let table = UUID(uuidString: "0D15C0DE-0000-4000-8000-000000000011")!
    let seed: UInt64
    let steps: Int
    let disk: SimulatedDisk
    var random: SplitMix64
    var model: [Int: KeyModel] = [:]
    var nextWrite = 1
    var step = 0
    var engine: StorageEngine!
    /// Each step's outcome, for the same-seed test and for reading a failure.
    var trace: [String] = []
    /// Outcomes the engine showed (errors reported by kind, torn tails replay handled, ...).
    var outcomes: [String: Int] = [:]

    init(seed: UInt64, steps: Int) {
        self.seed = seed
        self.steps = steps
        var diskRandom = SplitMix64(seed: seed)
        disk = SimulatedDisk(random: &diskRandom)
        random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x5EED)
    }

    static let rates = SimulatedDisk.Rates(noSpaceOnWrite: 0.004, noSpaceOnAllocate: 0.05, noSpaceOnSync: 0.004,
                                           syncFailure: 0.01, readError: 0.01)

    var configuration: StorageConfiguration {
        var configuration = StorageConfiguration(
            directory: Self.directory,
            // Group commit: a write is acknowledged only once an fsync covered it. Small segments, so
            // segment switches (and space reservations) happen often.
            commitLog: CommitLogConfiguration(syncMode: .group(windowMicroseconds: 0), segmentSize: 16 << 10),
            memtableFlushBytes: 1 << 30, blockCacheBytes: 256 << 10, maximumBackpressureWaitMilliseconds: 100,
            automaticCompaction: false)
        configuration.fileSystem = disk.mount()
        return configuration
    }

    var options: TableOptions { TableOptions(name: "ks.simulated", chunkLengthBytes: 4096, compression: seed % 2 == 0) }

    func fail(_ message: String) -> Failure { Failure(seed: seed, step: step, message: message) }

    mutating func note(_ outcome: String) {
        outcomes[outcome, default: 0] += 1
        trace.append("\(step) \(outcome)")
    }

    mutating func run() throws {
        try start()
        disk.rates = Self.rates
        for index in 0..<steps {
            step = index
            let roll = random.next() % 100
            switch roll {
            case 0..<55: try write()
            case 55..<75: try read(Int(random.next() % UInt64(Self.keyCount)))
            case 75..<83: try flush()
            case 83..<86: try compact()
            case 86..<91: try crashAndRestart()
            case 91..<94: try fullDisk()
            case 94..<97: try failedSync()
            default: try flipBit()
            }
            // What the disk did is part of the run too: the same seed must give the same faults.
            trace.append("\(step) disk " + disk.counts.sorted { $0.key.rawValue < $1.key.rawValue }
                .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ","))
        }
        disk.rates = SimulatedDisk.Rates()
        try crashAndRestart()
        for key in 0..<Self.keyCount { try read(key) }
        try engine.close()
    }

    // MARK: steps

    /// A write, which either is acknowledged, fails with its sync (uncertain), or is refused.
    mutating func write() throws {
        let key = Int(random.next() % UInt64(Self.keyCount))
        let id = nextWrite
        nextWrite += 1
        let position: CommitLogPosition
        do {
            position = try engine.apply(mutation(key: key, id: id))
        } catch {
            guard error is StorageError else { throw fail("write refused with an untyped error: \(error)") }
            note("write refused: \(Self.kind(error))")
            return
        }
        do {
            try engine.commitLog.waitUntilDurable(position)
            model[key] = KeyModel(floor: id)
            note("write acknowledged")
        } catch {
            model[key, default: KeyModel()].maybe.insert(id)
            note("write failed its sync: \(Self.kind(error))")
        }
    }

    /// A write whose durability nobody waits for: it may or may not survive a crash.
    @discardableResult
    mutating func writeInFlight() throws -> Bool {
        let key = Int(random.next() % UInt64(Self.keyCount))
        let id = nextWrite
        nextWrite += 1
        do {
            _ = try engine.apply(mutation(key: key, id: id))
            model[key, default: KeyModel()].maybe.insert(id)
            note("write in flight")
            return true
        } catch {
            guard error is StorageError else { throw fail("write refused with an untyped error: \(error)") }
            note("write refused: \(Self.kind(error))")
            return false
        }
    }

    /// Reads `key` and checks it against the model; a read error must be a typed one.
    @discardableResult
    mutating func read(_ key: Int, afterRestart: Bool = false) throws -> Bool {
        let seen: Int?
        do {
            seen = try engine.table(table)!.read(partitionKey(key)).flatMap(Self.writeID)
        } catch {
            guard error is SSTableIOError || error is SSTableCorruption else { throw fail("read failed with \(error)") }
            note("read error reported: \(Self.kind(error))")
            return false
        }
        let expected = model[key] ?? KeyModel()
        let allowed = seen == expected.floor || seen.map(expected.maybe.contains) == true
        guard allowed else {
            throw fail("key \(key): read write \(seen.map(String.init) ?? "none"), but the floor is "
                       + "\(expected.floor.map(String.init) ?? "none") and maybe \(expected.maybe.sorted())")
        }
        if afterRestart { model[key] = KeyModel(floor: seen) }
        trace.append("\(step) read \(key) = \(seen.map(String.init) ?? "none")")
        return true
    }

    mutating func flush() throws {
        do {
            try engine.flush()
            note("flush")
        } catch {
            try requireTyped(error, "flush")
            note("flush failed: \(Self.kind(error))")
        }
    }

    mutating func compact() throws {
        guard let table = engine.table(table), table.statistics.sstableCount >= 2 else { return }
        do {
            try engine.compactMajor(table)
            note("compaction")
        } catch {
            try requireTyped(error, "compaction")
            note("compaction failed: \(Self.kind(error))")
        }
    }

    /// The machine crashes; a new process starts the engine again (retrying while faults stop it)
    /// and replays the commit log. Every key is then checked.
    mutating func crashAndRestart() throws {
        if random.next() % 2 == 0 {
            // Writes in flight: logged, not yet synced, not acknowledged. The crash meets them.
            disk.holdSyncs(pathContains: "CommitLog-")
            var parked = false
            for _ in 0..<(1 + random.next() % 6) {
                let applied = try writeInFlight()
                // Once the sync thread is stuck in the held sync it cannot prepare a spare segment
                // behind the later writes' backs: the run stays the same whatever the timing.
                if applied && !parked {
                    for _ in 0..<5000 where disk.waitingSyncs == 0 { usleep(1000) }
                    parked = true
                }
            }
        }
        disk.crash()
        try? engine.close()
        engine = nil
        note("crash")
        try start()
        for key in 0..<Self.keyCount {
            // A read that hits an injected read error is retried: the disk is not broken for good.
            var attempts = 0
            while try !read(key, afterRestart: true) {
                attempts += 1
                if attempts == 20 { throw fail("key \(key) unreadable 20 times after a restart") }
            }
        }
    }

    /// The disk fills up: writes go on while the preallocated segment has room, then fail with a
    /// typed error; reads go on; once space returns, writes are accepted again.
    mutating func fullDisk() throws {
        let rates = disk.rates
        disk.rates = SimulatedDisk.Rates()
        defer { disk.rates = rates }
        disk.isFull = true
        var refused = false
        for _ in 0..<400 where !refused {
            let before = outcomes["write refused: commitLog", default: 0]
            try write()
            refused = outcomes["write refused: commitLog", default: 0] > before
        }
        guard refused else { throw fail("a full disk never refused a write") }
        try flush()
        for key in 0..<4 { try read(key) }
        disk.isFull = false
        let before = outcomes["write acknowledged", default: 0]
        try write()
        guard outcomes["write acknowledged", default: 0] > before else { throw fail("no write accepted after space returned") }
        note("full disk survived")
    }

    /// A forced fsync failure, on the commit log or on a flush: never reported as success.
    mutating func failedSync() throws {
        if random.next() % 2 == 0 {
            disk.failNext(.syncFailure, pathContains: "CommitLog-")
            let before = outcomes["write acknowledged", default: 0]
            try write()
            if outcomes["write acknowledged", default: 0] > before { throw fail("a write whose fsync failed was acknowledged") }
        } else {
            guard engine.table(table)!.statistics.memtablePartitions > 0 else { return }
            disk.failNext(.syncFailure, pathContains: "-Data.db")
            let before = outcomes["flush", default: 0]
            try flush()
            if outcomes["flush", default: 0] > before { throw fail("a flush whose fsync failed succeeded") }
        }
    }

    /// A bit flips in a live SSTable's Data or Index file at rest: reads then return the right row
    /// or a corruption error, never a wrong row. The bit is flipped back afterwards (the test is
    /// about detection, not about repair).
    mutating func flipBit() throws {
        let files = disk.files(under: Self.directory + "/tables").filter { $0.hasSuffix("-Data.db") || $0.hasSuffix("-Index.db") }
        guard !files.isEmpty else { return }
        let path = Self.directory + "/tables/" + files[Int(random.next() % UInt64(files.count))]
        let size = disk.contents(of: path)?.count ?? 0
        guard size > 0 else { return }
        let bit = Int(random.next() % UInt64(size * 8))
        disk.flipBit(path, bit: bit)
        defer { disk.flipBit(path, bit: bit) }
        note("bit flipped")
        for key in 0..<Self.keyCount {
            let before = outcomes["read error reported: SSTableCorruption", default: 0]
            try read(key)
            if outcomes["read error reported: SSTableCorruption", default: 0] > before { note("bit flip detected") }
        }
    }

    // MARK: helpers

    /// Starts an engine on a fresh mount, retrying while injected faults make start-up fail (they
    /// are transient); the disk must not be left unreadable by any of them.
    mutating func start() throws {
        // Only read errors strike during start-up: the commit log's sync thread prepares its spare
        // segment meanwhile, and a failed attempt's close races with it, so a fault drawn there would
        // make the run depend on thread timing.
        let rates = disk.rates
        disk.rates = SimulatedDisk.Rates(readError: rates.readError)
        defer { disk.rates = rates }
        var lastError: Error?
        for _ in 0..<20 {
            var candidate: StorageEngine?
            do {
                let started = try StorageEngine(configuration: configuration)
                candidate = started
                // The sync thread prepares a spare segment at start: wait for it, so that it cannot
                // race with what follows (the faults of later steps, or this attempt's close).
                for _ in 0..<5000 where started.commitLog.statistics.segmentsCreated < 2 { usleep(1000) }
                try started.openTable(table, options: options)
                let report = try started.replayCommitLog()
                if !report.truncatedTails.isEmpty { note("torn commit-log tail handled") }
                if !report.corruptions.isEmpty { note("commit-log damage reported") }
                engine = started
                return
            } catch {
                try requireTyped(error, "start-up")
                note("start-up failed: \(Self.kind(error))")
                try? candidate?.close()
                lastError = error
            }
        }
        throw fail("the engine did not start in 20 attempts: \(lastError.map { "\($0)" } ?? "")")
    }

    func requireTyped(_ error: Error, _ what: String) throws {
        let typed = error is StorageError || error is SSTableIOError || error is SSTableCorruption
            || error is FileSystemError || error is CommitLogError
        if !typed { throw fail("\(what) failed with an untyped error: \(error)") }
    }

    static func kind(_ error: Error) -> String {
        switch error {
        case let storage as StorageError:
            switch storage {
            case .commitLog: "commitLog"
            case .writeBlocked: "writeBlocked"
            case .corruption: "corruption"
            case .io: "io"
            default: "\(storage)"
            }
        default: "\(type(of: error))"
        }
    }

    func partitionKey(_ key: Int) -> PartitionKey { PartitionKey(Array("key-\(key)".utf8)) }

    func mutation(key: Int, id: Int) -> Mutation {
        // Values of varied length, so chunks, index segments and commit-log records vary in size.
        let length = 20 + (id * 37) % 300
        var value = withUnsafeBytes(of: UInt64(id).bigEndian, Array.init)
        value += [UInt8](repeating: UInt8(truncatingIfNeeded: id), count: length)
        let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: Int64(id), value: value)])
        return Mutation([PartitionUpdate(table: table, key: partitionKey(key), rows: [row])])
    }

    /// The write id a read returned, from its cell (checked against the timestamp, so a corrupt row
    /// that decoded anyway would not pass for a real one).
    static func writeID(_ partition: ResolvedPartition) -> Int? {
        guard let cell = partition.rows.first?.cells.first, let value = cell.value, value.count >= 8 else { return -1 }
        let id = value.prefix(8).reduce(0) { $0 << 8 | Int($1) }
        let length = 20 + (id * 37) % 300
        let intact = cell.timestamp == Int64(id) && value.count == 8 + length
            && value.dropFirst(8).allSatisfy { $0 == UInt8(truncatingIfNeeded: id) }
        return intact ? id : -1
    }
}
