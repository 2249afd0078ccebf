/// One row of `system_auth.roles`.
public struct RoleRecord: Hashable, Sendable {
    public var name: String
    public var canLogin: Bool
    public var isSuperuser: Bool
    /// The roles granted to this one (it inherits their permissions and superuser status).
    public var memberOf: Set<String>
    /// A `PasswordHash` in its stored form; nil for a role without a password.
    public var saltedHash: String?

    public init(name: String, canLogin: Bool = false, isSuperuser: Bool = false, memberOf: Set<String> = [],
                saltedHash: String? = nil) {
        self.name = name
        self.canLogin = canLogin
        self.isSuperuser = isSuperuser
        self.memberOf = memberOf
        self.saltedHash = saltedHash
    }
}
