import BasaltTLS
import BasaltTestSupport
import Testing

/// Real handshakes over loopback between `ServerTLS` and `ClientTLS`, with certificates made by
/// openssl at test time: what verifies, what is refused, and the optional (peeked) mode.
@Suite struct TLSRoundTripTests {
    static func certificates() throws -> TestCertificates {
        try TestCertificates([
            "ca": ["node": "IP:127.0.0.1,DNS:localhost", "client": "DNS:client.example", "elsewhere": "DNS:elsewhere.example"],
            "other-ca": ["stranger": "IP:127.0.0.1"],
        ])
    }

    @Test func aClientTrustingTheCAGetsThrough() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        let client = try ClientTLS(TLSClientOptions(trustedCAPath: certificates.certificate("ca"), verifiesHostname: true))
        try await TLSFixture.withEchoServer(try TLSFixture.server(certificates, "node")) { port in
            let echoed = try await TLSFixture.exchange("ping", port: port, tls: client)
            #expect(echoed == "ping")
        }
    }

    @Test func aServerCertificateFromAnotherCAIsRefused() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        let client = try ClientTLS(TLSClientOptions(trustedCAPath: certificates.certificate("ca")))
        try await TLSFixture.withEchoServer(try TLSFixture.server(certificates, "stranger")) { port in
            await #expect(throws: (any Error).self) { try await TLSFixture.exchange("ping", port: port, tls: client) }
        }
    }

    @Test func hostnameVerificationChecksTheAddressOnlyWhenAskedFor() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        let ca = certificates.certificate("ca")
        // `elsewhere` is signed by the CA but names another host than the 127.0.0.1 dialled.
        try await TLSFixture.withEchoServer(try TLSFixture.server(certificates, "elsewhere")) { port in
            let chainOnly = try ClientTLS(TLSClientOptions(trustedCAPath: ca, verifiesHostname: false))
            let echoed = try await TLSFixture.exchange("ping", port: port, tls: chainOnly)
            #expect(echoed == "ping")
            let strict = try ClientTLS(TLSClientOptions(trustedCAPath: ca, verifiesHostname: true))
            await #expect(throws: (any Error).self) { try await TLSFixture.exchange("ping", port: port, tls: strict) }
        }
    }

    @Test func requiredClientCertificatesMustChainToTheTruststore() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        let ca = certificates.certificate("ca")
        let server = try TLSFixture.server(certificates, "node", ca: "ca", requiresClientCertificate: true)
        try await TLSFixture.withEchoServer(server) { port in
            let withCertificate = try ClientTLS(
                TLSClientOptions(trustedCAPath: ca, identity: TLSFixture.identity(certificates, "client")))
            let echoed = try await TLSFixture.exchange("ping", port: port, tls: withCertificate)
            #expect(echoed == "ping")
            let without = try ClientTLS(TLSClientOptions(trustedCAPath: ca))
            await #expect(throws: (any Error).self) { try await TLSFixture.exchange("ping", port: port, tls: without) }
            let foreign = try ClientTLS(
                TLSClientOptions(trustedCAPath: ca, identity: TLSFixture.identity(certificates, "stranger")))
            await #expect(throws: (any Error).self) { try await TLSFixture.exchange("ping", port: port, tls: foreign) }
        }
    }

    @Test func optionalModeServesTLSAndPlaintextOnOnePort() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        let client = try ClientTLS(TLSClientOptions(trustedCAPath: certificates.certificate("ca")))
        try await TLSFixture.withEchoServer(try TLSFixture.server(certificates, "node", acceptsPlaintext: true)) { port in
            let echoed = try await TLSFixture.exchange("over tls", port: port, tls: client)
            #expect(echoed == "over tls")
            // A CQL frame starts with its version byte, never 0x16.
            let plain = try await TLSFixture.exchange("\u{4}plain", port: port, tls: nil)
            #expect(plain == "\u{4}plain")
        }
    }

    @Test func aRequiredTLSPortClosesOnAPlaintextClient() async throws {
        let certificates = try Self.certificates()
        defer { certificates.remove() }
        try await TLSFixture.withEchoServer(try TLSFixture.server(certificates, "node")) { port in
            // The server answers with a TLS alert record at most, then closes; the line is never echoed.
            let answer = try? await TLSFixture.exchange("\u{4}plain", port: port, tls: nil)
            #expect(answer != "\u{4}plain")
            #expect(answer.map { $0.utf8.first == 0x15 } ?? true)
        }
    }
}
