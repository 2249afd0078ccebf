import NIOCore
import NIOSSL

/// A listener's TLS, loaded once at start and shared by every accepted connection.
public struct ServerTLS: Sendable, Hashable {
    public let options: TLSServerOptions
    /// Plaintext clients are served too, on the same port (`optional: true`).
    public let acceptsPlaintext: Bool
    private let context: NIOSSLContext

    public init(_ options: TLSServerOptions, acceptsPlaintext: Bool = false) throws(TLSConfigurationError) {
        self.options = options
        self.acceptsPlaintext = acceptsPlaintext
        self.context = try TLSContextLoader.serverContext(options)
    }

    /// For the log line of a listener.
    public var mode: String {
        (acceptsPlaintext ? "optional" : "required") + (options.requiresClientCertificate ? ", client certificates" : "")
    }

    /// Puts TLS first in a new connection's pipeline (before any handler has seen a byte).
    public func configure(_ pipeline: ChannelPipeline.SynchronousOperations) throws {
        if acceptsPlaintext {
            try pipeline.addHandler(OptionalTLSHandler(context: context), position: .first)
        } else {
            try pipeline.addHandler(NIOSSLServerHandler(context: context), position: .first)
        }
    }

    // The context follows from the options (the same files), so they are what identifies it.
    public static func == (lhs: ServerTLS, rhs: ServerTLS) -> Bool {
        lhs.options == rhs.options && lhs.acceptsPlaintext == rhs.acceptsPlaintext
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(options)
        hasher.combine(acceptsPlaintext)
    }
}
