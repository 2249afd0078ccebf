import BasaltCQLProtocol
import Testing

@testable import BasaltClient

/// The retry decisions as a table: only idempotent statements are ever retried, only after errors
/// another coordinator may not repeat, and only `maximumRetries` times.
@Suite struct RetryPolicyTests {
    static let retryable: [BasaltClientError] = [
        .readTimeout(consistency: .quorum, received: 1, blockFor: 2, dataPresent: false, message: ""),
        .writeTimeout(consistency: .quorum, received: 1, blockFor: 2, writeType: .simple, message: ""),
        .requestTimeout(host: "h", timeout: .seconds(1)),
        .connectionError(host: "h", message: "reset"),
        .unavailable(consistency: .all, required: 3, alive: 2, message: ""),
        .overloaded(message: ""), .isBootstrapping(message: ""), .serverError(message: ""),
    ]

    static let final: [BasaltClientError] = [
        .syntaxError(message: ""), .invalid(message: ""), .alreadyExists(keyspace: "k", table: "", message: ""),
        .unauthorized(message: ""), .configError(message: ""), .protocolError(message: ""),
        .readFailure(consistency: .one, received: 0, blockFor: 1, failures: 1, message: ""),
        .writeFailure(consistency: .one, received: 0, blockFor: 1, failures: 1, message: ""),
        .truncateError(message: ""), .invalidValue(message: ""), .unprepared(id: [1], message: ""),
    ]

    @Test(arguments: retryable)
    func idempotentStatementsRetryTransientErrors(error: BasaltClientError) {
        let policy = RetryPolicy(maximumRetries: 2)
        #expect(policy.decision(for: error, retries: 0, isIdempotent: true) == .retryNextHost)
        #expect(policy.decision(for: error, retries: 1, isIdempotent: true) == .retryNextHost)
        #expect(policy.decision(for: error, retries: 2, isIdempotent: true) == .fail)
    }

    @Test(arguments: retryable + final)
    func nonIdempotentStatementsAreNeverRetried(error: BasaltClientError) {
        #expect(RetryPolicy().decision(for: error, retries: 0, isIdempotent: false) == .fail)
    }

    @Test(arguments: final)
    func errorsOfTheRequestItselfAreFinal(error: BasaltClientError) {
        #expect(RetryPolicy().decision(for: error, retries: 0, isIdempotent: true) == .fail)
    }

    @Test(arguments: [(0, 200), (1, 400), (2, 800), (5, 6400), (6, 10_000), (40, 10_000)])
    func backoffDoublesUpToTheMaximum(attempt: Int, milliseconds: Int) {
        let schedule = ReconnectionSchedule(base: .milliseconds(200), maximum: .seconds(10), jitter: 0.2)
        // unit 0.5 is the middle of the jitter band: no jitter.
        #expect(schedule.delay(attempt: attempt, unit: 0.5) == .milliseconds(milliseconds))
        #expect(schedule.delay(attempt: attempt, unit: 0) >= .milliseconds(milliseconds) * 0.8)
        #expect(schedule.delay(attempt: attempt, unit: 0.999) <= .milliseconds(milliseconds) * 1.2)
    }
}
