import Testing
@testable import BasaltAdmin

@Suite struct AdminRouterTests {
    struct Echo: Codable, Hashable { var arguments: [String: String] }

    let router = AdminRouter([
        AdminRoute(.get, "/echo", "answers its arguments") { request in try .json(Echo(arguments: request.arguments)) },
        AdminRoute(.post, "/fail", "always refuses") { _ in throw AdminError.notFound("keyspace nowhere does not exist") },
        AdminRoute(.post, "/crash", "throws something else") { _ in throw CancellationError() },
    ])

    struct Case: Sendable, CustomStringConvertible {
        var method: String
        var uri: String
        var status: Int
        var body: String
        var description: String { "\(method) \(uri)" }
    }

    @Test(arguments: [
        Case(method: "GET", uri: "/echo?keyspace=ks&table=t%20x", status: 200,
             body: #"{"arguments":{"keyspace":"ks","table":"t x"}}"#),
        Case(method: "GET", uri: "/echo", status: 200, body: #"{"arguments":{}}"#),
        Case(method: "GET", uri: "/echo?flag", status: 200, body: #"{"arguments":{"flag":""}}"#),
        Case(method: "GET", uri: "/nowhere", status: 404, body: #"{"error":"no admin command at \/nowhere"}"#),
        Case(method: "GET", uri: "/fail", status: 405, body: #"{"error":"\/fail takes POST"}"#),
        Case(method: "DELETE", uri: "/echo", status: 405, body: #"{"error":"\/echo takes GET"}"#),
        Case(method: "POST", uri: "/fail", status: 404, body: #"{"error":"keyspace nowhere does not exist"}"#),
        Case(method: "POST", uri: "/crash", status: 500, body: #"{"error":"CancellationError()"}"#),
    ])
    func routes(_ test: Case) async throws {
        let response = await router.respond(to: try AdminRequest(method: test.method, uri: test.uri))
        #expect(response.status == test.status)
        let compact = String(decoding: response.body, as: UTF8.self).filter { !$0.isWhitespace || false }
        #expect(compact == test.body.filter { !$0.isWhitespace })
    }

    @Test(arguments: ["/echo?a=1&a=2", "/echo?a=%zz", "/echo?=1"])
    func malformedQueriesAreRefused(_ uri: String) {
        #expect(throws: AdminError.self) { try AdminRequest(method: "GET", uri: uri) }
    }

    @Test func emptyArgumentIsAbsent() throws {
        let request = try AdminRequest(method: "GET", uri: "/flush?keyspace=&table=t")
        #expect(request.argument("keyspace") == nil)
        #expect(request.argument("table") == "t")
    }

    @Test(arguments: [("ks", "ks"), ("a b", "a%20b"), ("x&y=z", "x%26y%3Dz"), ("é", "%C3%A9"), ("a+b", "a%2Bb")])
    func clientEscapesWhatTheServerDecodes(_ plain: String, _ escaped: String) throws {
        #expect(AdminClient.escape(plain) == escaped)
        #expect(try AdminRequest(method: "GET", uri: "/x?v=" + escaped).arguments["v"] == plain)
    }
}
