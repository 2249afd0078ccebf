import BasaltCQLProtocol
import Testing

@testable import BasaltServer

/// The connection's protocol rules without a channel.
struct ConnectionStateMachineTests {
    private let startup = CQLRequest.startup(CQLStartup(options: ["CQL_VERSION": "3.4.7"]))
    private let query = CQLRequest.query(CQLQuery(query: "SELECT 1", parameters: CQLQueryParameters(consistency: .one)))

    private func isProtocolError(_ action: ConnectionStateMachine.Action) -> Bool {
        guard case .reply(.error(let error)) = action else { return false }
        return error.kind == .protocolError
    }

    /// Feeds the requests in order and returns the actions.
    private func actions(_ machine: inout ConnectionStateMachine, _ requests: CQLRequest...) -> [ConnectionStateMachine.Action] {
        requests.map { machine.receive($0) }
    }

    @Test func onlyOptionsAndStartupBeforeStartup() {
        var machine = ConnectionStateMachine()
        let result = actions(&machine, query, .register(CQLRegister(eventTypes: [.schemaChange])), .options, startup, query, startup)
        #expect(isProtocolError(result[0]))
        #expect(isProtocolError(result[1]))
        #expect(result[2] == .reply(.supported(ConnectionStateMachine.supported)))
        #expect(result[3] == .reply(.ready))
        #expect(result[4] == .dispatch(query))
        #expect(isProtocolError(result[5]), "a second STARTUP")
    }

    /// The handler records a connection's STARTUP options (for `system_views.clients`) only when accepted.
    @Test(arguments: [
        (ConnectionStateMachine.Action.reply(.ready), true), (.replyThenCompress(.ready, .lz4), true),
        (ConnectionStateMachine.protocolError("no").asAction, false), (.reply(.supported(ConnectionStateMachine.supported)), false),
    ])
    func acceptsStartupOnlyWithReady(_ action: ConnectionStateMachine.Action, _ accepts: Bool) {
        #expect(action.acceptsStartup == accepts)
    }

    @Test func startupNeedsCQLVersionAndAKnownCompression() {
        var machine = ConnectionStateMachine()
        let result = actions(
            &machine, .startup(CQLStartup(options: [:])),
            .startup(CQLStartup(options: ["CQL_VERSION": "3", "COMPRESSION": "snappy"])),
            .startup(CQLStartup(options: ["CQL_VERSION": "3", "COMPRESSION": "LZ4"])))
        #expect(isProtocolError(result[0]))
        #expect(isProtocolError(result[1]))
        #expect(result[2] == .replyThenCompress(.ready, .lz4))
    }

    @Test func authResponseIsRefusedWithoutAuthentication() {
        var machine = ConnectionStateMachine()
        let result = actions(&machine, startup, .authResponse(CQLAuthToken(token: nil)))
        #expect(isProtocolError(result[1]))
    }

    @Test func registerAccumulatesSubscriptions() {
        var machine = ConnectionStateMachine()
        #expect(!machine.isSubscribed(to: .schemaChange))
        let result = actions(
            &machine, startup, .register(CQLRegister(eventTypes: [.schemaChange])),
            .register(CQLRegister(eventTypes: [.statusChange])))
        #expect(result[1] == .reply(.ready) && result[2] == .reply(.ready))
        #expect(machine.isSubscribed(to: .schemaChange) && machine.isSubscribed(to: .statusChange))
        #expect(!machine.isSubscribed(to: .topologyChange))
    }

    @Test func drainingClosesWhenTheLastRequestCompletes() {
        var machine = ConnectionStateMachine()
        _ = actions(&machine, startup, query, query)
        let closeAtDrain = machine.drain()
        let closeAfterFirst = machine.requestCompleted()
        let closeAfterSecond = machine.requestCompleted()
        #expect(!closeAtDrain && !closeAfterFirst && closeAfterSecond)
        var idle = ConnectionStateMachine()
        let closeIdle = idle.drain()
        #expect(closeIdle, "nothing in flight: close at once")
    }

    /// With an authenticator: AUTHENTICATE (compression still starts after it), only AUTH_RESPONSE and
    /// OPTIONS until a login succeeds, a failed one may be retried.
    @Test func loginBeforeAnythingElse() {
        var machine = ConnectionStateMachine(authenticatorClass: "org.apache.cassandra.auth.PasswordAuthenticator")
        let authenticate = CQLResponse.authenticate(CQLAuthenticate(authenticatorClass: "org.apache.cassandra.auth.PasswordAuthenticator"))
        let token = CQLRequest.authResponse(CQLAuthToken(token: [0, 0x61, 0, 0x62]))
        #expect(machine.receive(.startup(CQLStartup(options: ["CQL_VERSION": "3.4.7", "COMPRESSION": "lz4"])))
            == .replyThenCompress(authenticate, .lz4))
        #expect(!machine.isStarted)
        #expect(machine.receive(query) == ConnectionStateMachine.protocolError("Unexpected message QUERY, expecting SASL_RESPONSE").asAction)
        #expect(machine.receive(.options) == .reply(.supported(ConnectionStateMachine.supported)))
        #expect(machine.receive(token) == .authenticate([0, 0x61, 0, 0x62]))
        #expect(isProtocolError(machine.receive(token)), "one check at a time")
        #expect(machine.authenticated(false) == false)
        #expect(machine.receive(query) != .dispatch(query))
        #expect(machine.receive(token) == .authenticate([0, 0x61, 0, 0x62]), "a failed login may be retried")
        #expect(machine.authenticated(true) == false)
        #expect(machine.isStarted)
        #expect(machine.receive(query) == .dispatch(query))
        #expect(isProtocolError(machine.receive(token)))
    }
}

private extension CQLResponse {
    var asAction: ConnectionStateMachine.Action { .reply(self) }
}
