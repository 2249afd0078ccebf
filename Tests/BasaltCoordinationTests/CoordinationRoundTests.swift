import BasaltCoordination
import BasaltCQLProtocol
import Testing

/// The coordinator's decisions replayed from event scripts. An event is `a+` (replica a answered
/// or acknowledged), `a!` (failed), `a?` (its request timed out), `a#` (a hint for it was stored)
/// or `T` (the request's timeout); a step is `data a` / `digest a` (read asks), `send a[0,1]` /
/// `hint a[0]` (write shares with their partitions).
@Suite struct CoordinationRoundTests {
    typealias Candidate = ReplicaCandidate<String>

    static func candidates(_ alive: String, down: String = "", local: Character = "a") -> [Candidate] {
        alive.map { Candidate(replica: String($0), dataCenter: "dc1", isAlive: true, isLocal: $0 == local) }
            + down.map { Candidate(replica: String($0), dataCenter: "dc1", isAlive: false, isLocal: $0 == local) }
    }

    static func requirement(_ level: CQLConsistency, rf: Int = 3, isWrite: Bool) throws -> ConsistencyRequirement {
        try ConsistencyRequirement.forLevel(level, isWrite: isWrite, replicationFactors: ["dc1": rf], localDataCenter: "dc1")
    }

    // MARK: reads

    struct ReadCase: CustomTestStringConvertible, Sendable {
        var level: CQLConsistency
        var alive: String
        var events: [String]
        var steps: [String]
        var outcome: RoundOutcome?
        var testDescription: String { "\(level) over \(alive): \(events.joined(separator: " "))" }
    }

    static let readCases: [ReadCase] = [
        ReadCase(level: .quorum, alive: "abc", events: ["a+", "b+"], steps: ["data a", "digest b"], outcome: .met),
        // A failed contact is replaced by the spare, asked for data.
        ReadCase(level: .quorum, alive: "abc", events: ["b!", "a+", "c+"], steps: ["data a", "digest b", "data c"], outcome: .met),
        // Once the spares are used up, a second failure makes QUORUM impossible.
        ReadCase(level: .quorum, alive: "abc", events: ["b!", "c!"], steps: ["data a", "digest b", "data c"], outcome: .failed),
        // A slow contact is not replaced; the timeout ends the read.
        ReadCase(level: .quorum, alive: "abc", events: ["a+", "T", "b+"], steps: ["data a", "digest b"], outcome: .timedOut),
        ReadCase(level: .one, alive: "abc", events: ["a!", "b!", "c+"], steps: ["data a", "data b", "data c"], outcome: .met),
        ReadCase(level: .all, alive: "abc", events: ["a+", "b+"], steps: ["data a", "digest b", "digest c"], outcome: nil),
        ReadCase(level: .all, alive: "abc", events: ["c!"], steps: ["data a", "digest b", "digest c"], outcome: .failed),
        // Answers after the outcome change nothing.
        ReadCase(level: .one, alive: "ab", events: ["a+", "b!"], steps: ["data a"], outcome: .met),
    ]

    @Test(arguments: readCases)
    func readDecisions(_ test: ReadCase) throws {
        let plan = try ReadPlan(requirement: Self.requirement(test.level, isWrite: false), replicas: Self.candidates(test.alive),
                                localDataCenter: "dc1")
        var round = ReadRound<String, Int>(plan: plan)
        var steps = round.start()
        for event in test.events {
            let replica = String(event.prefix(1))
            switch event.last {
            case "+": steps += round.handle(.answered(replica, 1))
            case "!": steps += round.handle(.failed(replica))
            default: steps += round.handle(ReadRound<String, Int>.timeout)
            }
        }
        #expect(steps.map { ($0.data ? "data " : "digest ") + $0.contact.replica } == test.steps)
        #expect(round.outcome == test.outcome)
    }

    @Test func aReadKeepsOnlyTheAnswersBeforeItsOutcome() throws {
        let plan = try ReadPlan(requirement: Self.requirement(.quorum, isWrite: false), replicas: Self.candidates("abc"),
                                localDataCenter: "dc1")
        var round = ReadRound<String, Int>(plan: plan)
        _ = round.start()
        _ = round.handle(.answered("b", 2))
        _ = round.handle(.answered("a", 1))
        _ = round.handle(.answered("c", 3))
        #expect(round.answers.map(\.replica) == ["b", "a"])
        #expect(round.tracker.received == 2)
    }

    // MARK: writes

