import Foundation
import Synchronization

/// A node's authentication and authorization settings and state: the role store, the password
/// authenticator when logins are required, and the authorizer's permission cache.
public final class AccessControl: Sendable {
    public let roles: RoleStore
    /// nil: AllowAllAuthenticator (connections are never asked to log in).
    public let authenticator: PasswordAuthenticator?
    /// CassandraAuthorizer when true; AllowAllAuthorizer (every statement allowed) otherwise.
    public let authorizes: Bool
    /// Permissions are read again after this (Cassandra's permissions_validity, 2 s).
    private let validity: Duration
    /// The PBKDF2 cost of hashes made from now on; each hash keeps the cost it was made with.
    let hashRounds: Int
    private let cache = Mutex<[String: (privileges: RolePrivileges, until: ContinuousClock.Instant)]>([:])

    public init(processor: QueryProcessor, authenticates: Bool, authorizes: Bool, validity: Duration = .seconds(2),
                hashRounds: Int = PasswordHash.defaultRounds) {
        self.hashRounds = hashRounds
        roles = RoleStore(processor: processor)
        authenticator = authenticates ? PasswordAuthenticator(roles: roles, validity: validity) : nil
        self.authorizes = authorizes
        self.validity = validity
    }

    /// Cassandra's default superuser name.
    public static let defaultSuperuser = "cassandra"

    /// What the first start does about the superuser (see `setUpSuperuser`).
    public enum SuperuserSetup: Equatable, Sendable {
        case created
        case rolesExist
        /// The roles could not be read (their replicas are not reachable yet).
        case unknown(String)
    }

    /// When no role exists, creates superuser `name` with `password`, at a fixed timestamp (0) so
    /// that nodes doing it at once write the same facts and converge, and any later ALTER or DROP
    /// (at a real timestamp) wins over it. Throws when there is no role and no password.
    public func setUpSuperuser(name: String = AccessControl.defaultSuperuser, password: String?) async throws -> SuperuserSetup {
        let existing: [RoleRecord]
        do { existing = try await roles.allRoles() } catch {
            if let password {
                try await roles.write(superuser(name, password), timestamp: 0)
                return .created
            }
            return .unknown("\(error)")
        }
        guard existing.isEmpty else { return .rolesExist }
        guard let password, !password.isEmpty else { throw SuperuserSetupError.noPassword }
        try await roles.write(superuser(name, password), timestamp: 0)
        return .created
    }

    private func superuser(_ name: String, _ password: String) -> RoleRecord {
        RoleRecord(name: name, canLogin: true, isSuperuser: true,
                   saltedHash: PasswordHash(hashing: password, rounds: hashRounds).description)
    }

    /// The stored form of a new password.
    func hash(_ password: String) throws(QueryError) -> String {
        guard !password.isEmpty else { throw .invalid("Password must not be empty") }
        return PasswordHash(hashing: password, rounds: hashRounds).description
    }

    /// `user`'s privileges, with those of every role granted to it (transitively).
    func privileges(of user: String) async throws -> RolePrivileges {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[user] }), cached.until > now { return cached.privileges }
        var privileges = RolePrivileges(isSuperuser: false)
        var pending = [user], seen: Set<String> = []
        while let role = pending.popLast() {
            guard seen.insert(role).inserted, let record = try await roles.role(role) else { continue }
            privileges.isSuperuser = privileges.isSuperuser || record.isSuperuser
            for (resource, granted) in try await roles.permissions(of: role) {
                privileges.permissions[resource, default: []].formUnion(granted)
            }
            pending += record.memberOf
        }
        cache.withLock { $0[user] = (privileges, ContinuousClock.now + validity) }
        return privileges
    }

    /// The roles `user` holds: itself and every role granted to it, transitively.
    func transitiveRoles(of user: String) async throws -> [RoleRecord] {
        var out: [RoleRecord] = []
        var pending = [user], seen: Set<String> = []
        while let role = pending.popLast() {
            guard seen.insert(role).inserted, let record = try await roles.role(role) else { continue }
            out.append(record)
            pending += record.memberOf
        }
        return out.sorted { $0.name < $1.name }
    }

    /// A role or grant changed on this node: cached logins and permissions are read again.
    func invalidate(_ role: String?) {
        cache.withLock { $0.removeAll() }
        if let role { authenticator?.invalidate(role) }
    }
}

public enum SuperuserSetupError: Error, CustomStringConvertible {
    case noPassword

    public var description: String {
        "authentication is on (authenticator: PasswordAuthenticator) but no role exists and no superuser password "
            + "was given: set BASALT_SUPERUSER_PASSWORD or auth_superuser_password for the first start"
    }
}
