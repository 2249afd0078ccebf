import BasaltCQLProtocol
import BasaltQuery

/// Stands in for the query layer: answers a QUERY with Set_keyspace echoing its text, after
/// `SLEEP <ms>` waits that long, `FAIL` answers Invalid (a request error), and anything that is
/// not a QUERY is refused.
struct TestRequestHandler: CQLRequestHandler {
    func handle(_ request: CQLRequest, session: CQLSession) async -> CQLResponse {
        guard case .query(let query) = request else {
            return .error(CQLErrorMessage(.invalid, message: "the test handler answers QUERY only"))
        }
        if query.query == "FAIL" {
            return .error(CQLErrorMessage(.invalid, message: "asked to fail"))
        }
        if query.query.hasPrefix("SLEEP "), let milliseconds = Int(query.query.dropFirst(6)) {
            try? await Task.sleep(for: .milliseconds(milliseconds))
        }
        return .result(.setKeyspace(query.query))
    }
}
