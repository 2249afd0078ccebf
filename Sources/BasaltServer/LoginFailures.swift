import BasaltQuery
import Logging
import Synchronization

/// Refused logins, node-wide, logged at most once per `logInterval` with how many were refused
/// since, so password guessing cannot flood the log (the authenticator counts them).
final class LoginFailures: Sendable {
    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var suppressed = 0
    }

    private let logger: Logger
    private let logInterval: Duration
    private let state = Mutex(State())

    init(logger: Logger, logInterval: Duration = .seconds(10)) {
        self.logger = logger
        self.logInterval = logInterval
    }

    func record(_ failure: AuthenticationFailure, from address: String) {
        let now = ContinuousClock.now
        let suppressed: Int? = state.withLock { state in
            if let last = state.lastLogged, now - last < logInterval {
                state.suppressed += 1
                return nil
            }
            defer { state.suppressed = 0 }
            state.lastLogged = now
            return state.suppressed
        }
        guard let suppressed else { return }
        // The user name is the client's text: escaped, so control bytes cannot forge log lines.
        let user = failure.username.map { String(reflecting: $0) } ?? "-"
        logger.warning("login refused", metadata: ["client": "\(address)", "user": "\(user)",
                                                   "reason": "\(failure.message)", "refused_since_last_line": "\(suppressed)"])
    }
}
