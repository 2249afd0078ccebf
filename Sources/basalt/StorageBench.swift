import ArgumentParser
import BasaltCommitLog
import BasaltCore
import BasaltStorage
import Foundation

/// `basalt bench storage`: the storage engine alone, on the anchors' workload (16-byte keys, values
/// half compressible, log on), so its figures sit beside RocksDB's and LevelDB's from
/// `../shared/anchors/run-kv-anchor`. The clock stops when the last write is acknowledged.
struct StorageBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Measure the LSM engine: fillseq, fillrandom, overwrite, readrandom, readseq.")

    enum Workload: String, ExpressibleByArgument, CaseIterable {
        case fillseq, fillrandom, overwrite, readrandom, readseq
        var isFill: Bool { self == .fillseq || self == .fillrandom }
        var writes: Bool { isFill || self == .overwrite }
    }

    enum Sync: String, ExpressibleByArgument, CaseIterable { case group, periodic }

    @Option(help: "fillseq | fillrandom | overwrite | readrandom | readseq") var workload: Workload
    @Option(help: "Keys written by fills (and the key space of the other workloads).") var keys = 1_000_000
    @Option(help: "Point reads for readrandom (default: --keys).") var reads: Int?
    @Option(name: .customLong("value-size"), help: "Value bytes per key.") var valueSize = 100
    @Option(help: "Concurrent writer or reader threads.") var threads = 1
    @Option(help: "Data directory (fills start from an empty one).") var dir = "/tmp/basalt-bench"
    @Option(help: "Commit-log mode: group (ack after the group's fsync) or periodic (ack at once).") var sync = Sync.group
    @Option(name: .customLong("memtable-mb")) var memtableMegabytes = 256
    @Option(name: .customLong("cache-mb")) var cacheMegabytes = 512
    @Option(name: .customLong("chunk-kb"), help: "SSTable chunk length (fills only).") var chunkKilobytes = 16
    @Flag(help: "Print one JSON object as the last line.") var json = false

    static let table = UUID(uuidString: "00000000-0000-0000-0000-0000000BE4C4")!
    static let keyLength = 16

    func validate() throws {
        guard keys > 0, threads > 0, threads <= 1024, valueSize >= 0, valueSize <= 1 << 20, (1...1024).contains(chunkKilobytes) else {
            throw ValidationError("--keys and --threads must be positive (threads at most 1024), --value-size in 0...1048576, --chunk-kb in 1...1024")
        }
    }

    func run() throws {
        if workload.isFill { try? FileManager.default.removeItem(atPath: dir) }
        let keySpace = workload.isFill ? keys : ((try? String(contentsOfFile: dir + "/keyspace", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? keys)
        let commitLog = CommitLogConfiguration(syncMode: sync == .group ? .defaultGroup : .periodic(intervalMilliseconds: 10))
        let configuration = StorageConfiguration(directory: dir, commitLog: commitLog,
                                                 memtableFlushBytes: memtableMegabytes << 20, blockCacheBytes: cacheMegabytes << 20)
        let engine = try StorageEngine(configuration: configuration)
        let table = try engine.openTable(Self.table, options: TableOptions(name: "bench.storage", chunkLengthBytes: chunkKilobytes << 10))
        let replay = try engine.replayCommitLog()
        if replay.recordsReplayed > 0 || !replay.isClean {
            print("replayed \(replay.recordsReplayed) commit-log records; \(table.statistics.memtablePartitions) partitions in memtables")
        }

        let operations: Int
        switch workload {
        case .readrandom: operations = reads ?? keys
        case .readseq: operations = keySpace
        default: operations = keys
        }
        // The key order is drawn before the clock starts, as the anchors do.
        let order = keyOrder(operations: operations, keySpace: keySpace)
        let start = ContinuousClock.now
        let (histogram, found) = try runWorkload(engine: engine, table: table, order: order)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18

        var writeAmplification = 0.0
        var spaceAmplification = 0.0
        if workload.writes {
            try "\(keySpace)\n".write(toFile: dir + "/keyspace", atomically: true, encoding: .utf8)
            // Amplification is read once the engine is at rest: everything flushed and compacted.
            try engine.flush()
            engine.waitForBackgroundWork()
            let stats = engine.statistics
            let userBytes = Double(operations * (Self.keyLength + valueSize))
            let sstableBytes = stats.tables.reduce(0) { $0 + $1.bytesFlushed + $1.bytesCompacted }
            writeAmplification = (Double(sstableBytes) + Double(stats.commitLog.bytesAppended)) / userBytes
            let live = stats.tables.reduce(0) { $0 + $1.liveBytes }
            spaceAmplification = Double(live) / Double(keySpace * (Self.keyLength + valueSize))
        }
        try engine.close()

        let opsPerSecond = Double(operations) / seconds
        let megabytesPerSecond = opsPerSecond * Double(Self.keyLength + valueSize) / 1_048_576
        let p50 = histogram.percentileMicroseconds(0.50)
        let p99 = histogram.percentileMicroseconds(0.99)
        print("command: basalt " + CommandLine.arguments.dropFirst().joined(separator: " "))
        print(String(format: "%@: %d ops in %.2f s = %.0f ops/s, %.1f MB/s, p50 %.1f us, p99 %.1f us",
                     workload.rawValue, operations, seconds, opsPerSecond, megabytesPerSecond, p50, p99))
        if workload.writes {
            print(String(format: "write amplification %.2f (commit log + flush + compaction bytes / user bytes), space amplification %.2f",
                         writeAmplification, spaceAmplification))
        } else {
            print("found \(found) of \(operations)")
        }
        if json {
            let fields: [(String, String)] = [
                ("workload", "\"\(workload.rawValue)\""), ("ops", "\(operations)"), ("threads", "\(threads)"),
                ("sync", "\"\(sync.rawValue)\""), ("secs", String(format: "%.3f", seconds)),
                ("ops_per_sec", String(format: "%.0f", opsPerSecond)), ("mb_per_sec", String(format: "%.2f", megabytesPerSecond)),
                ("p50_us", String(format: "%.1f", p50)), ("p99_us", String(format: "%.1f", p99)),
                ("write_amplification", String(format: "%.3f", writeAmplification)),
                ("space_amplification", String(format: "%.3f", spaceAmplification)), ("found", "\(found)"),
            ]
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        }
    }

    /// Runs the workload on `threads` threads; returns the merged latency histogram and the found count.
    func keyOrder(operations: Int, keySpace: Int) -> [Int] {
        var random = SplitMix64(seed: 42)
        switch workload {
        case .readseq: return []
        case .fillseq: return Array(0..<operations)
        case .fillrandom: return Array(0..<operations).shuffled(using: &random)
        default: return (0..<operations).map { _ in Int(random.next() % UInt64(keySpace)) }
        }
    }

    func runWorkload(engine: StorageEngine, table: Table, order: [Int]) throws -> (LatencyHistogram, Int) {
        if workload == .readseq {
            var histogram = LatencyHistogram()
            var count = 0
            let scanner = try table.scanner()
            var t0 = ContinuousClock.now
            while try scanner.next() != nil {
                count += 1
                if count % 1000 == 0 {
                    // One latency sample per 1000 partitions: a page's worth, as a pager would see it.
                    let elapsed = t0.duration(to: .now).components
                    histogram.record(nanoseconds: UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000))
                    t0 = .now
                }
            }
            return (histogram, count)
        }
        let values = ValuePool()
        let results = ThreadResults(count: threads)
        let failures = ThreadResults(count: threads)
        var workers: [Thread] = []
        let done = DispatchGroup()
        for worker in 0..<threads {
            done.enter()
            let thread = Thread { [workload, valueSize, threads] in
                defer { done.leave() }
                var histogram = LatencyHistogram()
                var found = 0
                var index = worker
                var valueOffset = worker * 7919
                do {
                    while index < order.count {
                        let key = PartitionKey(Self.key(order[index]))
                        let t0 = ContinuousClock.now
                        if workload.writes {
                            let value = values.value(at: valueOffset, size: valueSize)
                            valueOffset += 37
                            let row = Row(clustering: .empty, cells: [Cell.live(column: 1, timestamp: Int64(index + 1), value: value)])
                            try engine.write(Mutation([PartitionUpdate(table: Self.table, key: key, rows: [row])]))
                        } else if try table.read(key) != nil {
                            found += 1
                        }
                        let elapsed = t0.duration(to: .now).components
                        histogram.record(nanoseconds: UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000))
                        index += threads
                    }
                } catch {
                    failures.set(worker, "\(error)")
                }
                results.set(worker, (histogram, found))
            }
            thread.stackSize = 1 << 20
            workers.append(thread)
        }
        for thread in workers { thread.start() }
        done.wait()
        if let failure = failures.values.compactMap({ $0 as? String }).first { throw ValidationError("workload failed: \(failure)") }
        var histogram = LatencyHistogram()
        var found = 0
        for case let (h, f) as (LatencyHistogram, Int) in results.values {
            histogram.merge(h)
            found += f
        }
        return (histogram, found)
    }

    /// 16 bytes, zero-padded decimal, as the anchors' keys.
    static func key(_ index: Int) -> [UInt8] {
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: keyLength)
        var n = index
        var i = keyLength - 1
        while n > 0 && i >= 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(n % 10)
            n /= 10
            i -= 1
        }
        return digits
    }
}

/// Values like the anchors' (db_bench's with compression ratio 0.5): 50 random bytes, then the same
/// 50 again, so lz4 has the same chance as LevelDB's and RocksDB's compressors.
final class ValuePool: Sendable {
    let data: [UInt8]

    init() {
        var random = SplitMix64(seed: 301)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 << 20)
        while bytes.count < 1 << 20 {
            let chunk = (0..<50).map { _ in UInt8(32 + random.next() % 95) }
            bytes += chunk
            bytes += chunk
        }
        data = bytes
    }

    func value(at offset: Int, size: Int) -> [UInt8] {
        let start = offset % (data.count - size)
        return Array(data[start..<(start + size)])
    }
}


/// One slot per worker thread, written once by its owner and read after all have joined.
final class ThreadResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Any?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Any) { lock.lock(); values[index] = value; lock.unlock() }
}
