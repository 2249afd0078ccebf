import BasaltCQLProtocol
import Crypto
import Foundation
import Synchronization

/// Cassandra's `PasswordAuthenticator`: SASL PLAIN credentials checked against the role's salted
/// hash in `system_auth.roles`.
///
/// Hashing is slow by design, so it runs on one serial queue of its own, never on an event loop
/// (and a flood of logins takes one core, not all of them). A successful check is remembered for
/// `validity` (Cassandra's credentials cache, 2 s by default) under a keyed digest of the
/// password, so a driver opening a pool of connections pays for one hash, and a changed or
/// dropped role stops working on this node at once (`invalidate`) and on others within `validity`.
public final class PasswordAuthenticator: CQLAuthenticator {
    public static let cassandraClassName = "org.apache.cassandra.auth.PasswordAuthenticator"
    public var className: String { Self.cassandraClassName }

    private let roles: RoleStore
    private let validity: Duration
    private let hashing = DispatchQueue(label: "basalt.auth.password-hash")
    /// Keys the cache's digests, so the cache never holds anything a password could be checked against offline.
    private let cacheKey: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }()
    private let cache = Mutex<[String: (digest: [UInt8], until: ContinuousClock.Instant)]>([:])
    /// Checks under way, by stored hash and password digest: the connections a driver opens at
    /// once share one hash rather than queueing one each.
    private let checking = Mutex<[String: Task<Bool, Never>]>([:])
    private let failures = Atomic<Int>(0)

    public init(roles: RoleStore, validity: Duration = .seconds(2)) {
        self.roles = roles
        self.validity = validity
    }

    /// Refused logins since start (for the metrics endpoint).
    public var failedLogins: Int { failures.load(ordering: .relaxed) }

    public func authenticate(_ token: [UInt8]?) async throws(AuthenticationFailure) -> String {
        do {
            return try await check(token)
        } catch {
            failures.add(1, ordering: .relaxed)
            throw error
        }
    }

    private func check(_ token: [UInt8]?) async throws(AuthenticationFailure) -> String {
        let credentials: SASLPlainToken
        do { credentials = try SASLPlainToken(decoding: token) } catch { throw AuthenticationFailure(error.description) }
        let user = credentials.username
        let incorrect = AuthenticationFailure("Provided username \(user) and/or password are incorrect", username: user)
        let digest = Array(HMAC<SHA256>.authenticationCode(for: Array(credentials.password.utf8), using: SymmetricKey(data: cacheKey)))
        let now = ContinuousClock.now
        if cache.withLock({ cache in cache[user].map { $0.until > now && $0.digest == digest } ?? false }) { return user }
        let record: RoleRecord?
        do { record = try await roles.role(user) } catch {
            throw AuthenticationFailure("Unable to perform authentication: \(error)", username: user)
        }
        guard let record, let stored = record.saltedHash, let hash = PasswordHash(stored: stored) else { throw incorrect }
        guard await verify(credentials.password, against: hash, stored: stored, digest: digest) else { throw incorrect }
        // After the password, as Cassandra: who cannot log in learns nothing about other roles.
        guard record.canLogin else { throw AuthenticationFailure("\(user) is not permitted to log in", username: user) }
        cache.withLock { $0[user] = (digest, ContinuousClock.now + validity) }
        return user
    }

    private func verify(_ password: String, against hash: PasswordHash, stored: String, digest: [UInt8]) async -> Bool {
        let key = stored + "/" + digest.map { String($0, radix: 16) }.joined(separator: ".")
        let task = checking.withLock { checking in
            if let running = checking[key] { return running }
            let task = Task { [hashing] in
                await withCheckedContinuation { continuation in
                    hashing.async { continuation.resume(returning: hash.verify(password)) }
                }
            }
            checking[key] = task
            return task
        }
        let matches = await task.value
        _ = checking.withLock { $0.removeValue(forKey: key) }
        return matches
    }

    /// Forgets cached logins of `role` (its password, login or existence changed on this node).
    public func invalidate(_ role: String) {
        _ = cache.withLock { $0.removeValue(forKey: role) }
    }
}
