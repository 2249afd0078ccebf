import BasaltTestSupport
import Foundation
import Testing

@testable import BasaltClient

/// The client over TLS to a real node with `client_encryption_options` (certificates made by
/// openssl at test time): queries work with the CA, and a client that does not trust it, or does
/// not speak TLS, gets a connection error rather than a hang.
@Suite struct TLSTests {
    @Test func queriesOverTLSAndRefusals() async throws {
        let certificates = try TestCertificates(["ca": ["node": "IP:127.0.0.1"], "other-ca": [:]])
        defer { certificates.remove() }
        let config = try certificates.write("basalt.yaml", """
            client_encryption_options:
              enabled: true
              keystore: \(certificates.certificate("node"))
              private_key: \(certificates.privateKey("node"))
            """)
        let node = try await NodeProcess.start(arguments: ["--config", config])
        defer { node.remove() }
        // The node's address is drawn at random from 127.0.0.x, which its certificate cannot list:
        // the chain is checked, the name is not (TLSRoundTripTests covers the name).
        var configuration = ClientIntegrationTests.configuration()
        configuration.tls = try .init(trustedCAFile: certificates.certificate("ca"), verifiesHostname: false)
        let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: configuration)
        let rows = try await client.execute("SELECT release_version FROM system.local")
        await client.close()
        #expect(rows.rows.count == 1)

        var untrusting = ClientIntegrationTests.configuration()
        untrusting.tls = try .init(trustedCAFile: certificates.certificate("other-ca"), verifiesHostname: false)
        await #expect(throws: BasaltClientError.self) {
            let client = try await BasaltClient.connect(contactPoints: [node.contactPoint], configuration: untrusting)
            await client.close()
        }
        // A plaintext client is told why: the node's first bytes are a TLS alert.
        let plaintext = await #expect(throws: BasaltClientError.self) {
            let client = try await BasaltClient.connect(contactPoints: [node.contactPoint],
                                                        configuration: ClientIntegrationTests.configuration())
            await client.close()
        }
        #expect(plaintext.map { "\($0)".contains("the node answered with TLS") } == true)
    }

    @Test func anUnusableCAFileIsAnErrorOfTheConfiguration() {
        #expect(throws: (any Error).self) { try BasaltClient.Configuration.TLS(trustedCAFile: "/nonexistent/ca.pem") }
    }
}
