import BasaltQuery
import Logging
import Synchronization

/// Refused logins, node-wide, logged at most once per `logInterval` with how many were refused
/// since, so password guessing cannot flood the log (the authenticator counts them).
final class LoginFailures: Sendable {
    private let logger: Logger
    private let throttle: Mutex<LogThrottle>

    init(logger: Logger, logInterval: Duration = .seconds(10)) {
        self.logger = logger
        throttle = Mutex(LogThrottle(interval: logInterval))
    }

    func record(_ failure: AuthenticationFailure, from address: String) {
        let now = ContinuousClock.now
        guard let suppressed = throttle.withLock({ $0.admit("login", at: now) }) else { return }
        // The user name (in the message too) is the client's text: escaped, so control bytes cannot
        // forge log lines.
        let user = failure.username.map { String(reflecting: $0) } ?? "-"
        logger.warning("login refused", metadata: ["client": "\(address)", "user": "\(user)",
                                                   "reason": "\(String(reflecting: failure.message))",
                                                   "refused_since_last_line": "\(suppressed)"])
    }
}
