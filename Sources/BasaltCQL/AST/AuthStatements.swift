/// Role and permission management: `CREATE/ALTER/DROP ROLE`, `CREATE/DROP USER`, `LIST ROLES|USERS`,
/// `GRANT/REVOKE role`, `GRANT/REVOKE permission ON resource`, `LIST PERMISSIONS`. One statement
/// case holds them all, since only the auth executor looks inside.
public enum AuthStatement: Hashable, Sendable, CustomStringConvertible {
    /// `CREATE ROLE|USER [IF NOT EXISTS] r [WITH ...]`.
    case createRole(role: String, ifNotExists: Bool, options: RoleOptions)
    /// `ALTER ROLE|USER [IF EXISTS] r WITH ...`.
    case alterRole(role: String, ifExists: Bool, options: RoleOptions)
    /// `DROP ROLE|USER [IF EXISTS] r`.
    case dropRole(role: String, ifExists: Bool)
    /// `LIST ROLES [OF r] [NORECURSIVE]`; `users` for `LIST USERS` (its columns differ).
    case listRoles(of: String?, recursive: Bool, users: Bool)
    /// `GRANT role TO grantee`.
    case grantRole(role: String, grantee: String)
    /// `REVOKE role FROM revokee`.
    case revokeRole(role: String, revokee: String)
    /// `GRANT permission|ALL ON resource TO role` (nil permission: ALL PERMISSIONS).
    case grantPermission(permission: String?, resource: ResourceName, role: String)
    /// `REVOKE permission|ALL ON resource FROM role`.
    case revokePermission(permission: String?, resource: ResourceName, role: String)
    /// `LIST permission|ALL [ON resource] [OF role] [NORECURSIVE]`.
    case listPermissions(permission: String?, resource: ResourceName?, of: String?, recursive: Bool)

    public var description: String {
        switch self {
        case .createRole(let role, let ifNotExists, let options):
            "CREATE ROLE " + (ifNotExists ? "IF NOT EXISTS " : "") + CQLText.name(role) + options.description
        case .alterRole(let role, let ifExists, let options):
            "ALTER ROLE " + (ifExists ? "IF EXISTS " : "") + CQLText.name(role) + options.description
        case .dropRole(let role, let ifExists):
            "DROP ROLE " + (ifExists ? "IF EXISTS " : "") + CQLText.name(role)
        case .listRoles(let of, let recursive, let users):
            (users ? "LIST USERS" : "LIST ROLES") + (of.map { " OF " + CQLText.name($0) } ?? "")
                + (recursive ? "" : " NORECURSIVE")
        case .grantRole(let role, let grantee): "GRANT \(CQLText.name(role)) TO \(CQLText.name(grantee))"
        case .revokeRole(let role, let revokee): "REVOKE \(CQLText.name(role)) FROM \(CQLText.name(revokee))"
        case .grantPermission(let permission, let resource, let role):
            "GRANT \(Self.permissionText(permission)) ON \(resource) TO \(CQLText.name(role))"
        case .revokePermission(let permission, let resource, let role):
            "REVOKE \(Self.permissionText(permission)) ON \(resource) FROM \(CQLText.name(role))"
        case .listPermissions(let permission, let resource, let of, let recursive):
            "LIST \(Self.permissionText(permission))" + (resource.map { " ON \($0)" } ?? "")
                + (of.map { " OF " + CQLText.name($0) } ?? "") + (recursive ? "" : " NORECURSIVE")
        }
    }

    private static func permissionText(_ permission: String?) -> String {
        permission.map { $0.uppercased() } ?? "ALL PERMISSIONS"
    }
}

/// `WITH PASSWORD = '…' AND LOGIN = bool AND SUPERUSER = bool`: nil where the statement does not say.
public struct RoleOptions: Hashable, Sendable, CustomStringConvertible {
    public var password: String?
    public var login: Bool?
    public var superuser: Bool?

    public init(password: String? = nil, login: Bool? = nil, superuser: Bool? = nil) {
        self.password = password
        self.login = login
        self.superuser = superuser
    }

    public var isEmpty: Bool { password == nil && login == nil && superuser == nil }

    public var description: String {
        var parts: [String] = []
        if let password { parts.append("PASSWORD = " + CQLText.string(password)) }
        if let login { parts.append("LOGIN = \(login)") }
        if let superuser { parts.append("SUPERUSER = \(superuser)") }
        return parts.isEmpty ? "" : " WITH " + parts.joined(separator: " AND ")
    }
}

/// What a permission is granted on: `ALL KEYSPACES`, `KEYSPACE ks` or `[TABLE] [ks.]t` (an unqualified
/// table is in the session's keyspace, resolved by the executor).
public enum ResourceName: Hashable, Sendable, CustomStringConvertible {
    case allKeyspaces
    case keyspace(String)
    case table(QualifiedName)

    public var description: String {
        switch self {
        case .allKeyspaces: "ALL KEYSPACES"
        case .keyspace(let name): "KEYSPACE " + CQLText.name(name)
        case .table(let name): "TABLE \(name)"
        }
    }
}
