import Foundation
import Logging
import Synchronization

/// The node-wide side of `ConnectionLimits`, shared by every connection whatever its event loop:
/// which connections may open, how many bytes partial frames hold, and how many bytes of requests
/// are being executed (with the connections paused until that falls under its limit). Refusals are logged at most
/// once per `logInterval` per kind, with how many were refused since, so a flood of rejected
/// connections cannot flood the log too.
final class ConnectionAdmission: Sendable {
    enum Refusal: Hashable, Sendable, CustomStringConvertible {
        case tooManyConnections(limit: Int)
        case tooManyFromAddress(String, limit: Int)

        var description: String {
            switch self {
            case .tooManyConnections(let limit): "too many connections (limit \(limit))"
            case .tooManyFromAddress(let address, let limit): "too many connections from \(address) (limit \(limit))"
            }
        }

        var kind: String {
            switch self {
            case .tooManyConnections: "total"
            case .tooManyFromAddress: "per_address"
            }
        }
    }

    private struct State {
        var open = 0
        var openByAddress: [String: Int] = [:]
        var partialFrameBytes = 0
        var requestBytes = 0
        /// Connections paused at the request-data limit, each with how to resume it.
        var paused: [ObjectIdentifier: @Sendable () -> Void] = [:]
        var throttle: LogThrottle
    }

    let limits: ConnectionLimits
    private let logger: Logger
    private let state: Mutex<State>

    init(limits: ConnectionLimits, logger: Logger, logInterval: Duration = .seconds(10)) {
        self.limits = limits
        self.logger = logger
        state = Mutex(State(throttle: LogThrottle(interval: logInterval)))
    }

    /// Counts a new connection from `address`, or says why it may not open.
    func admit(_ address: String) -> Refusal? {
        let refusal: Refusal? = state.withLock { state in
            if state.open >= limits.maximumConnections { return .tooManyConnections(limit: limits.maximumConnections) }
            let fromAddress = state.openByAddress[address, default: 0]
            if fromAddress >= limits.maximumConnectionsPerAddress {
                return .tooManyFromAddress(address, limit: limits.maximumConnectionsPerAddress)
            }
            state.open += 1
            state.openByAddress[address] = fromAddress + 1
            return nil
        }
        if let refusal { logRefusal(refusal) }
        return refusal
    }

    /// An admitted connection closed.
    func release(_ address: String) {
        state.withLock { state in
            state.open -= 1
            let left = state.openByAddress[address, default: 1] - 1
            state.openByAddress[address] = left > 0 ? left : nil
        }
    }

    var openConnections: Int { state.withLock { $0.open } }

    /// A connection's partial frames went from `old` to `new` bytes. False when that takes the
    /// node over its limit (the change is then not counted: the caller closes the connection and
    /// reports `new` as 0).
    func adjustPartialFrameBytes(from old: Int, to new: Int) -> Bool {
        state.withLock { state in
            let total = state.partialFrameBytes - old + new
            if new > old, total > limits.maximumPartialFrameBytes {
                state.partialFrameBytes -= old
                return false
            }
            state.partialFrameBytes = total
            return true
        }
    }

    var partialFrameBytes: Int { state.withLock { $0.partialFrameBytes } }

    /// A request of `bytes` began executing. False when that took the node over
    /// `maximumRequestBytesInFlight`: the caller stops reading its connection and asks
    /// `resumeWhenUnderRequestLimit` to be told when to read on. The request itself runs either way
    /// (its bytes are already in memory).
    func requestStarted(bytes: Int) -> Bool {
        state.withLock { state in
            state.requestBytes += bytes
            return state.requestBytes <= limits.maximumRequestBytesInFlight || state.requestBytes == bytes
        }
    }

    /// A request counted by `requestStarted` completed. Once the node is back under its limit every
    /// paused connection is resumed (each on its own event loop, by its closure).
    func requestFinished(bytes: Int) {
        let resumed: [@Sendable () -> Void] = state.withLock { state in
            state.requestBytes -= bytes
            assert(state.requestBytes >= 0, "request bytes released twice")
            guard state.requestBytes <= limits.maximumRequestBytesInFlight, !state.paused.isEmpty else { return [] }
            defer { state.paused = [:] }
            return Array(state.paused.values)
        }
        for resume in resumed { resume() }
    }

    /// Calls `resume` once the node is under its request-data limit: now if it already is (a
    /// request may have completed since `requestStarted` said otherwise), else from the
    /// `requestFinished` that brings it there. One waiting closure per connection `id`.
    func resumeWhenUnderRequestLimit(_ id: ObjectIdentifier, _ resume: @escaping @Sendable () -> Void) {
        let now: Bool = state.withLock { state in
            if state.requestBytes <= limits.maximumRequestBytesInFlight { return true }
            state.paused[id] = resume
            return false
        }
        if now { resume() }
    }

    /// A paused connection closed: it no longer waits.
    func forgetPaused(_ id: ObjectIdentifier) {
        _ = state.withLock { $0.paused.removeValue(forKey: id) }
    }

    var requestBytesInFlight: Int { state.withLock { $0.requestBytes } }
    var pausedConnections: Int { state.withLock { $0.paused.count } }

    private func logRefusal(_ refusal: Refusal) {
        let now = ContinuousClock.now
        guard let suppressed = state.withLock({ $0.throttle.admit(refusal.kind, at: now) }) else { return }
        logger.warning("connection refused", metadata: ["reason": "\(refusal)", "refused_since_last_line": "\(suppressed)"])
    }
}
