import BasaltTLS

/// The node's TLS, its files read once at start: the CQL listener's, the internode listener's and
/// dialler's, and the admin endpoint's. Nil where the section is off.
public struct NodeTLS: Sendable {
    public var client: ServerTLS?
    public var internodeServer: ServerTLS?
    public var internodeClient: ClientTLS?
    public var admin: ServerTLS?

    public init(client: ServerTLS? = nil, internodeServer: ServerTLS? = nil, internodeClient: ClientTLS? = nil,
                admin: ServerTLS? = nil) {
        self.client = client
        self.internodeServer = internodeServer
        self.internodeClient = internodeClient
        self.admin = admin
    }
}

extension NodeConfiguration {
    /// Reads every enabled section's certificate, key and CA files. A file that is missing, not
    /// PEM, or a key that does not match its certificate stops the start with the section named.
    public func loadTLS() throws(NodeConfigurationError) -> NodeTLS {
        var tls = NodeTLS()
        var section = clientEncryption.section
        do {
            if let options = clientEncryption.serverOptions {
                tls.client = try ServerTLS(options, acceptsPlaintext: clientEncryption.acceptsPlaintext)
            }
            section = serverEncryption.section
            if let options = serverEncryption.serverOptions { tls.internodeServer = try ServerTLS(options) }
            if let options = serverEncryption.clientOptions { tls.internodeClient = try ClientTLS(options) }
            section = adminEncryption.section
            if let options = adminEncryption.serverOptions {
                tls.admin = try ServerTLS(options, acceptsPlaintext: adminEncryption.acceptsPlaintext)
            }
        } catch {
            throw .tls(section: section.rawValue, error)
        }
        return tls
    }
}
