/// What the server asks when a connection must log in (STARTUP is answered with AUTHENTICATE
/// naming `className`; each AUTH_RESPONSE token goes to `authenticate`).
public protocol CQLAuthenticator: Sendable {
    var className: String { get }

    /// The role `token` logs in as, or why it does not (answered as AuthenticationError 0x0100).
    func authenticate(_ token: [UInt8]?) async throws(AuthenticationFailure) -> String
}

/// A refused login; `message` is what the client is told (Cassandra's wording).
public struct AuthenticationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The user name the client gave, when the token held one (for the log).
    public var username: String?

    public init(_ message: String, username: String? = nil) {
        self.message = message
        self.username = username
    }

    public var description: String { message }
}
