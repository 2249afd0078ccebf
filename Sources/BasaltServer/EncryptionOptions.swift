import BasaltTLS
import Yams

/// One of the node's three TLS sections, keyed as Cassandra's `client_encryption_options` and
/// `server_encryption_options`, with PEM files in place of Java keystores (as Cassandra's
/// `PEMBasedSslContextFactory`): `keystore` (or `certificate`) is the certificate chain, leaf
/// first, and holds the private key too unless `private_key` names another file; `truststore` is
/// the CA certificates peers' certificates must chain to. Pure values: the files are read at start.
public struct EncryptionOptions: Sendable, Hashable {
    public enum Section: String, Sendable, Hashable, CaseIterable {
        /// The CQL native port.
        case client = "client_encryption_options"
        /// Node to node (storage_port), both the listener and the connections a node opens.
        case server = "server_encryption_options"
        /// The admin endpoint (admin_port), Cassandra's `jmx_encryption_options`.
        case admin = "admin_encryption_options"

        /// The keys the section takes: the server section is switched on by `internode_encryption`
        /// and has no plaintext mode, but may check peers' addresses.
        var keys: Set<String> {
            let common: Set<String> = ["keystore", "certificate", "private_key", "truststore", "require_client_auth", "protocol"]
            switch self {
            case .client, .admin: return common.union(["enabled", "optional"])
            case .server: return common.union(["internode_encryption", "require_endpoint_verification"])
            }
        }
    }

    public var section: Section
    public var enabled = false
    /// Plaintext clients are accepted on the same port (client and admin sections; Cassandra 4's `optional`).
    public var acceptsPlaintext = false
    public var certificatePath: String?
    /// Nil: the key is in the certificate file.
    public var privateKeyPath: String?
    public var trustedCAPath: String?
    public var requiresClientCertificate = false
    /// Server section: a node also checks that a peer's certificate names the address it dialled.
    public var requiresEndpointVerification = false
    public var minimumVersion = TLSMinimumVersion.tls12

    public init(section: Section) { self.section = section }

    /// Parses the section's YAML mapping. Unknown keys are refused, as at the top level.
    init(section: Section, yaml node: Node) throws(NodeConfigurationError) {
        self.section = section
        guard let mapping = node.mapping else {
            throw .invalidValue(key: section.rawValue, expected: "a mapping of \(section.keys.sorted().joined(separator: ", "))")
        }
        for (key, value) in mapping {
            guard let name = key.string, section.keys.contains(name) else {
                throw .unknownKey("\(section.rawValue).\(key.string ?? "?")")
            }
            try set(name, value)
        }
        try validate()
    }

    private mutating func set(_ name: String, _ value: Node) throws(NodeConfigurationError) {
        let key = "\(section.rawValue).\(name)"
        func flag() throws(NodeConfigurationError) -> Bool {
            guard let flag = value.bool else { throw .invalidValue(key: key, expected: "true or false") }
            return flag
        }
        func path() throws(NodeConfigurationError) -> String? {
            if value.null != nil { return nil }
            guard let text = value.string, !text.isEmpty else { throw .invalidValue(key: key, expected: "a file path") }
            return text
        }
        switch name {
        case "enabled": enabled = try flag()
        case "optional": acceptsPlaintext = try flag()
        case "internode_encryption":
            // Cassandra's dc and rack encrypt only across data centers or racks; every link is
            // encrypted or none, so a mixed setting is refused rather than widened or narrowed.
            switch value.string {
            case "none": enabled = false
            case "all": enabled = true
            default: throw .invalidValue(key: key, expected: "none or all (dc and rack are not supported)")
            }
        case "keystore", "certificate": certificatePath = try path()
        case "private_key": privateKeyPath = try path()
        case "truststore": trustedCAPath = try path()
        case "require_client_auth": requiresClientCertificate = try flag()
        case "require_endpoint_verification": requiresEndpointVerification = try flag()
        case "protocol":
            guard let text = value.string, let version = TLSMinimumVersion(cassandraProtocol: text) else {
                throw .invalidValue(key: key, expected: "TLS, TLSv1.2 or TLSv1.3 (older versions are refused)")
            }
            minimumVersion = version
        default: throw .unknownKey(key)
        }
    }

    /// What must be given together, checked before any file is read.
    private func validate() throws(NodeConfigurationError) {
        guard enabled else { return }
        if certificatePath == nil {
            throw .invalidValue(key: "\(section.rawValue).keystore", expected: "the node's certificate (PEM) when encryption is on")
        }
        // A node verifies the peers it dials, and peers verify it, against this CA.
        if (requiresClientCertificate || section == .server) && trustedCAPath == nil {
            let why = section == .server ? "internode encryption" : "require_client_auth"
            throw .invalidValue(key: "\(section.rawValue).truststore", expected: "a CA certificate file (PEM) with \(why)")
        }
    }

    private var identity: TLSIdentity? {
        certificatePath.map { TLSIdentity(certificatePath: $0, privateKeyPath: privateKeyPath ?? $0) }
    }

    /// The listener's side; nil when the section is off.
    var serverOptions: TLSServerOptions? {
        guard enabled, let identity else { return nil }
        return TLSServerOptions(identity: identity, trustedCAPath: trustedCAPath,
                                requiresClientCertificate: requiresClientCertificate,
                                minimumVersion: minimumVersion)
    }

    /// The dialling side of internode connections: the node's own certificate, the CA it checks
    /// peers against.
    var clientOptions: TLSClientOptions? {
        guard enabled, let identity else { return nil }
        return TLSClientOptions(trustedCAPath: trustedCAPath, identity: identity,
                                verifiesHostname: requiresEndpointVerification, minimumVersion: minimumVersion)
    }
}
