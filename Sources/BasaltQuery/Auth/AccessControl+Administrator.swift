/// Whether a name and password may operate the node (the admin endpoint): the login must succeed
/// as a CQL login would, and the role must be a superuser (itself or through a granted role), as
/// nodetool's JMX access is an operator's, not an application's.
public enum AdministratorCheck: Hashable, Sendable {
    case superuser(role: String)
    /// The login succeeded but the role is not a superuser.
    case notSuperuser(role: String)
    /// The login failed; Cassandra's wording.
    case refused(String)
    /// The roles could not be read (their replicas are down).
    case unavailable(String)
}

extension AccessControl {
    public func administrator(username: String, password: String) async -> AdministratorCheck {
        guard let authenticator else { return .refused("logins are off (AllowAllAuthenticator)") }
        // The SASL PLAIN token a driver would send: the same checks, cache and failure count.
        let token = [0] + Array(username.utf8) + [0] + Array(password.utf8)
        let role: String
        do {
            role = try await authenticator.authenticate(token)
        } catch {
            return .refused(error.message)
        }
        do {
            return try await privileges(of: role).isSuperuser ? .superuser(role: role) : .notSuperuser(role: role)
        } catch {
            return .unavailable("Unable to read the roles of \(role): \(error)")
        }
    }
}
