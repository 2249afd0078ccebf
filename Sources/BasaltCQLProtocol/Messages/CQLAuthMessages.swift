import NIOCore

/// AUTHENTICATE (0x03, spec §4.2.3): the server requires SASL authentication with this
/// `IAuthenticator` class (the python driver's PlainTextAuthProvider accepts any name).
public struct CQLAuthenticate: Hashable, Sendable {
    public var authenticatorClass: String

    public init(authenticatorClass: String) {
        self.authenticatorClass = authenticatorClass
    }
}

/// AUTH_RESPONSE (0x0F), AUTH_CHALLENGE (0x0E) and AUTH_SUCCESS (0x10) all carry one SASL token
/// (`[bytes]`, which may be null); the opcode tells them apart. For PLAIN the client's token is
/// `\0user\0password`.
public struct CQLAuthToken: Hashable, Sendable {
    public var token: [UInt8]?

    public init(token: [UInt8]?) {
        self.token = token
    }
}

extension ByteBuffer {
    public mutating func readCQLAuthenticate() throws -> CQLAuthenticate? {
        try parseUnwindingIfNeeded { buffer in
            CQLAuthenticate(authenticatorClass: try buffer.readCQLString("authenticator class"))
        }
    }

    @discardableResult
    public mutating func writeCQLAuthenticate(_ message: CQLAuthenticate) -> Int {
        writeCQLString(message.authenticatorClass)
    }

    public mutating func readCQLAuthToken() throws -> CQLAuthToken? {
        try parseUnwindingIfNeeded { buffer in CQLAuthToken(token: try buffer.readCQLBytes()) }
    }

    @discardableResult
    public mutating func writeCQLAuthToken(_ message: CQLAuthToken) -> Int {
        writeCQLBytes(message.token)
    }
}
