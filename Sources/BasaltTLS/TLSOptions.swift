/// What a listener or a connection needs to speak TLS, as paths to PEM files. Pure values: the
/// files are read by `TLSContextLoader` when a node or client starts.

/// The oldest protocol version a side accepts. TLS 1.0 and 1.1 are never offered (RFC 8996).
public enum TLSMinimumVersion: String, Sendable, Hashable, CaseIterable {
    case tls12 = "TLSv1.2"
    case tls13 = "TLSv1.3"

    /// Cassandra's `protocol` setting: `TLS` (any version this side supports, here 1.2 and later),
    /// `TLSv1.2` or `TLSv1.3`. Nil for anything else, older versions included.
    public init?(cassandraProtocol name: String) {
        switch name {
        case "TLS", "TLSv1.2": self = .tls12
        case "TLSv1.3": self = .tls13
        default: return nil
        }
    }
}

/// A certificate chain (leaf first) and its private key. Both may be one file.
public struct TLSIdentity: Sendable, Hashable {
    public var certificatePath: String
    public var privateKeyPath: String

    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

/// The accepting side: a listener's certificate, and whether it asks clients for theirs.
public struct TLSServerOptions: Sendable, Hashable {
    public var identity: TLSIdentity
    /// CA certificates (PEM) client certificates must chain to; needed when clients must present one.
    public var trustedCAPath: String?
    /// Clients without a certificate signed by `trustedCAPath` are refused in the handshake.
    public var requiresClientCertificate: Bool
    public var minimumVersion: TLSMinimumVersion

    public init(identity: TLSIdentity, trustedCAPath: String? = nil, requiresClientCertificate: Bool = false,
                minimumVersion: TLSMinimumVersion = .tls12) {
        self.identity = identity
        self.trustedCAPath = trustedCAPath
        self.requiresClientCertificate = requiresClientCertificate
        self.minimumVersion = minimumVersion
    }
}

/// The connecting side: whom it trusts, and the certificate it shows when the server asks.
public struct TLSClientOptions: Sendable, Hashable {
    /// CA certificates (PEM) the server's certificate must chain to; nil: the system's trust roots.
    public var trustedCAPath: String?
    /// Presented when the server asks (require_client_auth).
    public var identity: TLSIdentity?
    /// Whether the server's certificate must also name the host dialled (DNS name or IP address
    /// in its subject alternative names). Off, the chain to a trusted CA is all that is checked,
    /// as Cassandra's `require_endpoint_verification: false`.
    public var verifiesHostname: Bool
    public var minimumVersion: TLSMinimumVersion

    public init(trustedCAPath: String? = nil, identity: TLSIdentity? = nil, verifiesHostname: Bool = false,
                minimumVersion: TLSMinimumVersion = .tls12) {
        self.trustedCAPath = trustedCAPath
        self.identity = identity
        self.verifiesHostname = verifiesHostname
        self.minimumVersion = minimumVersion
    }
}
