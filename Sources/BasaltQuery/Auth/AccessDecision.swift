import BasaltCQL

/// What a permission check is about: data, or roles (role management is for superusers only;
/// Basalt does not store permissions on roles).
public enum AuthResource: Hashable, Sendable, CustomStringConvertible {
    case data(DataResource)
    case allRoles
    case role(String)

    public var description: String {
        switch self {
        case .data(let resource): resource.description
        case .allRoles: "<all roles>"
        case .role(let role): "<role \(role)>"
        }
    }
}

/// One permission a statement needs on one resource.
public struct AccessRequest: Hashable, Sendable, CustomStringConvertible {
    public var permission: Permission
    public var resource: AuthResource

    public init(_ permission: Permission, _ resource: AuthResource) {
        self.permission = permission
        self.resource = resource
    }

    public init(_ permission: Permission, _ resource: DataResource) { self.init(permission, .data(resource)) }

    public var description: String { "\(permission.rawValue) on \(resource)" }
}

/// What a logged-in role holds: superuser status and its data permissions, those of the roles
/// granted to it included.
public struct RolePrivileges: Hashable, Sendable {
    public var isSuperuser: Bool
    public var permissions: [DataResource: Set<Permission>]

    public init(isSuperuser: Bool, permissions: [DataResource: Set<Permission>] = [:]) {
        self.isSuperuser = isSuperuser
        self.permissions = permissions
    }
}

/// The authorizer's decisions as pure functions: which permissions a statement needs, and whether
/// a role's privileges cover them (Cassandra's CassandraAuthorizer rules).
public enum AccessDecision {
    /// Keyspaces every role may read, as Cassandra: drivers and cqlsh read them on every connection.
    public static let publicKeyspaces: Set<String> = [
        "system", "system_schema", "system_views", "system_virtual_schema", "system_traces",
    ]

    /// The permissions `statement` needs, run by `user` with `keyspace` as the session keyspace.
    /// An unqualified name without a session keyspace needs nothing here: execution refuses it.
    public static func requests(for statement: Statement, user: String, keyspace: String?) -> [AccessRequest] {
        func table(_ name: QualifiedName) -> DataResource? {
            (name.keyspace ?? keyspace).map { DataResource.table(keyspace: $0, table: name.name) }
        }
        func modify(_ name: QualifiedName) -> [AccessRequest] { table(name).map { [AccessRequest(.modify, $0)] } ?? [] }
        switch statement {
        case .select(let s):
            let ks = s.table.keyspace ?? keyspace
            if let ks, publicKeyspaces.contains(ks) { return [] }
            return table(s.table).map { [AccessRequest(.select, $0)] } ?? []
        case .insert(let s): return modify(s.table)
        case .update(let s): return modify(s.table)
        case .delete(let s): return modify(s.table)
        case .batch(let s): return Array(Set(s.statements.flatMap { modify($0.table) })).sorted { $0.description < $1.description }
        case .truncate(let s): return modify(s.table)
        case .use, .describe: return []
        case .createKeyspace: return [AccessRequest(.create, .root)]
        case .alterKeyspace(let s): return [AccessRequest(.alter, .keyspace(s.keyspace))]
        case .dropKeyspace(let s): return [AccessRequest(.drop, .keyspace(s.keyspace))]
        case .createTable(let s):
            return (s.table.keyspace ?? keyspace).map { [AccessRequest(.create, .keyspace($0))] } ?? []
        case .alterTable(let s): return table(s.table).map { [AccessRequest(.alter, $0)] } ?? []
        case .dropTable(let s): return table(s.table).map { [AccessRequest(.drop, $0)] } ?? []
        case .auth(let s): return requests(for: s, user: user, keyspace: keyspace)
        }
    }

    static func requests(for statement: AuthStatement, user: String, keyspace: String?) -> [AccessRequest] {
        func data(_ name: ResourceName) -> DataResource? {
            switch name {
            case .allKeyspaces: .root
            case .keyspace(let ks): .keyspace(ks)
            case .table(let t): (t.keyspace ?? keyspace).map { .table(keyspace: $0, table: t.name) }
            }
        }
        switch statement {
        case .createRole: return [AccessRequest(.create, .allRoles)]
        case .alterRole(let role, _, let options):
            // A role may change its own password, and nothing else about itself.
            if role == user && options.login == nil && options.superuser == nil { return [] }
            return [AccessRequest(.alter, .role(role))]
        case .dropRole(let role, _): return [AccessRequest(.drop, .role(role))]
        case .grantRole(let role, _), .revokeRole(let role, _): return [AccessRequest(.authorize, .role(role))]
        case .listRoles(let of, _, _):
            return of.map { $0 == user ? [] : [AccessRequest(.describe, .allRoles)] } ?? []
        case .grantPermission(let permission, let resource, _), .revokePermission(let permission, let resource, _):
            guard let target = data(resource) else { return [] }
            // As Cassandra: AUTHORIZE on the resource, and every permission handed on.
            let handed = permission.flatMap { Permission(rawValue: $0.uppercased()) }.map { [$0] } ?? Permission.data
            return [AccessRequest(.authorize, target)] + handed.filter { $0 != .authorize }.map { AccessRequest($0, target) }
        case .listPermissions(_, _, let of, _):
            return of == user ? [] : [AccessRequest(.describe, .allRoles)]
        }
    }

    /// nil when `privileges` cover every request; otherwise the Unauthorized error for the first
    /// one they do not.
    public static func refusal(of requests: [AccessRequest], user: String, privileges: RolePrivileges) -> QueryError? {
        guard !privileges.isSuperuser else { return nil }
        for request in requests where !allows(request, privileges) {
            return QueryError(.unauthorized, "User \(user) has no \(request.permission.rawValue) permission on "
                              + "\(request.resource) or any of its parents")
        }
        return nil
    }

    static func allows(_ request: AccessRequest, _ privileges: RolePrivileges) -> Bool {
        guard case .data(let resource) = request.resource else { return privileges.isSuperuser }
        return resource.chain.contains { privileges.permissions[$0]?.contains(request.permission) ?? false }
    }
}
