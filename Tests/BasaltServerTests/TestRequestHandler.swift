import BasaltCQLProtocol
import BasaltQuery
import BasaltServer
import NIOPosix
import Synchronization

/// Named gates a test opens by hand, so that "request A is still in flight while B completes" is a
/// fact the test arranges rather than a race between sleeps.
final class Gates: Sendable {
    private let state = Mutex<(open: Set<String>, waiting: [String: [CheckedContinuation<Void, Never>]])>(([], [:]))

    func wait(_ name: String) async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open.contains(name) { return true }
                state.waiting[name, default: []].append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open(_ name: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open.insert(name)
            return state.waiting.removeValue(forKey: name) ?? []
        }
        for waiter in waiters { waiter.resume() }
    }

    func waiting(_ name: String) -> Int { state.withLock { $0.waiting[name]?.count ?? 0 } }
}

/// Stands in for the query layer: answers a QUERY with Set_keyspace echoing its text, after
/// `WAIT <gate>` waits until the test opens that gate, `FAIL` answers
/// Invalid (a request error), `THREAD` tells whether it ran on an event loop before and after a
/// suspension, and anything else is refused.
struct TestRequestHandler: CQLRequestHandler {
    var gates = Gates()

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
        if query.query.hasPrefix("WAIT ") {
            await gates.wait(String(query.query.dropFirst(5)))
        }
        return .result(.setKeyspace(query.query))
    }
}

/// Logs in `u` with password `p` and refuses anything else, with PasswordAuthenticator's class name.
struct TestAuthenticator: CQLAuthenticator {
    var className: String { "org.apache.cassandra.auth.PasswordAuthenticator" }

    func authenticate(_ token: [UInt8]?) async throws(AuthenticationFailure) -> String {
        let credentials: SASLPlainToken
        do { credentials = try SASLPlainToken(decoding: token) } catch { throw AuthenticationFailure(error.description) }
        guard credentials == SASLPlainToken(username: "u", password: "p") else {
            throw AuthenticationFailure("Provided username \(credentials.username) and/or password are incorrect")
        }
        return credentials.username
    }
}

extension CQLServer {
    /// Runs `body` against a server started with `configuration`, stopping it however `body` ends.
    static func running(_ configuration: ServerConfiguration, handler: TestRequestHandler,
                        authenticator: (any CQLAuthenticator)? = nil,
                        _ body: (CQLServer) async throws -> Void) async throws {
        let server = try await CQLServer.start(configuration: configuration, handler: handler, authenticator: authenticator)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
