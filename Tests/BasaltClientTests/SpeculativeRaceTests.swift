import BasaltCQLProtocol
import Synchronization
import Testing

@testable import BasaltClient

/// The bookkeeping of speculative executions: the first answer wins and later ones are dropped;
/// the caller hears of failure only when every execution that could start has failed.
@Suite struct SpeculativeRaceTests {
    /// Records which executions were launched; the test finishes them by hand.
    final class Launches: Sendable {
        let started = Mutex<[Int]>([])
    }

    static let answer: (CQLResult, Endpoint) = (.void, Endpoint(host: "a", port: 1))

    @Test func firstAnswerWinsAndLaterOnesAreDropped() async throws {
        let race = SpeculativeRace(executions: 3)
        let launches = Launches()
        let result = try await withUnsafeThrowingContinuation { continuation in
            race.begin(continuation) { execution in launches.started.withLock { $0.append(execution) } }
            #expect(race.startNextIfRunning())
            race.finished(1, with: .success(Self.answer))
            race.finished(0, with: .success((.void, Endpoint(host: "late", port: 2))))
        }
        #expect(result.1.host == "a")
        #expect(launches.started.withLock { $0 } == [0, 1])
        #expect(!race.isRunning && !race.startNextIfRunning())
    }

    @Test func failureOnlyWhenEveryExecutionFailed() async {
        let race = SpeculativeRace(executions: 2)
        let launches = Launches()
        await #expect(throws: BasaltClientError.self) {
            try await withUnsafeThrowingContinuation { continuation in
                race.begin(continuation) { execution in launches.started.withLock { $0.append(execution) } }
                // The first failure starts the second execution at once, without waiting for the timer.
                race.finished(0, with: .failure(BasaltClientError.overloaded(message: "first")))
                #expect(launches.started.withLock { $0 } == [0, 1])
                #expect(race.isRunning)
                race.finished(1, with: .failure(BasaltClientError.overloaded(message: "second")))
            }
        }
        #expect(!race.isRunning)
    }
}
