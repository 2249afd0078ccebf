/// The credentials of a SASL PLAIN response (RFC 4616): `[authzid] NUL authcid NUL passwd`, which
/// the drivers' PlainTextAuthProvider and cqlsh send in AUTH_RESPONSE. Decoded as Cassandra's
/// `PlainTextSaslAuthenticator` does: from the end, so a password may not hold NUL but the
/// authorization id (which is ignored) may.
public struct SASLPlainToken: Hashable, Sendable {
    /// Longer tokens are refused before they are looked at: no real user name and password need it.
    public static let maximumBytes = 4096

    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public init(decoding token: [UInt8]?) throws(SASLTokenError) {
        guard let token, !token.isEmpty else { throw .empty }
        guard token.count <= Self.maximumBytes else { throw .tooLong(token.count) }
        guard let last = token.lastIndex(of: 0) else { throw .missingUsername }
        let passwordBytes = token[(last + 1)...]
        let userEnd = last
        guard let userStart = token[..<userEnd].lastIndex(of: 0).map({ $0 + 1 }) else { throw .missingUsername }
        let userBytes = token[userStart..<userEnd]
        guard !userBytes.isEmpty else { throw .missingUsername }
        guard !passwordBytes.isEmpty else { throw .missingPassword }
        guard let username = String(validating: userBytes, as: UTF8.self),
              let password = String(validating: passwordBytes, as: UTF8.self)
        else { throw .invalidUTF8 }
        self.username = username
        self.password = password
    }

    /// The token a client sends (no authorization id).
    public var encoded: [UInt8] { [0] + Array(username.utf8) + [0] + Array(password.utf8) }
}

/// A malformed SASL PLAIN token; `message` is Cassandra's wording where it has one.
public enum SASLTokenError: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case missingUsername
    case missingPassword
    case invalidUTF8

    public var description: String {
        switch self {
        case .empty: "Null or empty SASL response"
        case .tooLong(let count): "SASL response of \(count) bytes is longer than \(SASLPlainToken.maximumBytes)"
        case .missingUsername: "Authentication ID must not be null"
        case .missingPassword: "Password must not be null"
        case .invalidUTF8: "SASL response is not valid UTF-8"
        }
    }
}
