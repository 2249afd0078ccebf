import BasaltCQLProtocol
import NIOCore
import Synchronization

/// The one connection that watches the cluster: it reads `system.local` and `system.peers` to
/// learn the hosts and their tokens, and REGISTERs for topology, status and schema events, which
/// it passes on. When it closes it moves to another host, with backoff, and reads the topology
/// again (events may have been missed meanwhile).
final class ControlConnection: Sendable {
    /// What the control connection learns, in the order it learns it.
    enum Notice: Sendable {
        /// The hosts, after every read of the system tables.
        case hosts([Host])
        case event(CQLEvent)
    }

    /// Consumed by the client (one task); finished by `shutdown`.
    let notices: AsyncStream<Notice>
    private let continuation: AsyncStream<Notice>.Continuation
    private let group: any EventLoopGroup
    private let configuration: BasaltClient.Configuration
    private let state: Mutex<State>

    private struct State {
        var connection: Connection?
        var reconnecting: Task<Void, Never>?
        var refreshScheduled = false
        var isShutdown = false
        /// Where to reconnect, best first: hosts that are up, then the others, then contact points.
        var candidates: [Endpoint]
    }

    init(group: any EventLoopGroup, configuration: BasaltClient.Configuration, contactPoints: [Endpoint]) {
        self.group = group
        self.configuration = configuration
        (notices, continuation) = AsyncStream.makeStream(of: Notice.self)
        state = Mutex(State(candidates: contactPoints))
    }

    /// Replaces the reconnection candidates (the client calls it when the topology changes).
    func setCandidates(_ candidates: [Endpoint]) {
        state.withLock { $0.candidates = candidates }
    }

    /// Connects to the first endpoint that answers and returns the cluster's hosts.
    func connect(to endpoints: [Endpoint]) async throws -> [Host] {
        var errors: [String] = []
        for endpoint in endpoints {
            do {
                return try await attach(to: endpoint)
            } catch {
                errors.append("\(endpoint): \(error)")
            }
        }
        throw BasaltClientError.noHostAvailable(message: errors.joined(separator: "; "))
    }

    private func attach(to endpoint: Endpoint) async throws -> [Host] {
        let connection = try await Connection.open(
            to: endpoint, on: group.next(), configuration: configuration, keyspace: nil,
            onEvent: { [continuation] event in continuation.yield(.event(event)) })
        do {
            let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
            let register = CQLRegister(eventTypes: [.topologyChange, .statusChange, .schemaChange])
            guard case .ready = try await connection.send(.register(register), deadline: deadline) else {
                throw BasaltClientError.unexpectedResponse(message: "REGISTER was not answered with READY")
            }
            let hosts = try await readHosts(on: connection)
            let accepted = state.withLock { state -> Bool in
                guard !state.isShutdown else { return false }
                state.connection = connection
                // Cleared here, under the lock that `connectionLost` takes, so a loss right after
                // this point starts a new reconnection rather than finding this one still listed.
                state.reconnecting = nil
                return true
            }
            guard accepted else { throw BasaltClientError.clientClosed }
            connection.setCloseHandler { [weak self] _ in self?.connectionLost() }
            return hosts
        } catch {
            connection.close()
            throw error
        }
    }

    private func readHosts(on connection: Connection) async throws -> [Host] {
        async let local = query(SystemPeers.localQuery, on: connection)
        async let peers = query(SystemPeers.peersQuery, on: connection)
        guard let localRow = try await local.first else {
            throw BasaltClientError.unexpectedResponse(message: "system.local returned no row")
        }
        return SystemPeers.hosts(local: localRow, localEndpoint: connection.endpoint, peers: try await peers, port: configuration.port)
    }

    /// Runs `cql` on the control connection (system tables need no paging: they come whole).
    func query(_ cql: String) async throws -> [Row] {
        guard let connection = state.withLock({ $0.connection }) else {
            throw BasaltClientError.noHostAvailable(message: "the control connection is reconnecting")
        }
        return try await query(cql, on: connection)
    }

    private func query(_ cql: String, on connection: Connection) async throws -> [Row] {
        let deadline = NIODeadline.now() + TimeAmount(configuration.requestTimeout)
        switch try await connection.send(.query(CQLQuery(query: cql, parameters: CQLQueryParameters(consistency: .one))), deadline: deadline) {
        case .result(let result): return try ResultSet(result, cachedColumns: nil).rows
        case .error(let error): throw BasaltClientError(error)
        default: throw BasaltClientError.unexpectedResponse(message: "\(cql) was not answered with a RESULT")
        }
    }

    /// Reads the topology again after `delay`; requests arriving meanwhile share that one read.
    func scheduleRefresh(after delay: Duration) {
        let start = state.withLock { state -> Bool in
            guard !state.refreshScheduled, !state.isShutdown else { return false }
            state.refreshScheduled = true
            return true
        }
        guard start else { return }
        Task {
            try? await Task.sleep(for: delay)
            state.withLock { $0.refreshScheduled = false }
            guard let connection = state.withLock({ $0.connection }) else { return }
            do {
                continuation.yield(.hosts(try await readHosts(on: connection)))
            } catch {
                configuration.logger.info("topology refresh failed", metadata: ["error": "\(error)"])
            }
        }
    }

    private func connectionLost() {
        state.withLock { state in
            state.connection = nil
            guard !state.isShutdown, state.reconnecting == nil else { return }
            state.reconnecting = Task { await self.reconnect() }
        }
    }

    private func reconnect() async {
        var attempt = 0
        while !Task.isCancelled {
            for endpoint in state.withLock({ $0.candidates }) {
                guard let hosts = try? await attach(to: endpoint) else { continue }
                configuration.logger.info("control connection re-established", metadata: ["host": "\(endpoint)"])
                continuation.yield(.hosts(hosts))
                return
            }
            let delay = configuration.reconnection.delay(attempt: attempt, unit: Double.random(in: 0..<1))
            attempt += 1
            guard (try? await Task.sleep(for: delay)) != nil else { return }
        }
    }

    func shutdown() {
        let connection = state.withLock { state -> Connection? in
            state.isShutdown = true
            state.reconnecting?.cancel()
            state.reconnecting = nil
            defer { state.connection = nil }
            return state.connection
        }
        connection?.close()
        continuation.finish()
    }
}
