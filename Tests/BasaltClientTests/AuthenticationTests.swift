import BasaltCQLProtocol
import Foundation
import Testing

@testable import BasaltClient

/// The client logs in to a node with PasswordAuthenticator (SASL PLAIN), and a missing or wrong
/// password is a `badCredentials` refusal, not a hang.
@Suite struct AuthenticationTests {
    @Test func logsInWithCredentials() async throws {
        let node = try await NodeProcess.start(arguments: ["--authenticator", "PasswordAuthenticator"],
                                               environment: ["BASALT_SUPERUSER_PASSWORD": "client-pw"])
        defer { node.remove() }
        var configuration = ClientIntegrationTests.configuration(compression: .lz4)
        configuration.credentials = .init(username: "cassandra", password: "client-pw")
        let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: configuration)
        let rows = try await client.execute("SELECT role FROM system_auth.roles")
        await client.close()
        #expect(rows.rows.count == 1)

        for credentials in [nil, BasaltClient.Configuration.Credentials(username: "cassandra", password: "wrong")] {
            var refused = ClientIntegrationTests.configuration()
            refused.credentials = credentials
            await #expect(throws: BasaltClientError.self) {
                let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: refused)
                await client.close()
            }
        }
    }
}
