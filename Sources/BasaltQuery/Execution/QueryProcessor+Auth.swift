import BasaltCQL
import BasaltCQLProtocol

extension QueryProcessor {
    /// Refuses `statement` when the session's role lacks a permission it needs (CassandraAuthorizer
    /// only; statements the node runs itself and sessions without a login pass).
    func authorize(_ statement: Statement, session: CQLSession) async throws {
        guard !session.isInternal, let access = accessControl, access.authorizes, let user = session.user else { return }
        let requests = AccessDecision.requests(for: statement, user: user, keyspace: session.keyspace)
        guard !requests.isEmpty else { return }
        if let refusal = AccessDecision.refusal(of: requests, user: user, privileges: try await access.privileges(of: user)) {
            throw refusal
        }
    }

    /// As Cassandra: whoever creates a keyspace or table gets every permission on it, and a dropped
    /// one's grants go with it.
    func schemaChanged(_ statement: Statement, keyspace: String, session: CQLSession) async throws {
        guard let access = accessControl, access.authorizes else { return }
        let resource: DataResource
        switch statement {
        case .createKeyspace(let s): resource = .keyspace(s.keyspace)
        case .createTable(let s): resource = .table(keyspace: keyspace, table: s.table.name)
        case .dropKeyspace(let s): resource = .keyspace(s.keyspace)
        case .dropTable(let s): resource = .table(keyspace: keyspace, table: s.table.name)
        default: return
        }
        switch statement {
        case .createKeyspace, .createTable:
            guard let user = session.user else { return }
            try await access.roles.grant(Permission.data, on: resource, to: user)
        default:
            try await access.roles.revokeAll(on: resource)
        }
        access.invalidate(nil)
    }

    /// CREATE/ALTER/DROP ROLE, GRANT, REVOKE and the LIST statements.
    func authStatement(_ statement: AuthStatement, session: CQLSession) async throws -> CQLResult {
        guard let access = accessControl else { throw QueryError.invalid("Roles are not available on this node") }
        let store = access.roles
        switch statement {
        case .createRole(let role, let ifNotExists, let options):
            if try await store.role(role) != nil {
                if ifNotExists { return .void }
                throw QueryError.invalid("\(role) already exists")
            }
            if options.superuser == true, let user = session.user, !(try await access.privileges(of: user).isSuperuser) {
                throw QueryError(.unauthorized, "Only superusers can create a role with superuser status")
            }
            try await store.write(RoleRecord(name: role, canLogin: options.login ?? false,
                                             isSuperuser: options.superuser ?? false,
                                             saltedHash: try options.password.map(access.hash)))
        case .alterRole(let role, let ifExists, let options):
            guard try await store.role(role) != nil else {
                if ifExists { return .void }
                throw QueryError.invalid("\(role) doesn't exist")
            }
            if options.superuser != nil && role == session.user {
                throw QueryError(.unauthorized, "You aren't allowed to alter your own superuser status")
            }
            try await store.update(role, canLogin: options.login, isSuperuser: options.superuser,
                                   saltedHash: try options.password.map(access.hash))
            access.invalidate(role)
        case .dropRole(let role, let ifExists):
            guard try await store.role(role) != nil else {
                if ifExists { return .void }
                throw QueryError.invalid("\(role) doesn't exist")
            }
            if role == session.user { throw QueryError.invalid("Cannot DROP primary role for current login") }
            try await store.delete(role)
            for member in try await store.allRoles() where member.memberOf.contains(role) {
                try await store.changeMembership("-", role, of: member.name)
            }
            access.invalidate(role)
        case .listRoles(let of, let recursive, let users):
            return .rows(try await listRoles(of: of, recursive: recursive, users: users, session: session))
        case .grantRole(let role, let grantee):
            guard try await store.role(role) != nil else { throw QueryError.invalid("\(role) doesn't exist") }
            guard let record = try await store.role(grantee) else { throw QueryError.invalid("\(grantee) doesn't exist") }
            if try await access.transitiveRoles(of: role).contains(where: { $0.name == grantee }) || record.memberOf.contains(role) {
                throw QueryError.invalid("\(grantee) is a member of \(role)")
            }
            try await store.changeMembership("+", role, of: grantee)
            access.invalidate(grantee)
        case .revokeRole(let role, let revokee):
            guard try await store.role(role) != nil else { throw QueryError.invalid("\(role) doesn't exist") }
            guard let record = try await store.role(revokee) else { throw QueryError.invalid("\(revokee) doesn't exist") }
            guard record.memberOf.contains(role) else { throw QueryError.invalid("\(revokee) is not a member of \(role)") }
            try await store.changeMembership("-", role, of: revokee)
            access.invalidate(revokee)
        case .grantPermission(let permission, let name, let role), .revokePermission(let permission, let name, let role):
            let isGrant = if case .grantPermission = statement { true } else { false }
            guard access.authorizes else {
                throw QueryError.invalid("\(isGrant ? "GRANT" : "REVOKE") operation is not supported by AllowAllAuthorizer")
            }
            let resource = try existing(name, session: session)
            guard try await store.role(role) != nil else { throw QueryError.invalid("Role \(role) doesn't exist") }
            let permissions = try Self.permissions(permission)
            if isGrant {
                try await store.grant(permissions, on: resource, to: role)
            } else {
                try await store.revoke(permissions, on: resource, from: role)
            }
            access.invalidate(role)
        case .listPermissions(let permission, let name, let of, let recursive):
            guard access.authorizes else { throw QueryError.invalid("LIST PERMISSIONS operation is not supported by AllowAllAuthorizer") }
            return .rows(try await listPermissions(permission: permission, on: try name.map { try existing($0, session: session) },
                                                   of: of, recursive: recursive))
        }
        return .void
    }

