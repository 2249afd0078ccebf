import Logging
import NIOCore
import Synchronization

/// The connections to one host: up to `connectionsPerHost`, spread over the event loops, re-opened
/// with exponential backoff when they close. Requests borrow the least busy one.
///
/// The host is up while at least one connection is open (and no DOWN event suspended it). A pool
/// keeps trying to reconnect for as long as it exists; the client drops it when the host leaves
/// the topology.
final class HostPool: Sendable {
    let endpoint: Endpoint
    private let group: any EventLoopGroup
    private let configuration: BasaltClient.Configuration
    /// The client's current keyspace, for the `USE` of each new connection.
    private let keyspace: @Sendable () -> String?
    private let state = Mutex(State())
    private let up = Atomic<Bool>(false)

    private struct State {
        var connections: [Connection] = []
        /// The task re-opening connections, with a generation so that a replaced task knows it.
        var filling: (task: Task<Void, Never>, generation: Int)?
        var generation = 0
        /// Consecutive failed attempts, for the backoff.
        var failures = 0
        /// Attempts so far: attempt `n` uses event loop `n` modulo their number, so the pool's
        /// connections sit on different loops (see `borrow`).
        var attempts = 0
        var isShutdown = false
        /// A DOWN event for this host: it is left out of query plans until it is seen up again.
        var suspended = false

        var isUp: Bool { !connections.isEmpty && !suspended && !isShutdown }
    }

    init(endpoint: Endpoint, group: any EventLoopGroup, configuration: BasaltClient.Configuration,
         keyspace: @escaping @Sendable () -> String?) {
        self.endpoint = endpoint
        self.group = group
        self.configuration = configuration
        self.keyspace = keyspace
    }

    var isUp: Bool { up.load(ordering: .relaxed) }

    /// The open connection of the caller's event loop if there is one (no thread hand-off, see
    /// `BasaltClient.withEventLoopAffinity`), else the one with the fewest pending requests; nil
    /// when none is open.
    func borrow() -> Connection? {
        state.withLock { state in
            guard state.isUp else { return nil }
            var best = state.connections[0]
            for connection in state.connections {
                if connection.channel.eventLoop.inEventLoop { return connection }
                if connection.pendingCount < best.pendingCount { best = connection }
            }
            return best
        }
    }

    /// Opens the connections in parallel, once each, and returns when every attempt has ended;
    /// failed ones are retried in the background with backoff.
    func openInitialConnections() async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.connectionsPerHost {
                group.addTask { _ = try? await self.openOne() }
            }
        }
        fill()
    }

    /// Starts re-opening connections until the pool is full, unless that is already under way.
    func fill() {
        state.withLock { state in
            guard !state.isShutdown, state.filling == nil, state.connections.count < configuration.connectionsPerHost else {
                return
            }
            startFilling(&state)
        }
    }

    /// The host was announced up: reconnect now rather than at the end of the current backoff.
    func reconnectNow() {
        state.withLock { state in
            state.suspended = false
            state.failures = 0
            up.store(state.isUp, ordering: .relaxed)
            guard !state.isShutdown, state.connections.count < configuration.connectionsPerHost else { return }
            state.filling?.task.cancel()
            startFilling(&state)
        }
    }

    /// The host was announced down: leave it out of query plans until it is seen up again.
    func suspend() {
        state.withLock { state in
            state.suspended = true
            up.store(false, ordering: .relaxed)
        }
    }

    private func startFilling(_ state: inout State) {
        state.generation += 1
        let generation = state.generation
        state.filling = (Task { await self.fillLoop(generation: generation) }, generation)
    }

    private func fillLoop(generation: Int) async {
        while !Task.isCancelled {
            let delay = state.withLock { state -> Duration? in
                guard !state.isShutdown, state.connections.count < configuration.connectionsPerHost else {
                    // Deciding to stop and clearing `filling` under one lock: a connection that
                    // closes right after sees no filler and starts one.
                    if state.filling?.generation == generation { state.filling = nil }
                    return nil
                }
                guard state.failures > 0 else { return .zero }
                return configuration.reconnection.delay(attempt: state.failures - 1, unit: Double.random(in: 0..<1))
            }
            guard let delay else { return }
            if delay > .zero {
                // Cancellation (`reconnectNow`) ends the sleep early; a newer filler has taken over.
                guard (try? await Task.sleep(for: delay)) != nil else { return }
            }
            _ = try? await openOne()
        }
    }

    /// One attempt to open a connection. On success it joins the pool.
    @discardableResult
    private func openOne() async throws -> Connection {
        let loops = Array(group.makeIterator())
        let loop = loops[state.withLock { state in
            defer { state.attempts += 1 }
            return state.attempts % loops.count
        }]
        do {
            let connection = try await Connection.open(
                to: endpoint, on: loop, configuration: configuration, keyspace: keyspace())
            let accepted = state.withLock { state -> Bool in
                // A filler replaced by `reconnectNow` may finish its attempt late: never exceed
                // the configured count.
                guard !state.isShutdown, state.connections.count < configuration.connectionsPerHost else { return false }
                let wasUp = state.isUp
                state.connections.append(connection)
                state.failures = 0
                state.suspended = false
                up.store(state.isUp, ordering: .relaxed)
                if !wasUp { configuration.logger.info("host up", metadata: ["host": "\(endpoint)"]) }
                return true
            }
            guard accepted else {
                connection.close()
                throw BasaltClientError.clientClosed
            }
            connection.setCloseHandler { [weak self] connection in self?.connectionClosed(connection) }
            return connection
        } catch {
            let failures = state.withLock { state in
                state.failures += 1
                return state.failures
            }
            // The first failure is worth a line; the ones during a long outage are not.
            let level: Logger.Level = failures == 1 ? .info : .debug
            configuration.logger.log(level: level, "cannot connect", metadata: ["host": "\(endpoint)", "error": "\(error)"])
            throw error
        }
    }

    private func connectionClosed(_ connection: Connection) {
        let nowDown = state.withLock { state -> Bool in
            let wasUp = state.isUp
            state.connections.removeAll { $0 === connection }
            up.store(state.isUp, ordering: .relaxed)
            return wasUp && !state.isUp
        }
        if nowDown { configuration.logger.info("host down: no open connection", metadata: ["host": "\(endpoint)"]) }
        fill()
    }

    /// Switches every open connection to `keyspace` (after a `USE` through the client).
    func use(_ keyspace: String, deadline: NIODeadline) async {
        let connections = state.withLock { $0.connections }
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { try? await connection.use(keyspace, deadline: deadline) }
            }
        }
    }

    /// Closes every connection and stops reconnecting.
    func shutdown() {
        let connections = state.withLock { state -> [Connection] in
            state.isShutdown = true
            state.filling?.task.cancel()
            state.filling = nil
            up.store(false, ordering: .relaxed)
            defer { state.connections = [] }
            return state.connections
        }
        for connection in connections { connection.close() }
    }
}
