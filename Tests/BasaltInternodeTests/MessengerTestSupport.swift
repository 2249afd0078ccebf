import BasaltCore
import BasaltInternode
import NIOCore
import NIOPosix
import Synchronization

/// A started messenger on 127.0.0.1 with an ephemeral port (or `port`), one event-loop thread,
/// and short timeouts so failures show within the suite's time budget.
func startMessenger(
    cluster: String = "test", port: Int = 0, hostLow: UInt64 = 1,
    configure: (inout InternodeMessengerConfiguration) -> Void = { _ in },
    handlers: [InternodeVerb: InternodeHandler] = [:]
) async throws -> InternodeMessenger {
    var configuration = InternodeMessengerConfiguration(
        clusterName: cluster, hostID: InternodeHostID(high: 0xBA5A17, low: hostLow),
        listenAddress: NodeAddress(host: "127.0.0.1", port: port))
    configuration.eventLoopThreads = 1
    configuration.connectTimeout = .seconds(2)
    configuration.initialReconnectBackoff = .milliseconds(20)
    configuration.maximumReconnectBackoff = .milliseconds(100)
    configuration.shutdownGracePeriod = .seconds(2)
    configure(&configuration)
    let messenger = InternodeMessenger(configuration: configuration)
    for (verb, handler) in handlers { messenger.register(verb, handler: handler) }
    try await messenger.start()
    return messenger
}

extension InternodeMessenger {
    /// The listen address, which exists once started.
    var address: NodeAddress { listenAddress! }
}

/// Handlers wait on it until the test opens it; a cancelled waiter throws `CancellationError`.
/// `arrivals` yields once per waiter, so a test can wait until N requests are inside handlers
/// without sleeping.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var nextID: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var cancelledEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())
    let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation

    init() {
        (arrivals, arrived) = AsyncStream<Void>.makeStream()
    }

    func wait() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if state.isOpen { return .success(()) }
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                arrived.yield()
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelledEarly.insert(id)
                    return CheckedContinuation<Void, any Error>?.none
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// How many waits have begun.
    var arrivalCount: Int { state.withLock { Int($0.nextID) } }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension AsyncStream<Void> {
    /// Waits for `count` elements.
    func take(_ count: Int) async {
        var iterator = makeAsyncIterator()
        for _ in 0..<count { _ = await iterator.next() }
    }
}

/// Polls `condition` every 10 ms for up to 2 s: only for counters, which have no event to await.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<200 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A TCP client that is not a Basalt node.
func connectRawClient(port: Int) async throws -> any Channel {
    try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port).get()
}

/// A TCP server that accepts connections and never says anything: a peer hanging in the handshake.
func startSilentServer() async throws -> any Channel {
    try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
        .bind(host: "127.0.0.1", port: 0).get()
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

/// A list that concurrent handlers and tasks append to.
final class Recorder<Element: Sendable>: Sendable {
    private let elements = Mutex<[Element]>([])

    func append(_ element: Element) {
        elements.withLock { $0.append(element) }
    }

    var all: [Element] { elements.withLock { $0 } }
}
