import BasaltCQLProtocol

/// One connection's protocol state, as a value so that it can be tested without a channel
/// (the SwiftNIO style: the handler stays thin and carries out the actions this returns).
///
/// Lifecycle: `awaitingStartup` → STARTUP → `ready` (compression fixed, event subscriptions grow
/// with REGISTER). Orthogonally the connection may be draining for shutdown: it then takes no new
/// reads and closes once its in-flight requests have been answered.
struct ConnectionStateMachine {
    private enum State: Equatable {
        /// Only OPTIONS and STARTUP are valid (there is no authentication, so no AUTHENTICATE step).
        case awaitingStartup
        case ready(compression: CQLCompression?, subscriptions: Set<CQLEventType>)
    }

    /// What the handler must do with a decoded request.
    enum Action: Equatable {
        /// Answer on the request's stream; the connection stays usable (ERRORs included).
        case reply(CQLResponse)
        /// Answer READY uncompressed, then compress every later frame both ways.
        case replyReadyThenCompress(CQLCompression)
        /// Hand the request to the query layer; the reply comes when it completes.
        case dispatch(CQLRequest)

        /// Whether this answers a STARTUP with READY (and not with an error).
        var acceptsStartup: Bool {
            switch self {
            case .reply(.ready), .replyReadyThenCompress: true
            default: false
            }
        }
    }

    /// SUPPORTED must hold both keys or the python driver fails with KeyError (notes §0.2).
    /// CQL_VERSION is Cassandra 5.0's, whose protocol and system tables Basalt models.
    static let supported = CQLSupported(options: [
        "CQL_VERSION": ["3.4.7"],
        "COMPRESSION": CQLCompression.allCases.map(\.rawValue),
        "PROTOCOL_VERSIONS": ["4/v4"],
    ])

    private var state = State.awaitingStartup
    private(set) var inFlight = 0
    private(set) var isDraining = false

    mutating func receive(_ request: CQLRequest) -> Action {
        switch (state, request) {
        case (_, .options):
            // Drivers also use OPTIONS as the idle heartbeat, so it is valid in every state.
            return .reply(.supported(Self.supported))
        case (.awaitingStartup, .startup(let startup)):
            return start(startup)
        case (.ready, .startup):
            return .reply(Self.protocolError("STARTUP was already received on this connection"))
        case (.ready(let compression, var subscriptions), .register(let register)):
            subscriptions.formUnion(register.eventTypes)
            state = .ready(compression: compression, subscriptions: subscriptions)
            return .reply(.ready)
        case (_, .authResponse):
            return .reply(Self.protocolError("Unexpected AUTH_RESPONSE: authentication is not enabled"))
        case (.ready, .query), (.ready, .prepare), (.ready, .execute), (.ready, .batch):
            inFlight += 1
            return .dispatch(request)
        case (.awaitingStartup, _):
            return .reply(Self.protocolError("Unexpected message \(request.opcode), expecting STARTUP or OPTIONS"))
        }
    }

    private mutating func start(_ startup: CQLStartup) -> Action {
        guard startup.cqlVersion != nil else {
            return .reply(Self.protocolError("Missing value CQL_VERSION in STARTUP message"))
        }
        guard let name = startup.compression else {
            state = .ready(compression: nil, subscriptions: [])
            return .reply(.ready)
        }
        guard let compression = CQLCompression(rawValue: name) else {
            return .reply(Self.protocolError("Unknown compression algorithm: \(name)"))
        }
        state = .ready(compression: compression, subscriptions: [])
        return .replyReadyThenCompress(compression)
    }

    /// A dispatched request was answered. True when the connection should now close (drained).
    mutating func requestCompleted() -> Bool {
        precondition(inFlight > 0, "a request completed that was never dispatched")
        inFlight -= 1
        return isDraining && inFlight == 0
    }

    /// Shutdown began. True when the connection can close at once (nothing in flight).
    mutating func drain() -> Bool {
        isDraining = true
        return inFlight == 0
    }

    /// Whether STARTUP was accepted.
    var isStarted: Bool {
        if case .ready = state { return true }
        return false
    }

    /// Whether this connection REGISTERed for the event's type.
    func isSubscribed(to type: CQLEventType) -> Bool {
        guard case .ready(_, let subscriptions) = state else { return false }
        return subscriptions.contains(type)
    }

    static func protocolError(_ message: String) -> CQLResponse {
        .error(CQLErrorMessage(.protocolError, message: message))
    }
}
