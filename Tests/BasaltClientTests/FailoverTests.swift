import Foundation
import Synchronization
import Testing

@testable import BasaltClient

/// A node killed with SIGKILL while writes are in flight, then restarted on the same data
/// directory: in-flight requests fail promptly with a connection error, idempotent statements are
/// retried once the node is back (and found unprepared there, so prepared again transparently),
/// non-idempotent ones are not, and the pool reconnects by itself.
@Suite struct FailoverTests {
    /// One write's fate.
    struct Outcome: Sendable {
        var key: Int32
        var idempotent: Bool
        var started: ContinuousClock.Instant
        var ended: ContinuousClock.Instant
        var error: BasaltClientError?
    }

    /// What the writers share: their outcomes and the signal to stop.
    final class Writers: Sendable {
        let outcomes = Mutex<[Outcome]>([])
        let stop = Atomic<Bool>(false)
    }

    @Test func killedNodeFailsInFlightRequestsAndIdempotentOnesRetryAfterRestart() async throws {
        let node = try await NodeProcess.start()
        defer { node.remove() }
        var configuration = ClientIntegrationTests.configuration()
        configuration.requestTimeout = .seconds(40)
        configuration.reconnection = ReconnectionSchedule(base: .milliseconds(50), maximum: .milliseconds(400))
        let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: configuration)
        try await client.execute("CREATE KEYSPACE failover WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        try await client.execute("CREATE TABLE failover.writes (key int PRIMARY KEY, value int)")
        let insert = try await client.prepare("INSERT INTO failover.writes (key, value) VALUES (?, ?)")

        let shared = Writers()
        let writers = 32
        let start = ContinuousClock.now
        let workload = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    // On the client's event loops rather than the shared cooperative pool, which
                    // other suites running in parallel may keep busy with blocking waits: the
                    // writes must be in flight when the node dies.
                    group.addTask { await client.withEventLoopAffinity(writer) {
                        // Even writers mark their statements idempotent, odd ones do not.
                        let idempotent = writer % 2 == 0
                        var key = Int32(writer)
                        while !shared.stop.load(ordering: .relaxed) {
                            let began = ContinuousClock.now
                            var error: BasaltClientError?
                            do {
                                try await client.execute(insert, key, key, idempotent: idempotent)
                            } catch let failure as BasaltClientError {
                                error = failure
                            } catch {
                                Issue.record("untyped error \(error)")
                            }
                            let outcome = Outcome(key: key, idempotent: idempotent, started: began, ended: .now, error: error)
                            shared.outcomes.withLock { $0.append(outcome) }
                            key += Int32(writers)
                        }
                    } }
                }
            }
        }
        // A kill only tests something if writes are on their way to the node at that instant. On
        // a machine busy with other suites the client can fall behind a node that has already
        // answered everything it was sent; then the round is repeated (at most three times).
        var kills: [(killed: ContinuousClock.Instant, restarted: ContinuousClock.Instant)] = []
        var failures: [Outcome] = []
        var carried: [Outcome] = []
        while kills.count < 3 && (failures.isEmpty || carried.isEmpty) {
            try await Task.sleep(for: .milliseconds(700))
            let killed = ContinuousClock.now
            node.kill()
            try await Task.sleep(for: .seconds(1))
            #expect(!client.hosts[0].isUp)
            try await node.start()
            let restarted = ContinuousClock.now
            kills.append((killed, restarted))
            // Let the retried writes finish and a few more run against the restarted node.
            try await Task.sleep(for: .seconds(1))
            let all = shared.outcomes.withLock { $0 }
            failures = all.filter { $0.error != nil }
            carried = all.filter { outcome in
                outcome.idempotent && kills.contains { outcome.started < $0.killed && outcome.ended > $0.restarted }
            }
        }
        shared.stop.store(true, ordering: .relaxed)
        await workload.value
        let all = shared.outcomes.withLock { $0 }
        #expect(client.hosts[0].isUp)

        // Non-idempotent writes in flight at a kill fail, with a connection error, at once.
        #expect(failures.contains { !$0.idempotent })
        for failure in failures {
            #expect(!failure.idempotent, "an idempotent write failed: \(failure.error!)")
            guard case .connectionError? = failure.error else {
                Issue.record("expected a connection error, got \(failure.error!)")
                continue
            }
            let sinceKill = kills.map { failure.ended - $0.killed }.filter { $0 >= .zero }.min()
            // Promptly, not by the 12 s request timeout; wide because a loaded machine is slow to notice.
            #expect(sinceKill.map { $0 < .seconds(6) } == true, "failed \(String(describing: sinceKill)) after a kill")
        }
        // Idempotent writes in flight across an outage were retried and succeeded after it.
        #expect(!carried.isEmpty)
        #expect(carried.allSatisfy { $0.error == nil })

        // Every acknowledged write is there after the restart (the node acknowledges after the
        // commit log is synced).
        let acknowledged = all.filter { $0.error == nil }.map(\.key)
        #expect(acknowledged.count > writers)
        let select = try await client.prepare("SELECT value FROM failover.writes WHERE key = ?")
        let missing = try await withThrowingTaskGroup(of: [Int32].self) { group in
            for reader in 0..<16 {
                group.addTask {
                    try await client.withEventLoopAffinity(reader) {
                        var missing: [Int32] = []
                        for key in acknowledged.dropFirst(reader).enumerated().filter({ $0.offset % 16 == 0 }).map(\.element)
                        where try await client.execute(select, key).first?.get(Int32.self, "value") != key {
                            missing.append(key)
                        }
                        return missing
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(missing.isEmpty, "acknowledged writes lost: \(missing.prefix(10))")
        print("failover: \(all.count) writes, \(kills.count) kills, \(failures.count) failed at a kill, "
              + "\(carried.count) retried across a restart, \(start.duration(to: .now)) in all")
        await client.close()
    }
}
