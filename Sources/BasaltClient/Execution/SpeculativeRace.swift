import BasaltCQLProtocol
import Synchronization

/// The bookkeeping of speculative executions: which have started, which failed, and the caller
/// to resume exactly once, with the first answer or, when every execution failed, the first error.
final class SpeculativeRace: Sendable {
    typealias Result = Swift.Result<(CQLResult, Endpoint), any Error>

    private struct State {
        var continuation: UnsafeContinuation<(CQLResult, Endpoint), any Error>?
        var launch: (@Sendable (Int) -> Void)?
        var started = 0
        var failed = 0
        var firstError: (any Error)?
    }

    private let maximumExecutions: Int
    private let state = Mutex(State())

    init(executions: Int) {
        precondition(executions >= 1)
        maximumExecutions = executions
    }

    /// Starts the first execution; `launch(n)` starts execution `n` (skipping `n` hosts).
    func begin(_ continuation: UnsafeContinuation<(CQLResult, Endpoint), any Error>, launch: @escaping @Sendable (Int) -> Void) {
        state.withLock { state in
            state.continuation = continuation
            state.launch = launch
            state.started = 1
        }
        launch(0)
    }

    var isRunning: Bool { state.withLock { $0.continuation != nil } }

    /// The delay passed: starts the next execution if the race is undecided. False when there is
    /// nothing left to start.
    func startNextIfRunning() -> Bool {
        let next = state.withLock { state -> (Int, @Sendable (Int) -> Void)? in
            guard state.continuation != nil, state.started < maximumExecutions, let launch = state.launch else { return nil }
            state.started += 1
            return (state.started - 1, launch)
        }
        guard let (execution, launch) = next else { return false }
        launch(execution)
        return true
    }

    func finished(_ execution: Int, with result: Result) {
        enum Action { case none, resume(UnsafeContinuation<(CQLResult, Endpoint), any Error>, Result), startNext }
        let action = state.withLock { state -> Action in
            guard let continuation = state.continuation else { return .none }
            switch result {
            case .success:
                state.continuation = nil
                state.launch = nil
                return .resume(continuation, result)
            case .failure(let error):
                state.failed += 1
                state.firstError = state.firstError ?? error
                if state.failed < state.started { return .none }
                // Every started execution failed: the next one need not wait for the timer.
                if state.started < maximumExecutions { return .startNext }
                state.continuation = nil
                state.launch = nil
                return .resume(continuation, .failure(state.firstError!))
            }
        }
        switch action {
        case .none: break
        case .resume(let continuation, let result): continuation.resume(with: result)
        case .startNext: _ = startNextIfRunning()
        }
    }
}
