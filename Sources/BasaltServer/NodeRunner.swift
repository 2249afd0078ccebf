#if canImport(Glibc)
import Glibc
#endif
import BasaltQuery
import Foundation
import BasaltStorage
import BasaltTLS
import Logging
import Synchronization

/// What the factory builds over the storage: the query layer that answers requests, and how to stop
/// what runs behind it (e.g. the cluster layer) before storage closes.
public struct NodeServices: Sendable {
    public var handler: any CQLRequestHandler
    /// Asked when a connection logs in; nil: connections need not (AllowAllAuthenticator).
    public var authenticator: (any CQLAuthenticator)?
    public var stop: @Sendable () async -> Void

    public init(handler: any CQLRequestHandler, authenticator: (any CQLAuthenticator)? = nil,
                stop: @escaping @Sendable () async -> Void = {}) {
        self.handler = handler
        self.authenticator = authenticator
        self.stop = stop
    }
}

/// A node's startup and shutdown sequence, independent of which query layer answers requests:
/// configuration → logging → storage → query layer (from `makeHandler`) → CQL server → signals.
///
/// `basalt start` is `NodeRunner(configuration:makeHandler:).run()`; tests call `start()` and
/// `stop()` themselves with a small handler.
public final class NodeRunner: Sendable {
    /// Builds the query layer over the opened storage. It is given the server's connection
    /// registry (its `CQLEventSink` and `ClientDirectory`), and is where tables are opened and the
    /// commit log replayed (only the query layer knows the schema).
    public typealias HandlerFactory =
        @Sendable (_ storage: StorageEngine, _ connections: ConnectionRegistry, _ logger: Logger) async throws -> NodeServices

    public let configuration: NodeConfiguration
    /// The CQL listener's TLS, from `configuration.loadTLS()` (the factory gets the other parts).
    public let clientTLS: ServerTLS?
    public let logger: Logger
    private let makeHandler: HandlerFactory
    private let readyLine: @Sendable (String) -> Void
    private let running = Mutex<Running?>(nil)
    /// Whether a stop was asked for, and how `run()` hears of it once it waits.
    private let stopRequest = Mutex<(requested: Bool, notify: (@Sendable () -> Void)?)>((false, nil))

    private struct Running: Sendable {
        var storage: StorageEngine
        var server: CQLServer
        var services: NodeServices
    }

    /// `logSink` receives log lines (standard error by default); `readyLine` the one line scripts
    /// wait for (standard output by default).
    public init(
        configuration: NodeConfiguration, clientTLS: ServerTLS? = nil, makeHandler: @escaping HandlerFactory,
        logSink: @escaping @Sendable (String) -> Void = KeyValueLogHandler.standardError,
        readyLine: @escaping @Sendable (String) -> Void = NodeRunner.printFlushed
    ) {
        self.configuration = configuration
        self.clientTLS = clientTLS
        self.makeHandler = makeHandler
        self.readyLine = readyLine
        let level = configuration.logLevel
        var logger = Logger(label: "basalt") { KeyValueLogHandler(label: $0, level: level, sink: logSink) }
        logger[metadataKey: "cluster"] = "\(configuration.clusterName)"
        self.logger = logger
    }

    /// Prints and flushes at once: scripts and tests read this line through a pipe, where standard
    /// output would otherwise sit in a block buffer.
    public static let printFlushed: @Sendable (String) -> Void = { line in
        print(line)
        fflush(nil)  // all output streams: `stdout` itself is not concurrency-safe to name
    }