    private static func permissions(_ name: String?) throws(QueryError) -> [Permission] {
        guard let name else { return Permission.data }
        guard let permission = Permission(rawValue: name.uppercased()), Permission.data.contains(permission) else {
            throw .syntax("Unknown permission \(name)")
        }
        return [permission]
    }

    /// The resource a GRANT, REVOKE or LIST names, which must exist (Cassandra's wording).
    private func existing(_ name: ResourceName, session: CQLSession) throws(QueryError) -> DataResource {
        switch name {
        case .allKeyspaces: return .root
        case .keyspace(let keyspace):
            guard catalog.keyspace(keyspace) != nil else { throw .invalid("Resource <keyspace \(keyspace)> doesn't exist") }
            return .keyspace(keyspace)
        case .table(let table):
            let keyspace = try keyspaceName(table, session: session)
            guard catalog.table(keyspace: keyspace, name: table.name) != nil else {
                throw .invalid("Resource <table \(keyspace).\(table.name)> doesn't exist")
            }
            return .table(keyspace: keyspace, table: table.name)
        }
    }

    private static func spec(_ name: String, _ type: CQLDataType, table: String = "roles") -> CQLColumnSpec {
        CQLColumnSpec(keyspace: SchemaCatalog.authKeyspace, table: table, name: name, type: type)
    }

    /// Cassandra's columns: `role, super, login, options, datacenters` (LIST USERS: `name, super, datacenters`).
    private func listRoles(of: String?, recursive: Bool, users: Bool, session: CQLSession) async throws -> CQLRows {
        guard let access = accessControl else { return CQLRows(metadata: CQLRowsMetadata(columns: []), rows: []) }
        var roles: [RoleRecord]
        if let of {
            guard let record = try await access.roles.role(of) else { throw QueryError.invalid("\(of) doesn't exist") }
            roles = recursive ? try await access.transitiveRoles(of: of) : [record]
        } else if let user = session.user, !(try await access.privileges(of: user).isSuperuser) {
            // A role that may not describe all roles sees those it holds.
            roles = try await access.transitiveRoles(of: user)
        } else {
            roles = try await access.roles.allRoles()
        }
        if users { roles = roles.filter(\.canLogin) }
        let specs = users
            ? [Self.spec("name", .text), Self.spec("super", .boolean), Self.spec("datacenters", .text)]
            : [Self.spec("role", .text), Self.spec("super", .boolean), Self.spec("login", .boolean),
               Self.spec("options", .map(key: .text, value: .text)), Self.spec("datacenters", .text)]
        let rows: [[[UInt8]?]] = try roles.map { role in
            let values: [CQLValue] = users
                ? [.text(role.name), .boolean(role.isSuperuser), .text("ALL")]
                : [.text(role.name), .boolean(role.isSuperuser), .boolean(role.canLogin), .map([]), .text("ALL")]
            return try zip(values, specs).map { try $0.serialize(as: $1.type) }
        }
        return CQLRows(metadata: CQLRowsMetadata(columns: specs), rows: rows)
    }

    /// Cassandra's columns: `role, username, resource, permission`, one row per grant.
    private func listPermissions(permission: String?, on resource: DataResource?, of: String?,
                                 recursive: Bool) async throws -> CQLRows {
        guard let access = accessControl else { return CQLRows(metadata: CQLRowsMetadata(columns: []), rows: []) }
        let wanted = Set(try Self.permissions(permission))
        var roles: Set<String>?
        if let of {
            guard try await access.roles.role(of) != nil else { throw QueryError.invalid("\(of) doesn't exist") }
            roles = recursive ? Set(try await access.transitiveRoles(of: of).map(\.name)) : [of]
        }
        let resources = resource.map { Set($0.chain) }
        let specs = [Self.spec("role", .text, table: "role_permissions"), Self.spec("username", .text, table: "role_permissions"),
                     Self.spec("resource", .text, table: "role_permissions"), Self.spec("permission", .text, table: "role_permissions")]
        var rows: [[[UInt8]?]] = []
        for (role, grants) in try await access.roles.allPermissions().sorted(by: { $0.key < $1.key }) {
            if let roles, !roles.contains(role) { continue }
            for (granted, permissions) in grants.sorted(by: { $0.key.name < $1.key.name }) {
                if let resources, !resources.contains(granted) { continue }
                for permission in permissions.sorted() where wanted.contains(permission) {
                    rows.append([role, role, granted.description, permission.rawValue].map { Array($0.utf8) as [UInt8]? })
                }
            }
        }
        return CQLRows(metadata: CQLRowsMetadata(columns: specs), rows: rows)
    }
}
