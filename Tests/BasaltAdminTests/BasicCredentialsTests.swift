@testable import BasaltAdmin
import Testing

/// The admin endpoint's `Authorization: Basic` header (RFC 7617), both ways.
struct BasicCredentialsTests {
    @Test(arguments: [
        // "cassandra:secret"
        ("Basic Y2Fzc2FuZHJhOnNlY3JldA==", BasicCredentials(username: "cassandra", password: "secret")),
        ("basic Y2Fzc2FuZHJhOnNlY3JldA==", BasicCredentials(username: "cassandra", password: "secret")),
        // "ops:a:b": the password keeps its colons
        ("Basic b3BzOmE6Yg==", BasicCredentials(username: "ops", password: "a:b")),
        // ":": empty name and password are the authenticator's to refuse
        ("Basic Og==", BasicCredentials(username: "", password: "")),
    ])
    func parsed(header: String, credentials: BasicCredentials) {
        #expect(BasicCredentials(authorization: header) == credentials)
    }

    @Test(arguments: [
        nil, "", "Basic", "Bearer Y2Fzc2FuZHJhOnNlY3JldA==", "Basic not base64!",
        // "no colon"
        "Basic bm8gY29sb24=",
        // bytes that are not UTF-8
        "Basic //79",
    ] as [String?])
    func refused(header: String?) {
        #expect(BasicCredentials(authorization: header) == nil)
    }

    @Test func theClientsHeaderParsesBack() {
        let credentials = BasicCredentials(username: "ops", password: "pä:ss")
        #expect(BasicCredentials(authorization: credentials.header) == credentials)
    }
}
