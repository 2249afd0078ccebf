import BasaltCQLProtocol
import BasaltQuery
import NIOPosix

/// Stands in for the query layer: answers a QUERY with Set_keyspace echoing its text, after
/// `SLEEP <ms>` waits that long, `FAIL` answers Invalid (a request error), `THREAD` tells whether
/// it ran on an event loop before and after a suspension, and anything else is refused.
struct TestRequestHandler: CQLRequestHandler {
    func handle(_ request: CQLRequest, session: CQLSession) async -> CQLResponse {
        guard case .query(let query) = request else {
            return .error(CQLErrorMessage(.invalid, message: "the test handler answers QUERY only"))
        }
        if query.query == "FAIL" {
            return .error(CQLErrorMessage(.invalid, message: "asked to fail"))
        }
        if query.query == "THREAD" {
            let before = MultiThreadedEventLoopGroup.currentEventLoop != nil
            try? await Task.sleep(for: .milliseconds(1))
            let after = MultiThreadedEventLoopGroup.currentEventLoop != nil
            return .result(.setKeyspace("loop before=\(before) after=\(after)"))
        }
        if query.query.hasPrefix("SLEEP "), let milliseconds = Int(query.query.dropFirst(6)) {
            try? await Task.sleep(for: .milliseconds(milliseconds))
        }
        return .result(.setKeyspace(query.query))
    }
}
