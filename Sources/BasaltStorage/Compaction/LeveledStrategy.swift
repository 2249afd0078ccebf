/// Cassandra's LeveledCompactionStrategy (LevelDB's design): level 0 holds flushed SSTables, which may
/// overlap; every level from 1 up holds non-overlapping SSTables of about `sstableSizeBytes`, and level L
/// may hold `fanout^L` of them. A read then touches at most one SSTable per level >= 1.
///
/// Choice, in order: with 4 or more SSTables in level 0, merge them (up to 32) with the level-1 SSTables
/// they overlap; otherwise take the level most over its size budget (score > 1), and merge its oldest
/// SSTable with the SSTables it overlaps one level up.
public struct LeveledStrategy: CompactionStrategy {
    public var sstableSizeBytes: Int
    public var fanout: Int
    static let levelZeroTrigger = 4
    static let levelZeroMaximumInputs = 32
    static let maximumLevel = 8

    public init(sstableSizeBytes: Int = 160 << 20, fanout: Int = 10) {
        precondition(sstableSizeBytes > 0 && fanout >= 2, "leveled compaction needs a size and a fanout of 2 or more")
        self.sstableSizeBytes = sstableSizeBytes
        self.fanout = fanout
    }

    /// The byte budget of `level` (level >= 1): `sstableSizeBytes * fanout^level`.
    func budget(level: Int) -> Double {
        var bytes = Double(sstableSizeBytes)
        for _ in 0..<level { bytes *= Double(fanout) }
        return bytes
    }

    func score(level: Int, _ sstables: [SSTableSummary]) -> Double {
        let bytes = sstables.filter { $0.level == level }.reduce(0) { $0 + $1.sizeBytes }
        return Double(bytes) / budget(level: level)
    }

    public func nextTask(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> CompactionTask? {
        let levelZero = sstables.filter { $0.level == 0 }.sorted { $0.generation < $1.generation }
        if levelZero.count >= Self.levelZeroTrigger {
            let inputs = Array(levelZero.prefix(Self.levelZeroMaximumInputs))
            let overlapping = sstables.filter { candidate in
                candidate.level == 1 && inputs.contains { $0.overlaps(candidate) }
            }
            return CompactionTask(inputs: (inputs + overlapping).map(\.generation), outputLevel: 1,
                                  maximumOutputBytes: sstableSizeBytes,
                                  reason: "leveled: \(inputs.count) level-0 sstables into level 1")
        }
        var best: (level: Int, score: Double)?
        for level in 1..<Self.maximumLevel {
            let s = score(level: level, sstables)
            if s > 1.001 && (best == nil || s > best!.score) { best = (level, s) }
        }
        guard let (level, _) = best else { return nil }
        guard let source = sstables.filter({ $0.level == level }).min(by: { $0.generation < $1.generation }) else { return nil }
        let next = sstables.filter { $0.level == level + 1 && $0.overlaps(source) }
        return CompactionTask(inputs: ([source] + next).map(\.generation), outputLevel: level + 1,
                              maximumOutputBytes: sstableSizeBytes,
                              reason: "leveled: level \(level) over budget, promoting into level \(level + 1)")
    }

    public func estimatedPendingTasks(_ sstables: [SSTableSummary], nowMicroseconds: Int64) -> Int {
        var pending = sstables.filter { $0.level == 0 }.count >= Self.levelZeroTrigger ? 1 : 0
        for level in 1..<Self.maximumLevel {
            let excess = Double(sstables.filter { $0.level == level }.reduce(0) { $0 + $1.sizeBytes }) - budget(level: level)
            if excess > 0 { pending += Int((excess / Double(sstableSizeBytes)).rounded(.up)) }
        }
        return pending
    }

    public func majorTask(_ sstables: [SSTableSummary]) -> CompactionTask? {
        guard sstables.count > 1 || sstables.first?.level == 0 else { return nil }
        return CompactionTask(inputs: sstables.map(\.generation), outputLevel: 1, maximumOutputBytes: sstableSizeBytes,
                              reason: "major")
    }
}