    struct WriteCase: CustomTestStringConvertible, Sendable {
        var level: CQLConsistency
        /// Per partition: live replicas, then down replicas after a `/`.
        var partitions: [String]
        /// The coordinator, when it is one of the replicas (its own failures earn no hint).
        var local: Character? = "a"
        var events: [String]
        var steps: [String]
        var outcome: RoundOutcome?
        var deciding: Int? = nil
        var testDescription: String { "\(level) over \(partitions): \(events.joined(separator: " "))" }
    }

    static let writeCases: [WriteCase] = [
        WriteCase(level: .quorum, partitions: ["abc"], events: ["b+", "c+"],
                  steps: ["send a[0]", "send b[0]", "send c[0]"], outcome: .met),
        // A replica that fails or does not answer gets a hint — also after the client was answered —
        // unless it is the coordinator itself.
        WriteCase(level: .quorum, partitions: ["bcd"], local: nil, events: ["b+", "c+", "d?"],
                  steps: ["send b[0]", "send c[0]", "send d[0]", "hint d[0]"], outcome: .met),
        WriteCase(level: .quorum, partitions: ["abc"], events: ["a!", "b+", "c+"],
                  steps: ["send a[0]", "send b[0]", "send c[0]"], outcome: .met),
        WriteCase(level: .quorum, partitions: ["bcd"], local: nil, events: ["b+", "c!", "d+"],
                  steps: ["send b[0]", "send c[0]", "send d[0]", "hint c[0]"], outcome: .met),
        WriteCase(level: .quorum, partitions: ["bcd"], local: nil, events: ["b!", "c!"],
                  steps: ["send b[0]", "send c[0]", "send d[0]", "hint b[0]", "hint c[0]"], outcome: .failed, deciding: 0),
        // Down replicas are hinted from the start; only ANY counts a stored hint.
        WriteCase(level: .one, partitions: ["b/cd"], local: nil, events: ["c#", "d#", "T"],
                  steps: ["send b[0]", "hint c[0]", "hint d[0]"], outcome: .timedOut, deciding: 0),
        WriteCase(level: .any, partitions: ["/bcd"], local: nil, events: ["c#"],
                  steps: ["hint b[0]", "hint c[0]", "hint d[0]"], outcome: .met),
        // A batch: one share per replica; met only when every partition is.
        WriteCase(level: .quorum, partitions: ["bcd", "cde"], local: nil, events: ["c+", "d+"],
                  steps: ["send b[0]", "send c[0,1]", "send d[0,1]", "send e[1]"], outcome: .met),
        WriteCase(level: .all, partitions: ["bcd", "cde"], local: nil, events: ["c+", "d+", "b+", "T"],
                  steps: ["send b[0]", "send c[0,1]", "send d[0,1]", "send e[1]"], outcome: .timedOut, deciding: 1),
        WriteCase(level: .all, partitions: ["bcd", "cde"], local: nil, events: ["b+", "e!"],
                  steps: ["send b[0]", "send c[0,1]", "send d[0,1]", "send e[1]", "hint e[1]"], outcome: .failed, deciding: 1),
    ]

    @Test(arguments: writeCases)
    func writeDecisions(_ test: WriteCase) throws {
        let requirement = try Self.requirement(test.level, isWrite: true)
        let plans = try test.partitions.map { spec in
            let parts = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            return try WritePlan(requirement: requirement,
                                 replicas: Self.candidates(parts[0], down: parts.count > 1 ? parts[1] : "", local: test.local ?? " "))
        }
        var round = WriteRound(plans: plans)
        var steps = round.start()
        for event in test.events {
            let replica = String(event.prefix(1))
            switch event.last {
            case "+": steps += round.handle(.acknowledged(replica))
            case "!": steps += round.handle(.failed(replica))
            case "?": steps += round.handle(.unanswered(replica))
            case "#": steps += round.handle(.hintStored(replica))
            default: steps += round.handle(WriteRound<String>.timeout)
            }
        }
        #expect(steps.map(Self.describe) == test.steps)
        #expect(round.outcome == test.outcome)
        #expect(round.deciding == test.deciding)
    }

    static func describe(_ step: WriteRound<String>.Step) -> String {
        let (verb, share) = switch step {
        case .send(let share): ("send", share)
        case .hint(let share): ("hint", share)
        }
        return "\(verb) \(share.replica.replica)[\(share.partitions.map(String.init).joined(separator: ","))]"
    }
}
