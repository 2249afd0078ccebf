import BasaltTLS

extension BasaltClient.Configuration {
    /// TLS to every node: the CA the nodes' certificates must chain to, and the client's own
    /// certificate for nodes with `require_client_auth`. The files are read here, once, so a
    /// missing or malformed file is an error of this initializer rather than of every connection.
    public struct TLS: Sendable {
        let client: ClientTLS

        /// - Parameters:
        ///   - trustedCAFile: CA certificates (PEM); nil: the system's trust roots.
        ///   - certificateFile: the client's certificate chain (PEM), if the nodes ask for one.
        ///   - privateKeyFile: its private key (PEM); nil: in `certificateFile`.
        ///   - verifiesHostname: whether a node's certificate must also name the address dialled
        ///     (a DNS name or IP address in its subject alternative names), as the drivers check by
        ///     default. Without it any certificate the CA signed is accepted for any node.
        public init(trustedCAFile: String? = nil, certificateFile: String? = nil, privateKeyFile: String? = nil,
                    verifiesHostname: Bool = true) throws {
            let identity = certificateFile.map { TLSIdentity(certificatePath: $0, privateKeyPath: privateKeyFile ?? $0) }
            client = try ClientTLS(TLSClientOptions(trustedCAPath: trustedCAFile, identity: identity,
                                                    verifiesHostname: verifiesHostname))
        }
    }
}
