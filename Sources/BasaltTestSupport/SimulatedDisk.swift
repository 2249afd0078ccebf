import BasaltCore
import BasaltFileSystem
import Glibc

/// An in-memory disk for tests and simulations, with POSIX durability modelled honestly and faults
/// on demand. Processes see it through `mount()` (a `FileSystem`); `crash()` is a machine crash:
///
/// - File contents: every write that no fsync covered since is, at the crash, kept, dropped or torn
///   (a prefix kept), each chosen by the seed. Mapped files (the commit log) are judged page by
///   page, as the kernel writes dirty pages back in any order: every page that differs from what
///   was last synced is kept, dropped or torn.
/// - Directory entries: created, renamed, linked and removed names not covered by a directory fsync
///   are lost from the end: the crash keeps a seed-chosen prefix of them (a journal commits in order).
/// - The crashed process is gone: its file system view, handles and mappings fail with EIO from then
///   on, and its locks are released. `mount()` again to boot a new process.
///
/// Faults: ENOSPC on writes, on reserving space (a mapped file) and on fsync; EIO on fsync and on
/// reads; bit flips in files at rest. Each can be forced (`failNext`), drawn by probability
/// (`rates`), or, for ENOSPC, held on by `isFull`. Every fault that occurs is counted (`counts`).
///
/// Determinism: one seed gives one run as long as the caller's order of operations is fixed.
/// Probabilistic faults draw from a stream per fault kind and directory, and crash choices from a
/// stream per crash and directory, walking names in sorted order, so that threads working in
/// different directories (the commit log's sync thread beside a flush) cannot reorder the draws.
public final class SimulatedDisk: @unchecked Sendable {
    public enum Fault: String, CaseIterable, Sendable, Hashable {
        /// write or pwrite failed with ENOSPC; nothing was written.
        case noSpaceOnWrite
        /// Reserving a mapped file's space (posix_fallocate) failed with ENOSPC; no file was created.
        case noSpaceOnAllocate
        /// An fsync, msync or directory fsync failed with ENOSPC.
        case noSpaceOnSync
        /// An fsync, msync or directory fsync failed with EIO.
        case syncFailure
        /// A pread failed with EIO.
        case readError
        /// A bit of a file at rest was flipped (`flipBit`).
        case bitFlip
        /// At a crash, an unsynced write (or dirty page) reached the disk whole.
        case crashKeptWrite
        /// At a crash, an unsynced write (or dirty page) was lost.
        case crashDroppedWrite
        /// At a crash, only a prefix of an unsynced write (or dirty page) reached the disk.
        case crashTornWrite
        /// At a crash, an unsynced directory change (create, rename, link, remove) was lost.
        case crashLostDirectoryEntry
    }

    /// Probability per operation of each fault that can be drawn (0 = never).
    public struct Rates: Sendable, Hashable {
        public var noSpaceOnWrite = 0.0
        public var noSpaceOnAllocate = 0.0
        public var noSpaceOnSync = 0.0
        public var syncFailure = 0.0
        public var readError = 0.0

        public init(noSpaceOnWrite: Double = 0, noSpaceOnAllocate: Double = 0, noSpaceOnSync: Double = 0,
                    syncFailure: Double = 0, readError: Double = 0) {
            self.noSpaceOnWrite = noSpaceOnWrite
            self.noSpaceOnAllocate = noSpaceOnAllocate
            self.noSpaceOnSync = noSpaceOnSync
            self.syncFailure = syncFailure
            self.readError = readError
        }

        func rate(_ fault: Fault) -> Double {
            switch fault {
            case .noSpaceOnWrite: noSpaceOnWrite
            case .noSpaceOnAllocate: noSpaceOnAllocate
            case .noSpaceOnSync: noSpaceOnSync
            case .syncFailure: syncFailure
            case .readError: readError
            default: 0
            }
        }
    }

    /// The size of a page of a mapped file: the unit in which a crash keeps or drops its writes.
    public static let pageSize = 4096
    /// A torn write keeps a prefix of whole sectors.
    static let sectorSize = 512

    let seed: UInt64
    let lock = SimulationLock()
    // Everything below is guarded by `lock`.
    let root = SimulatedDirectory()
    var epoch = 0
    var crashes = 0
    var streams: [String: SplitMix64] = [:]
    var forced: [(fault: Fault, pathContains: String?, remaining: Int)] = []
    var fileLocks: [ObjectIdentifier: ObjectIdentifier] = [:]
    var faultCounts: [Fault: Int] = [:]
    var ratesValue = Rates()
    var full = false
    var heldSyncs: String?
    var waiting = 0

