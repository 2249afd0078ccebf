extension Parser {
    /// The permissions a GRANT, REVOKE or LIST may name, as Cassandra spells them for data resources.
    static let permissionNames: Set<String> = ["create", "alter", "drop", "select", "modify", "authorize"]

    /// `CREATE ROLE|USER ...` (after `CREATE`).
    mutating func createRoleStatement() throws(CQLSyntaxError) -> AuthStatement {
        let isUser = isKeyword("user")
        advance()
        let ifNotExists = try ifNotExistsClause()
        let role = try roleName()
        var options = isUser ? try userOptions() : try roleOptions()
        // A user can log in unless said otherwise (Cassandra's CREATE USER is a role with LOGIN).
        if isUser && options.login == nil { options.login = true }
        return .createRole(role: role, ifNotExists: ifNotExists, options: options)
    }

    /// `ALTER ROLE|USER ...` (after `ALTER`).
    mutating func alterRoleStatement() throws(CQLSyntaxError) -> AuthStatement {
        let isUser = isKeyword("user")
        advance()
        let ifExists = try ifExistsClause()
        let role = try roleName()
        let options = isUser ? try userOptions() : try roleOptions()
        return .alterRole(role: role, ifExists: ifExists, options: options)
    }

    /// `DROP ROLE|USER [IF EXISTS] r` (after `DROP`).
    mutating func dropRoleStatement() throws(CQLSyntaxError) -> AuthStatement {
        advance()
        let ifExists = try ifExistsClause()
        return .dropRole(role: try roleName(), ifExists: ifExists)
    }

    /// `LIST ROLES|USERS ...` or `LIST <permission> ...`.
    mutating func listStatement() throws(CQLSyntaxError) -> AuthStatement {
        try expectKeyword("list")
        if acceptKeyword("roles") || isKeyword("users") {
            let users = acceptKeyword("users")
            let of = acceptKeyword("of") ? try roleName() : nil
            return .listRoles(of: of, recursive: !acceptKeyword("norecursive"), users: users)
        }
        let permission = try permissionOrAll()
        let resource = acceptKeyword("on") ? try resourceName() : nil
        let of = acceptKeyword("of") ? try roleName() : nil
        return .listPermissions(permission: permission, resource: resource, of: of,
                                recursive: !acceptKeyword("norecursive"))
    }

    /// `GRANT permission ON resource TO role` or `GRANT role TO role`.
    mutating func grantStatement() throws(CQLSyntaxError) -> AuthStatement {
        try expectKeyword("grant")
        if isPermissionStart {
            let permission = try permissionOrAll()
            try expectKeyword("on")
            let resource = try resourceName()
            try expectKeyword("to")
            return .grantPermission(permission: permission, resource: resource, role: try roleName())
        }
        let role = try roleName()
        try expectKeyword("to")
        return .grantRole(role: role, grantee: try roleName())
    }

    /// `REVOKE permission ON resource FROM role` or `REVOKE role FROM role`.
    mutating func revokeStatement() throws(CQLSyntaxError) -> AuthStatement {
        try expectKeyword("revoke")
        if isPermissionStart {
            let permission = try permissionOrAll()
            try expectKeyword("on")
            let resource = try resourceName()
            try expectKeyword("from")
            return .revokePermission(permission: permission, resource: resource, role: try roleName())
        }
        let role = try roleName()
        try expectKeyword("from")
        return .revokeRole(role: role, revokee: try roleName())
    }

    private var isPermissionStart: Bool {
        current.kind == .identifier && (current.value == "all" || Self.permissionNames.contains(current.value))
    }

    /// `ALL [PERMISSIONS]` (nil) or one permission, optionally followed by `PERMISSION`.
    private mutating func permissionOrAll() throws(CQLSyntaxError) -> String? {
        if acceptKeyword("all") {
            _ = acceptKeyword("permissions")
            return nil
        }
        guard current.kind == .identifier, Self.permissionNames.contains(current.value) else {
            throw noViableAlternative()
        }
        let permission = advance().value
        _ = acceptKeyword("permission")
        return permission
    }

    /// `ALL KEYSPACES`, `KEYSPACE ks`, `TABLE [ks.]t` or `[ks.]t`.
    private mutating func resourceName() throws(CQLSyntaxError) -> ResourceName {
        if isKeyword("all") && isKeyword("keyspaces", 1) {
            advance()
            advance()
            return .allKeyspaces
        }
        if acceptKeyword("keyspace") { return .keyspace(try name(role: "keyspace")) }
        _ = acceptKeyword("table") || acceptKeyword("columnfamily")
        return .table(try qualifiedName(role: "table"))
    }

    /// A role name: an identifier (lower-cased), a quoted name or a string literal (both keep case).
    private mutating func roleName() throws(CQLSyntaxError) -> String {
        if current.kind == .string {
            guard !current.value.isEmpty else { throw error("Role name must not be empty", at: current) }
            return advance().value
        }
        return try name(role: "role")
    }

    /// `[WITH option = value [AND ...]]` for roles: PASSWORD, LOGIN, SUPERUSER (OPTIONS and ACCESS
    /// TO DATACENTERS are Cassandra features Basalt does not have).
    private mutating func roleOptions() throws(CQLSyntaxError) -> RoleOptions {
        var options = RoleOptions()
        guard acceptKeyword("with") else { return options }
        repeat {
            let token = current
            let option = try name()
            try expectSymbol("=")
            switch option {
            case "password":
                guard options.password == nil else { throw error("Multiple definition for property password", at: token) }
                options.password = try stringLiteral()
            case "login":
                guard options.login == nil else { throw error("Multiple definition for property login", at: token) }
                options.login = try booleanLiteral()
            case "superuser":
                guard options.superuser == nil else { throw error("Multiple definition for property superuser", at: token) }
                options.superuser = try booleanLiteral()
            default:
                throw error("Unsupported role option \(option)", at: token)
            }
        } while acceptKeyword("and")
        return options
    }

    /// `[WITH PASSWORD 'p'] [SUPERUSER | NOSUPERUSER]`, the legacy user syntax.
    private mutating func userOptions() throws(CQLSyntaxError) -> RoleOptions {
        var options = RoleOptions()
        if acceptKeyword("with") {
            try expectKeyword("password")
            options.password = try stringLiteral()
        }
        if acceptKeyword("superuser") {
            options.superuser = true
        } else if acceptKeyword("nosuperuser") {
            options.superuser = false
        }
        return options
    }

    private mutating func stringLiteral() throws(CQLSyntaxError) -> String {
        guard current.kind == .string else { throw mismatched(expecting: "STRING_LITERAL") }
        return advance().value
    }

    private mutating func booleanLiteral() throws(CQLSyntaxError) -> Bool {
        if acceptKeyword("true") { return true }
        if acceptKeyword("false") { return false }
        throw mismatched(expecting: "BOOLEAN")
    }
}
