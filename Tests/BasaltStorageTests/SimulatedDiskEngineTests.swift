import BasaltTestSupport
import Foundation
import Testing

/// The storage engine on a simulated disk (`SimulatedDiskRun`): crashes with torn and lost unsynced
/// writes, a full disk, failed fsyncs, read errors and bit flips, and no acknowledged write lost,
/// nothing invented, every error typed. `BASALT_DISK_SIM_SEEDS=N` runs N seeds instead of the default
/// few; a failure names its seed and step.
@Suite("Storage engine on a simulated disk")
struct SimulatedDiskEngineTests {
    static let seeds: [UInt64] = {
        let count = ProcessInfo.processInfo.environment["BASALT_DISK_SIM_SEEDS"].flatMap(Int.init) ?? 4
        return (1...UInt64(max(count, 1))).map { $0 }
    }()

    static let steps = 200

    @Test(arguments: seeds)
    func acknowledgedWritesSurviveCrashesAndDiskFaults(_ seed: UInt64) throws {
        var run = SimulatedDiskRun(seed: seed, steps: Self.steps)
        try run.run()
        #expect(run.outcomes["crash", default: 0] > 0)
    }

    @Test func everyFaultKindOccursAndIsHandled() throws {
        var faults: [SimulatedDisk.Fault: Int] = [:]
        var outcomes: [String: Int] = [:]
        for seed in 1...UInt64(4) {
            var run = SimulatedDiskRun(seed: 1000 + seed, steps: 300)
            try run.run()
            faults.merge(run.disk.counts, uniquingKeysWith: +)
            outcomes.merge(run.outcomes, uniquingKeysWith: +)
        }
        for fault in SimulatedDisk.Fault.allCases {
            #expect(faults[fault, default: 0] > 0, "fault \(fault) never occurred: \(faults)")
        }
        for outcome in ["write acknowledged", "write refused: commitLog", "write failed its sync: CommitLogError",
                        "flush failed: SSTableIOError", "read error reported: SSTableIOError", "bit flip detected",
                        "torn commit-log tail handled", "full disk survived"] {
            #expect(outcomes[outcome, default: 0] > 0, "never seen: \(outcome) in \(outcomes.sorted { $0.key < $1.key })")
        }
    }

    @Test func theSameSeedGivesTheSameRun() throws {
        var first = SimulatedDiskRun(seed: 77, steps: 100)
        try first.run()
        var second = SimulatedDiskRun(seed: 77, steps: 100)
        try second.run()
        let divergence = zip(first.trace, second.trace).first { $0 != $1 }
        #expect(divergence == nil, "the runs diverge at \(divergence.map { "\($0) vs \($1)" } ?? "")")
        #expect(first.trace.count == second.trace.count)
    }
}
