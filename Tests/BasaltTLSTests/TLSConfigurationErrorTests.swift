import BasaltTLS
import BasaltTestSupport
import Foundation
import Testing

/// Every way a TLS file can be unusable is refused when the options are loaded, naming the file.
@Suite struct TLSConfigurationErrorTests {
    enum Kind { case unreadable, notPEM, rejected }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// Builds the options from the fixture's directory.
        var options: @Sendable (TestCertificates) throws -> TLSServerOptions
        var file: TLSConfigurationError.File
        var kind: Kind
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing certificate", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: c.directory + "/absent.pem", privateKeyPath: c.privateKey("node")))
        }, file: .certificate, kind: .unreadable),
        Case(name: "certificate is a directory", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: c.directory, privateKeyPath: c.privateKey("node")))
        }, file: .certificate, kind: .unreadable),
        Case(name: "certificate is not PEM", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: try c.write("garbage.pem", "not a certificate\n"),
                                                   privateKeyPath: c.privateKey("node")))
        }, file: .certificate, kind: .notPEM),
        Case(name: "certificate block damaged", options: { c in
            let damaged = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
            return TLSServerOptions(identity: TLSIdentity(certificatePath: try c.write("damaged.pem", damaged),
                                                          privateKeyPath: c.privateKey("node")))
        }, file: .certificate, kind: .notPEM),
        Case(name: "key file holds only a certificate", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: c.certificate("node"), privateKeyPath: c.certificate("node")))
        }, file: .privateKey, kind: .notPEM),
        Case(name: "key of another certificate", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: c.certificate("node"), privateKeyPath: c.privateKey("other")))
        }, file: .privateKey, kind: .rejected),
        Case(name: "missing truststore with client certificates required", options: { c in
            TLSServerOptions(identity: TLSIdentity(certificatePath: c.certificate("node"), privateKeyPath: c.privateKey("node")),
                             trustedCAPath: c.directory + "/absent-ca.pem", requiresClientCertificate: true)
        }, file: .trustedCA, kind: .unreadable),
    ]

    @Test(arguments: cases) func refused(_ testCase: Case) throws {
        let certificates = try TestCertificates(["ca": ["node": "IP:127.0.0.1", "other": "IP:127.0.0.1"]])
        defer { certificates.remove() }
        let options = try testCase.options(certificates)
        do {
            _ = try ServerTLS(options)
            Issue.record("\(testCase.name) was accepted")
        } catch {
            #expect(error.file == testCase.file)
            switch (error.problem, testCase.kind) {
            case (.unreadable, .unreadable), (.notPEM, .notPEM), (.rejected, .rejected): break
            default: Issue.record("\(testCase.name): \(error)")
            }
            // One line, naming the file: what the node prints when it refuses to start.
            #expect(!error.description.contains("\n"))
            #expect(error.description.contains(error.path))
        }
    }

    @Test func aCombinedCertificateAndKeyFileServesAsBoth() throws {
        let certificates = try TestCertificates(["ca": ["node": "IP:127.0.0.1"]])
        defer { certificates.remove() }
        let combined = try certificates.write(
            "combined.pem",
            try String(contentsOfFile: certificates.certificate("node"), encoding: .utf8)
                + String(contentsOfFile: certificates.privateKey("node"), encoding: .utf8))
        _ = try ServerTLS(TLSServerOptions(identity: TLSIdentity(certificatePath: combined, privateKeyPath: combined)))
    }

    @Test func protocolNamesAsCassandras() {
        #expect(TLSMinimumVersion(cassandraProtocol: "TLS") == .tls12)
        #expect(TLSMinimumVersion(cassandraProtocol: "TLSv1.2") == .tls12)
        #expect(TLSMinimumVersion(cassandraProtocol: "TLSv1.3") == .tls13)
        #expect(TLSMinimumVersion(cassandraProtocol: "TLSv1.1") == nil)
        #expect(TLSMinimumVersion(cassandraProtocol: "SSLv3") == nil)
    }
}
