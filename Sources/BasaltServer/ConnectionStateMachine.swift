import BasaltCQLProtocol

/// One connection's protocol state, as a value so that it can be tested without a channel
/// (the SwiftNIO style: the handler stays thin and carries out the actions this returns).
///
/// Lifecycle: `awaitingStartup` → STARTUP → `ready` (compression fixed, event subscriptions grow
/// with REGISTER); with an authenticator, STARTUP leads to `authenticating` instead (answered
/// AUTHENTICATE), where only AUTH_RESPONSE and OPTIONS are served, until one succeeds (a failed one
/// leaves the connection there for another try, as Cassandra). Orthogonally the connection may be draining for shutdown: it then takes no new
/// reads and closes once its in-flight requests have been answered.
struct ConnectionStateMachine {
    private enum State: Equatable {
        /// Only OPTIONS and STARTUP are valid.
        case awaitingStartup
        /// AUTHENTICATE was sent; `checking` while an AUTH_RESPONSE is being verified.
        case authenticating(compression: CQLCompression?, checking: Bool)
        case ready(compression: CQLCompression?, subscriptions: Set<CQLEventType>)
    }

    /// What the handler must do with a decoded request.
    enum Action: Equatable {
        /// Answer on the request's stream; the connection stays usable (ERRORs included).
        case reply(CQLResponse)
        /// Answer STARTUP (READY or AUTHENTICATE) uncompressed, then compress every later frame both ways.
        case replyThenCompress(CQLResponse, CQLCompression)
        /// Hand the request to the query layer; the reply comes when it completes.
        case dispatch(CQLRequest)
        /// Check the AUTH_RESPONSE token, then call `authenticated(_:)`.
        case authenticate([UInt8]?)

        /// Whether this answers a STARTUP with READY or AUTHENTICATE (and not with an error).
        var acceptsStartup: Bool {
            switch self {
            case .reply(.ready), .reply(.authenticate), .replyThenCompress: true
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
    /// The class AUTHENTICATE names; nil when connections need not log in.
    private let authenticatorClass: String?

    init(authenticatorClass: String? = nil) {
        self.authenticatorClass = authenticatorClass
    }

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
        case (.authenticating(let compression, checking: false), .authResponse(let token)):
            state = .authenticating(compression: compression, checking: true)
            inFlight += 1
            return .authenticate(token.token)
        case (.authenticating, .authResponse):
            return .reply(Self.protocolError("An AUTH_RESPONSE is already being checked on this connection"))
        case (.authenticating, .startup):
            return .reply(Self.protocolError("STARTUP was already received on this connection"))
        case (.authenticating, _):
            // Cassandra's wording (ServerConnection), the connection stays open for the login.
            return .reply(Self.protocolError("Unexpected message \(request.opcode), expecting SASL_RESPONSE"))
        case (_, .authResponse):
            return .reply(Self.protocolError(authenticatorClass == nil
                ? "Unexpected AUTH_RESPONSE: authentication is not enabled" : "Unexpected AUTH_RESPONSE before STARTUP"))
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
        var compression: CQLCompression?
        if let name = startup.compression {
            guard let known = CQLCompression(rawValue: name) else {
                return .reply(Self.protocolError("Unknown compression algorithm: \(name)"))
            }
            compression = known
        }
        let response: CQLResponse
        if let authenticatorClass {
            state = .authenticating(compression: compression, checking: false)
            response = .authenticate(CQLAuthenticate(authenticatorClass: authenticatorClass))
        } else {
            state = .ready(compression: compression, subscriptions: [])
            response = .ready
        }
        // Cassandra fixes the compressor at STARTUP, so AUTHENTICATE is the last uncompressed frame too.
        return compression.map { .replyThenCompress(response, $0) } ?? .reply(response)
    }

    /// The AUTH_RESPONSE given by `.authenticate` was checked: on success the connection is ready,
    /// otherwise it waits for another. True when the connection should now close (drained).
    mutating func authenticated(_ success: Bool) -> Bool {
        if case .authenticating(let compression, checking: true) = state {
            state = success ? .ready(compression: compression, subscriptions: []) : .authenticating(compression: compression, checking: false)
        }
        return requestCompleted()
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
