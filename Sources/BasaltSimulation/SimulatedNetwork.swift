import BasaltCore
import Foundation

/// The one network of a simulation, carrying gossip and replica traffic alike: each message is
/// delayed by a seeded time within `delay`, lost with `loss`, delivered a second time (up to 50 ms
/// later) with `duplication`, and dropped while its link is cut — one way (`cut`) or both ways
/// between groups (`partition`). Fates are drawn from one seeded stream in the order the
/// simulation's executor sends messages, so one seed gives the same fates. `log` holds every event
/// recorded on it, with its virtual time: two runs of one seed are compared with it.
public final class SimulatedNetwork: @unchecked Sendable {
    /// One message's fate: its delay each way (a request's answer travels back), whether it or its
    /// answer is lost, and when a duplicate of it arrives, if one does.
    public struct Fate: Sendable {
        public var there: Duration
        public var back: Duration
        public var lostThere: Bool
        public var lostBack: Bool
        public var again: Duration?
    }

    /// A directed link between two nodes.
    private struct Link: Hashable { var from: NodeAddress, to: NodeAddress }

    private let clock: SimulatedClock
    private let delay: ClosedRange<Duration>
    private let lock = NSLock()
    private var random: SplitMix64
    private var loss = 0.0
    private var duplication = 0.0
    private var cuts: Set<Link> = []
    private var events: [String] = []

    public init(simulation: Simulation, delay: ClosedRange<Duration>) {
        clock = simulation.clock
        self.delay = delay
        random = SplitMix64(seed: simulation.seed ^ 0x0E7_4042)
    }

    /// Messages lost from now on.
    public func setLoss(_ probability: Double) { lock.withLock { loss = probability } }
    /// Messages delivered a second time, later, from now on.
    public func setDuplication(_ probability: Double) { lock.withLock { duplication = probability } }

    /// Messages from `from` to `to` are lost until `heal` (the other way still works).
    public func cut(from: NodeAddress, to: NodeAddress) {
        lock.withLock { _ = cuts.insert(Link(from: from, to: to)) }
        record("cut \(from.host)→\(to.host)")
    }

    /// Cuts every link between nodes of different groups, both ways.
    public func partition(_ groups: [[NodeAddress]]) {
        for (i, group) in groups.enumerated() {
            for (j, other) in groups.enumerated() where i != j {
                for from in group { for to in other { cut(from: from, to: to) } }
            }
        }
    }

    /// Every link whole again (loss and duplication stay as set).
    public func heal() {
        lock.withLock { cuts = [] }
        record("network healed")
    }

    public func isCut(from: NodeAddress, to: NodeAddress) -> Bool { lock.withLock { cuts.contains(Link(from: from, to: to)) } }

    public func fate() -> Fate {
        lock.withLock {
            let span = UInt64((delay.upperBound - delay.lowerBound) / .microseconds(1)) + 1
            func wait() -> Duration { delay.lowerBound + .microseconds(Int64(random.next() % span)) }
            func chance(_ probability: Double) -> Bool { Double(random.next() >> 11) / Double(1 << 53) < probability }
            let there = wait(), back = wait(), lostThere = chance(loss), lostBack = chance(loss)
            // A duplicate arrives up to 50 ms later, after the original and maybe after newer messages.
            let again: Duration? = chance(duplication) ? .microseconds(100 + Int64(random.next() % 50_000)) : nil
            return Fate(there: there, back: back, lostThere: lostThere, lostBack: lostBack, again: again)
        }
    }

    /// Adds `event` to the log at the current virtual time.
    public func record(_ event: String) {
        let time = clock.now
        lock.withLock { events.append("\(time) \(event)") }
    }

    public var log: [String] { lock.withLock { events } }
}
