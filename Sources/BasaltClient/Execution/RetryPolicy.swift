/// When a failed request is sent again. A pure function of the error, the attempt count and the
/// statement's idempotence, so that it can be tested as a table.
///
/// The rule that matters: a request that reached a coordinator and failed in a way that leaves its
/// outcome unknown (a timeout, a lost connection) may already have been applied. Sending it again
/// is only harmless if applying it twice equals applying it once, which only the application knows,
/// so only statements marked idempotent are ever retried. Requests that never left the client
/// (no connection to borrow) are not retries: the executor simply moves on to the next host.
public struct RetryPolicy: Hashable, Sendable {
    public enum Decision: Hashable, Sendable {
        /// Send it again to the next host of the query plan (or, when the plan is exhausted, to the
        /// first host that comes back before the deadline).
        case retryNextHost
        /// Give up and throw the error to the caller.
        case fail
    }

    /// Retries after the first attempt, per execution.
    public var maximumRetries: Int

    public init(maximumRetries: Int = 3) {
        precondition(maximumRetries >= 0)
        self.maximumRetries = maximumRetries
    }

    /// - Parameters:
    ///   - retries: how many times this execution has already been retried.
    public func decision(for error: BasaltClientError, retries: Int, isIdempotent: Bool) -> Decision {
        guard isIdempotent, retries < maximumRetries else { return .fail }
        switch error {
        case .readTimeout, .writeTimeout, .requestTimeout, .connectionError, .unavailable, .overloaded,
            .isBootstrapping, .serverError:
            // Transient, or specific to the coordinator that answered: another one may succeed.
            return .retryNextHost
        case .readFailure, .writeFailure, .functionFailure, .truncateError, .protocolError, .badCredentials,
            .unauthorized, .syntaxError, .invalid, .configError, .alreadyExists, .unprepared, .unknownServerError,
            .noHostAvailable, .invalidValue, .decoding, .unexpectedResponse, .clientClosed:
            // Replicas failed, or the request itself is wrong: the same request fails the same way.
            return .fail
        }
    }
}
