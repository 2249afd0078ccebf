import NIOCore
import NIOSSL

/// A connecting side's TLS, loaded once and used for every connection it opens.
public struct ClientTLS: Sendable {
    public let options: TLSClientOptions
    private let context: NIOSSLContext

    public init(_ options: TLSClientOptions) throws(TLSConfigurationError) {
        self.options = options
        self.context = try TLSContextLoader.clientContext(options)
    }

    /// Puts TLS first in the pipeline of a connection to `host`. The name is sent as SNI and, with
    /// `verifiesHostname`, checked against the certificate; an IP address is never sent as SNI
    /// (RFC 6066 §3) and is matched against the certificate's IP addresses instead.
    public func configure(_ pipeline: ChannelPipeline.SynchronousOperations, host: String) throws {
        let serverName = Self.isIPAddress(host) ? nil : host
        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
