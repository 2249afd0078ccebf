import Crypto
import _CryptoExtras
import Foundation

/// A salted slow hash of a password, as stored in `system_auth.roles.salted_hash`:
/// `$pbkdf2-sha256$<rounds>$<salt>$<hash>` (the PHC/passlib layout, base64 without padding).
///
/// PBKDF2-HMAC-SHA256 rather than Cassandra's bcrypt: swift-crypto provides it (BoringSSL) where
/// bcrypt would be a hand-written cipher, it is the NIST-approved password KDF (SP 800-132), and
/// the cost is stored in each hash so that raising `defaultRounds` later leaves old hashes valid.
/// Basalt cannot read Cassandra's bcrypt hashes anyway: roles are not imported from Cassandra.
public struct PasswordHash: Hashable, Sendable, CustomStringConvertible {
    /// swift-crypto's floor for PBKDF2-SHA256 (OWASP's 2021 figure); tens of milliseconds a check.
    public static let defaultRounds = 210_000
    static let scheme = "pbkdf2-sha256"
    static let saltBytes = 16
    static let hashBytes = 32
    /// A stored cost above this is refused rather than run: a tampered row must not stall a core.
    static let maximumRounds = 10_000_000

    public var rounds: Int
    public var salt: [UInt8]
    public var hash: [UInt8]

    /// Hashes `password` with a fresh random salt.
    public init(hashing password: String, rounds: Int = PasswordHash.defaultRounds) {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.init(hashing: password, salt: salt, rounds: rounds)
    }

    public init(hashing password: String, salt: [UInt8], rounds: Int) {
        self.rounds = rounds
        self.salt = salt
        hash = Self.derive(password, salt: salt, rounds: rounds, count: Self.hashBytes)
    }

    /// Parses a stored hash; nil if it is not one of ours (such a role cannot log in).
    public init?(stored text: String) {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0].isEmpty, fields[1] == Self.scheme,
              let rounds = Int(fields[2]), (1...Self.maximumRounds).contains(rounds),
              let salt = Self.base64Decode(fields[3]), let hash = Self.base64Decode(fields[4]), !hash.isEmpty
        else { return nil }
        self.rounds = rounds
        self.salt = salt
        self.hash = hash
    }

    public var description: String {
        "$\(Self.scheme)$\(rounds)$\(Self.base64(salt))$\(Self.base64(hash))"
    }

    /// Whether `password` hashes to this hash (compared in constant time). Slow by design: call it
    /// off the event loop.
    public func verify(_ password: String) -> Bool {
        let candidate = Self.derive(password, salt: salt, rounds: rounds, count: hash.count)
        return zip(candidate, hash).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 && candidate.count == hash.count
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int, count: Int) -> [UInt8] {
        // Cannot fail for SHA-256 with a positive length and round count, which the callers guarantee.
        let key = try? KDF.Insecure.PBKDF2.deriveKey(from: Array(password.utf8), salt: salt, using: .sha256,
                                                     outputByteCount: count, unsafeUncheckedRounds: rounds)
        return key?.withUnsafeBytes { Array($0) } ?? []
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    private static func base64Decode(_ text: Substring) -> [UInt8]? {
        let padded = String(text) + String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: padded).map { Array($0) }
    }
}