    /// The disk's seed is drawn from `random`, the caller's source, so one test seed fixes it.
    public init(random: inout some RandomNumberGenerator) {
        seed = random.next()
    }

    /// A new process's view of the disk.
    public func mount() -> SimulatedFileSystem {
        lock.withLock { SimulatedFileSystem(disk: self, epoch: epoch) }
    }

    public var rates: Rates {
        get { lock.withLock { ratesValue } }
        set { lock.withLock { ratesValue = newValue } }
    }

    /// While true, every write and space reservation fails with ENOSPC (a full disk); set it back to
    /// false to give the space back.
    public var isFull: Bool {
        get { lock.withLock { full } }
        set { lock.withLock { full = newValue } }
    }

    /// While set, every sync of a path containing this string waits (the device is slow): writes
    /// stay in flight, so a crash meets them unsynced. A crash fails the waiting syncs with EIO.
    public func holdSyncs(pathContains: String?) {
        lock.withLock {
            heldSyncs = pathContains
            lock.broadcast()
        }
    }

    /// How many syncs are waiting on `holdSyncs` now (a test waits for its writer to get there).
    public var waitingSyncs: Int { lock.withLock { waiting } }

    /// Makes the next `count` operations that can suffer `fault` (on a path containing `pathContains`,
    /// when given) fail with it.
    public func failNext(_ fault: Fault, count: Int = 1, pathContains: String? = nil) {
        lock.withLock { forced.append((fault, pathContains, count)) }
    }

    /// How often each fault occurred so far.
    public var counts: [Fault: Int] { lock.withLock { faultCounts } }

    /// Flips bit `bit` of the file at `path` at rest (in what reads see and in what a crash keeps);
    /// flipping it again restores the file. False when there is no such file or bit.
    @discardableResult
    public func flipBit(_ path: String, bit: Int) -> Bool {
        lock.withLock {
            guard case let .file(inode)? = try? root.lookup(path), bit >= 0, bit / 8 < inode.size else { return false }
            inode.flip(bit: bit)
            faultCounts[.bitFlip, default: 0] += 1
            return true
        }
    }

    /// A machine crash: what no sync covered is kept, dropped or torn by the seed, the running
    /// process's view dies (its calls fail with EIO), and its file locks are released.
    public func crash() {
        lock.withLock {
            crashes += 1
            epoch += 1
            fileLocks = [:]
            heldSyncs = nil
            lock.broadcast()
            var visited = Set<ObjectIdentifier>()
            crash(root, path: "", visited: &visited)
        }
    }

    /// The bytes of the file at `path` as a reader would see them now, nil when there is none.
    public func contents(of path: String) -> [UInt8]? {
        lock.withLock {
            guard case let .file(inode)? = try? root.lookup(path) else { return nil }
            return inode.contents
        }
    }

    /// The names under `directory`, recursively, as paths relative to it (files only), sorted.
    public func files(under directory: String) -> [String] {
        lock.withLock {
            guard case let .directory(start)? = try? root.lookup(directory) else { return [] }
            var found: [String] = []
            func walk(_ directory: SimulatedDirectory, _ prefix: String) {
                for (name, node) in directory.entries.sorted(by: { $0.key < $1.key }) {
                    switch node {
                    case .file: found.append(prefix + name)
                    case let .directory(sub): walk(sub, prefix + name + "/")
                    }
                }
            }
            walk(start, "")
            return found
        }
    }

    // MARK: internals (lock held)

    /// Whether `fault` strikes this operation on `path`: forced, a full disk, or drawn by its rate.
    func strikes(_ fault: Fault, _ path: String) -> Bool {
        var struck = false
        if let index = forced.firstIndex(where: { $0.fault == fault && ($0.pathContains.map(path.contains) ?? true) }) {
            forced[index].remaining -= 1
            if forced[index].remaining == 0 { forced.remove(at: index) }
            struck = true
        } else if full && (fault == .noSpaceOnWrite || fault == .noSpaceOnAllocate) {
            struck = true
        } else {
            let rate = ratesValue.rate(fault)
            if rate > 0 {
                let parent = path.split(separator: "/").dropLast().joined(separator: "/")
                struck = draw(stream: "\(fault.rawValue)|\(parent)") < rate
            }
        }
        if struck { faultCounts[fault, default: 0] += 1 }
        return struck
    }