    /// Starts, waits for SIGTERM or SIGINT, shuts down gracefully. Returning normally means a
    /// clean stop, so the command exits 0.
    public func run() async throws {
        try await start()
        let signal = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            let first = FirstStopReason(continuation)
            // A drain asked for while the node was still starting is not lost.
            let early = stopRequest.withLock { request in
                if !request.requested { request.notify = { first.resume("admin drain") } }
                return request.requested
            }
            if early { first.resume("admin drain") }
            Task { first.resume(await ShutdownSignal.next()) }
        }
        logger.info("shutdown requested", metadata: ["signal": "\(signal)"])
        // An operator who signals again does not want to wait for the drain: the commit log
        // already holds every acknowledged write, so stopping now loses nothing.
        Task.detached { [logger] in
            let again = await ShutdownSignal.next()
            logger.warning("second signal: exiting without finishing the drain", metadata: ["signal": "\(again)"])
            exit(1)
        }
        try await stop()
    }

    /// Stops the node as SIGTERM does (`basalt admin drain`); `run()` then returns (at once if it
    /// is asked for before `run()` waits). Asking twice does nothing more.
    public func requestStop() {
        stopRequest.withLock { request in defer { request = (true, nil) }; return request.notify }?()
    }

    /// Opens storage, builds the query layer, binds the server and prints
    /// `basalt: node ready on <host>:<port>`. Returns the running server.
    @discardableResult
    public func start() async throws -> CQLServer {
        logger.info(
            "starting node",
            metadata: [
                "data_directory": "\(configuration.dataDirectory)", "data_center": "\(configuration.dataCenter)",
                "rack": "\(configuration.rack)", "commitlog_sync": "\(configuration.commitLogSync.rawValue)",
            ])
        var storageConfiguration = configuration.storage
        storageConfiguration.onBackgroundError = { [logger] message in
            logger.error("storage background work failed", metadata: ["error": "\(message)"])
        }
        let storage = try StorageEngine(configuration: storageConfiguration)
        logger.info("storage opened", metadata: ["directory": "\(configuration.dataDirectory)"])
        let server: CQLServer
        let services: NodeServices
        do {
            let connections = ConnectionRegistry()
            services = try await makeHandler(storage, connections, logger)
            var serverConfiguration = configuration.server
            serverConfiguration.tls = clientTLS
            do {
                server = try await CQLServer.start(
                    configuration: serverConfiguration, handler: services.handler, authenticator: services.authenticator,
                    connections: connections, logger: logger)
            } catch {
                await services.stop()
                throw error
            }
        } catch {
            logger.error("startup failed", metadata: ["error": "\(error)"])
            try? storage.close()
            throw error
        }
        running.withLock { $0 = Running(storage: storage, server: server, services: services) }
        readyLine("basalt: node ready on \(configuration.listenAddress):\(server.port)")
        return server
    }

    /// Stops accepting, lets in-flight requests finish, closes connections, stops the services
    /// behind the query layer (the cluster layer: peers learn this node is going), drains storage
    /// (flushes every memtable, so the next start replays next to nothing) for at most
    /// `drainLimit`, then closes storage, which syncs the commit log. Does nothing if the node is
    /// not running.
    public func stop(drainLimit: Duration = .seconds(20)) async throws {
        guard let node = running.withLock({ running in defer { running = nil }; return running }) else { return }
        await node.server.stop()
        await node.services.stop()
        let drained = await Self.drain(node.storage, within: drainLimit)
        try node.storage.close()
        logger.info("node stopped", metadata: ["commitlog": "synced", "memtables": drained ? "flushed" : "left to the commit log"])
    }

    /// Flushes every memtable on a thread of its own; gives up waiting after `limit` (a slow or
    /// failing disk must not hold the stop: the commit log still has everything).
    static func drain(_ storage: StorageEngine, within limit: Duration) async -> Bool {
        let outcome = DrainOutcome()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            outcome.continuation = continuation
            Thread { outcome.finish((try? storage.flush()) != nil) }.start()
            let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { outcome.finish(false) }
        }
    }
}

/// Whichever of a signal and `requestStop()` comes first stops the node.
private final class FirstStopReason: Sendable {
    private let continuation: Mutex<CheckedContinuation<String, Never>?>

    init(_ continuation: CheckedContinuation<String, Never>) { self.continuation = Mutex(continuation) }

    func resume(_ reason: String) {
        continuation.withLock { waiting in defer { waiting = nil }; return waiting }?.resume(returning: reason)
    }
}

/// Whichever of the flush and the time limit comes first answers the drain.
private final class DrainOutcome: @unchecked Sendable {
    private let lock = NSLock()
    var continuation: CheckedContinuation<Bool, Never>?

    func finish(_ flushed: Bool) {
        let waiting = lock.withLock { () -> CheckedContinuation<Bool, Never>? in
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: flushed)
    }
}
