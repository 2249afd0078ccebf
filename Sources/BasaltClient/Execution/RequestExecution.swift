import BasaltCQLProtocol
import NIOCore

/// One request on its way through the cluster: which hosts it tries (the query plan), what happens
/// when one fails (`RetryPolicy`), UNPREPARED answers (prepare again on that node, send again),
/// and speculative executions.
struct RequestExecution: Sendable {
    var request: CQLRequest
    var routingToken: Int64?
    var isIdempotent: Bool
    /// The prepared statements the request refers to by id, to re-prepare on UNPREPARED.
    var prepared: [PreparedStatement]
    var deadline: NIODeadline

    /// What one try on one connection came to.
    private enum Attempt {
        case answered(CQLResult)
        /// The request never reached the node: trying elsewhere is not a retry.
        case notSent
        case failed(BasaltClientError)
    }

    /// Runs the request to its result; returns it with the host that answered.
    func run(on client: BasaltClient) async throws -> (CQLResult, Endpoint) {
        guard let speculation = client.configuration.speculativeExecution, isIdempotent, speculation.maximumExecutions > 1 else {
            return try await runPlan(on: client, skipping: 0)
        }
        return try await runSpeculatively(on: client, speculation)
    }

    /// Walks the query plan from its `skipping`-th host; when the plan is exhausted and time
    /// remains, waits for a host to come (back) up and starts over.
    private func runPlan(on client: BasaltClient, skipping: Int) async throws -> (CQLResult, Endpoint) {
        var retries = 0
        var lastError: BasaltClientError?
        var skip = skipping
        while !client.closed {
            for pool in client.plan(routingToken: routingToken).dropFirst(skip) {
                guard let connection = pool.borrow() else { continue }
                switch await attempt(on: connection) {
                case .answered(let result):
                    return (result, connection.endpoint)
                case .notSent:
                    // Nothing happened on the node; the next host (or the wait below) takes it.
                    break
                case .failed(let error):
                    lastError = error
                    switch client.configuration.retryPolicy.decision(for: error, retries: retries, isIdempotent: isIdempotent) {
                    case .fail: throw error
                    case .retryNextHost: retries += 1
                    }
                }
                guard NIODeadline.now() < deadline else { throw lastError ?? Self.noHost(client) }
            }
            skip = 0
            guard await client.waitForHost(until: deadline) else { break }
        }
        if client.closed { throw BasaltClientError.clientClosed }
        throw lastError ?? Self.noHost(client)
    }

    private static func noHost(_ client: BasaltClient) -> BasaltClientError {
        .noHostAvailable(message: "no host was up before the request's deadline (\(client.configuration.requestTimeout))")
    }

    private func attempt(on connection: Connection) async -> Attempt {
        var reprepared = false
        while true {
            let response: CQLResponse
            do {
                response = try await connection.send(request, deadline: deadline)
            } catch is Connection.NotSent {
                return .notSent
            } catch let error as BasaltClientError {
                return .failed(error)
            } catch {
                return .failed(.connectionError(host: connection.endpoint.description, message: "\(error)"))
            }
            switch response {
            case .result(let result):
                return .answered(result)
            case .error(let message):
                let error = BasaltClientError(message)
                // The node forgot the statement (a restart, a schema change): prepare it again on
                // this node, once, and send the same request; it was never executed.
                guard case .unprepared(let id, _) = error, !reprepared,
                    let statement = prepared.first(where: { $0.id == id })
                else { return .failed(error) }
                if let failure = await reprepare(statement, on: connection) { return .failed(failure) }
                reprepared = true
            default:
                return .failed(.unexpectedResponse(message: "\(response.opcode) in answer to \(request.opcode)"))
            }
        }
    }

    /// Prepares `statement` again on `connection`'s node; nil on success.
    private func reprepare(_ statement: PreparedStatement, on connection: Connection) async -> BasaltClientError? {
        do {
            switch try await connection.send(.prepare(CQLPrepare(query: statement.query)), deadline: deadline) {
            case .result(.prepared(let prepared)) where prepared.id == statement.id:
                statement.update(from: prepared)
                return nil
            case .result(.prepared):
                return .unprepared(id: statement.id, message: "re-preparing \(statement.query) gave a different id (was the keyspace changed?)")
            case .error(let message):
                return BasaltClientError(message)
            default:
                return .unexpectedResponse(message: "PREPARE was not answered with PREPARED")
            }
        } catch let error as Connection.NotSent {
            return error.error
        } catch {
            return error as? BasaltClientError ?? .connectionError(host: connection.endpoint.description, message: "\(error)")
        }
    }

    /// Starts the request on the first host of the plan and, each time `delay` passes without an
    /// answer, once more on the next host; the first answer wins. The executions are unstructured
    /// tasks so that the caller returns with the first answer instead of waiting for the slower
    /// ones, whose late answers are simply dropped.
    private func runSpeculatively(
        on client: BasaltClient, _ speculation: BasaltClient.Configuration.SpeculativeExecution
    ) async throws -> (CQLResult, Endpoint) {
        let race = SpeculativeRace(executions: speculation.maximumExecutions)
        return try await withUnsafeThrowingContinuation { continuation in
            race.begin(continuation) { execution in
                Task {
                    do {
                        race.finished(execution, with: .success(try await runPlan(on: client, skipping: execution)))
                    } catch {
                        race.finished(execution, with: .failure(error))
                    }
                }
            }
            Task {
                while race.isRunning {
                    try? await Task.sleep(for: speculation.delay)
                    guard race.startNextIfRunning() else { return }
                }
            }
        }
    }
}
