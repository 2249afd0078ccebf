import BasaltServer
import BasaltTLS
import BasaltTestSupport
import Testing

/// The three encryption sections of the node's YAML: what they accept, what they refuse before any
/// file is read, and the one-line errors of files that cannot be used, read at start.
struct EncryptionOptionsTests {
    @Test func offByDefault() throws {
        let configuration = try NodeConfiguration(yaml: "cluster_name: x")
        #expect(!configuration.clientEncryption.enabled && !configuration.serverEncryption.enabled)
        #expect(!configuration.adminEncryption.enabled)
        let tls = try configuration.loadTLS()
        #expect(tls.client == nil && tls.internodeServer == nil && tls.internodeClient == nil && tls.admin == nil)
    }

    @Test func sectionsAsCassandrasKeys() throws {
        let yaml = """
            client_encryption_options:
              enabled: true
              optional: true
              keystore: /etc/basalt/node.pem
              private_key: /etc/basalt/node.key
              require_client_auth: true
              truststore: /etc/basalt/ca.pem
              protocol: TLSv1.3
            server_encryption_options:
              internode_encryption: all
              certificate: /etc/basalt/node.pem
              truststore: /etc/basalt/ca.pem
              require_endpoint_verification: true
            admin_encryption_options:
              enabled: false
            """
        let configuration = try NodeConfiguration(yaml: yaml)
        let client = configuration.clientEncryption
        #expect(client.enabled && client.acceptsPlaintext && client.requiresClientCertificate)
        #expect(client.certificatePath == "/etc/basalt/node.pem" && client.privateKeyPath == "/etc/basalt/node.key")
        #expect(client.trustedCAPath == "/etc/basalt/ca.pem" && client.minimumVersion == .tls13)
        let server = configuration.serverEncryption
        #expect(server.enabled && server.requiresEndpointVerification && !server.requiresClientCertificate)
        #expect(server.certificatePath == "/etc/basalt/node.pem" && server.privateKeyPath == nil)
        #expect(server.minimumVersion == .tls12)
        #expect(!configuration.adminEncryption.enabled)
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var yaml: String
        var error: NodeConfigurationError
        var testDescription: String { "\(error)" }
    }

    static let refusals: [Refusal] = [
        Refusal(yaml: "client_encryption_options:\n  enabled: true",
                error: .invalidValue(key: "client_encryption_options.keystore",
                                     expected: "the node's certificate (PEM) when encryption is on")),
        Refusal(yaml: "client_encryption_options:\n  enabled: true\n  keystore: a.pem\n  require_client_auth: true",
                error: .invalidValue(key: "client_encryption_options.truststore",
                                     expected: "a CA certificate file (PEM) with require_client_auth")),
        Refusal(yaml: "server_encryption_options:\n  internode_encryption: all\n  keystore: a.pem",
                error: .invalidValue(key: "server_encryption_options.truststore",
                                     expected: "a CA certificate file (PEM) with internode encryption")),
        Refusal(yaml: "server_encryption_options:\n  internode_encryption: dc",
                error: .invalidValue(key: "server_encryption_options.internode_encryption",
                                     expected: "none or all (dc and rack are not supported)")),
        Refusal(yaml: "client_encryption_options:\n  protocol: TLSv1.1",
                error: .invalidValue(key: "client_encryption_options.protocol",
                                     expected: "TLS, TLSv1.2 or TLSv1.3 (older versions are refused)")),
        Refusal(yaml: "client_encryption_options:\n  enabled: yes please",
                error: .invalidValue(key: "client_encryption_options.enabled", expected: "true or false")),
        Refusal(yaml: "client_encryption_options:\n  keystore_password: secret",
                error: .unknownKey("client_encryption_options.keystore_password")),
        Refusal(yaml: "server_encryption_options:\n  optional: true",
                error: .unknownKey("server_encryption_options.optional")),
        Refusal(yaml: "admin_encryption_options:\n  internode_encryption: all",
                error: .unknownKey("admin_encryption_options.internode_encryption")),
        Refusal(yaml: "client_encryption_options: true",
                error: .invalidValue(key: "client_encryption_options",
                                     expected: "a mapping of certificate, enabled, keystore, optional, private_key, protocol, require_client_auth, truststore")),
    ]

    @Test(arguments: refusals) func refused(_ refusal: Refusal) {
        #expect(throws: refusal.error) { try NodeConfiguration(yaml: refusal.yaml) }
    }

    @Test func unusableFilesStopTheStartNamingTheSection() throws {
        let certificates = try TestCertificates(["ca": ["node": "IP:127.0.0.1"]])
        defer { certificates.remove() }
        let missing = certificates.directory + "/absent.pem"
        let yaml = """
            server_encryption_options:
              internode_encryption: all
              keystore: \(certificates.certificate("node"))
              private_key: \(certificates.privateKey("node"))
              truststore: \(missing)
            """
        let configuration = try NodeConfiguration(yaml: yaml)
        #expect(throws: NodeConfigurationError.tls(
            section: "server_encryption_options",
            TLSConfigurationError(file: .trustedCA, path: missing, problem: .unreadable("no such file")))) {
            try configuration.loadTLS()
        }
        let error = NodeConfigurationError.tls(
            section: "server_encryption_options",
            TLSConfigurationError(file: .trustedCA, path: missing, problem: .unreadable("no such file")))
        #expect(error.description == "server_encryption_options: cannot read the CA certificate (truststore) \(missing): no such file")
    }

    @Test func usableFilesLoadEverySection() throws {
        let certificates = try TestCertificates(["ca": ["node": "IP:127.0.0.1"]])
        defer { certificates.remove() }
        let files = """
              keystore: \(certificates.certificate("node"))
              private_key: \(certificates.privateKey("node"))
              truststore: \(certificates.certificate("ca"))
            """
        let yaml = """
            client_encryption_options:
              enabled: true
            \(files)
            server_encryption_options:
              internode_encryption: all
            \(files)
            admin_encryption_options:
              enabled: true
              require_client_auth: true
            \(files)
            """
        let tls = try NodeConfiguration(yaml: yaml).loadTLS()
        #expect(tls.client?.acceptsPlaintext == false)
        #expect(tls.internodeServer != nil && tls.internodeClient?.options.identity != nil)
        #expect(tls.admin?.options.requiresClientCertificate == true)
    }
}