    /// A uniform number in 0..<1 from the named stream.
    func draw(stream name: String) -> Double {
        var generator = streams[name] ?? SplitMix64(seed: seed ^ Self.hash(name))
        let value = Double(generator.next() >> 11) / Double(1 << 53)
        streams[name] = generator
        return value
    }

    func draw(stream name: String, below bound: Int) -> Int {
        min(Int(draw(stream: name) * Double(bound)), bound - 1)
    }

    /// FNV-1a: stream names to seeds, stable across runs (Swift's own hashing is not).
    static func hash(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return hash
    }

    func count(_ fault: Fault, _ times: Int = 1) {
        if times > 0 { faultCounts[fault, default: 0] += times }
    }

    private func crash(_ directory: SimulatedDirectory, path: String, visited: inout Set<ObjectIdentifier>) {
        let stream = "crash\(crashes)|\(path)"
        let pending = directory.pending
        let kept = draw(stream: stream, below: pending.count + 1)
        count(.crashLostDirectoryEntry, pending[kept...].reduce(0) { $0 + $1.count })
        var entries = directory.durable
        for change in pending[..<kept] {
            for (name, node) in change { entries[name] = node }
        }
        directory.entries = entries
        directory.durable = entries
        directory.pending = []
        // Each file draws from its own stream, named by its rank in the directory: a file that only
        // sometimes exists (the commit log's spare segment, the newest name) shifts no other's fate.
        for (rank, name) in entries.keys.sorted().enumerated() {
            switch entries[name]! {
            case let .file(inode):
                if visited.insert(ObjectIdentifier(inode)).inserted { crash(inode, stream: "\(stream)|\(rank)") }
            case let .directory(sub):
                crash(sub, path: path + "/" + name, visited: &visited)
            }
        }
    }

    private func crash(_ inode: SimulatedInode, stream: String) {
        enum Fate { case kept, dropped, torn(Int) }
        func fate(of length: Int) -> Fate {
            switch draw(stream: stream, below: 3) {
            case 0: return .kept
            case 1: return .dropped
            default:
                // Whole sectors of the write reach the disk, never all of them.
                let sectors = (length + Self.sectorSize - 1) / Self.sectorSize
                if sectors <= 1 { return .dropped }
                return .torn(draw(stream: stream, below: sectors - 1) * Self.sectorSize + Self.sectorSize)
            }
        }
        func record(_ fate: Fate) {
            switch fate {
            case .kept: count(.crashKeptWrite)
            case .dropped: count(.crashDroppedWrite)
            case .torn: count(.crashTornWrite)
            }
        }
        var result = inode.durable
        if let mapping = inode.mapping {
            let current = UnsafeRawBufferPointer(start: mapping.buffer, count: mapping.size)
            var page = 0
            while page < mapping.size {
                let end = min(page + Self.pageSize, mapping.size)
                let dirty = !current[page..<end].elementsEqual(result[page..<end])
                if dirty {
                    let outcome = fate(of: end - page)
                    record(outcome)
                    switch outcome {
                    case .kept: result.replaceSubrange(page..<end, with: current[page..<end])
                    case let .torn(length): result.replaceSubrange(page..<(page + length), with: current[page..<(page + length)])
                    case .dropped: break
                    }
                }
                page = end
            }
            mapping.dead = true
            inode.mapping = nil
        } else {
            for change in inode.pending {
                switch change {
                case let .write(offset, bytes):
                    let outcome = fate(of: bytes.count)
                    record(outcome)
                    switch outcome {
                    case .kept: SimulatedInode.write(bytes[...], at: offset, into: &result)
                    case let .torn(length): SimulatedInode.write(bytes[..<length], at: offset, into: &result)
                    case .dropped: break
                    }
                case let .truncate(size):
                    // Metadata: journaled in order with the directory, so kept.
                    SimulatedInode.resize(&result, to: size)
                }
            }
        }
        inode.data = result
        inode.durable = result
        inode.pending = []
    }
}

/// A pthread mutex (the disk is called from plain threads: the commit log's sync thread, dispatch
/// queues, test threads).
final class SimulationLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    private var condition = pthread_cond_t()

    /// Waits for `broadcast`, releasing the lock meanwhile. Lock held.
    func wait() { pthread_cond_wait(&condition, &mutex) }
    func broadcast() { pthread_cond_broadcast(&condition) }

    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}
