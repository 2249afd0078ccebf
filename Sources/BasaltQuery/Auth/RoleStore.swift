import BasaltCQL
import BasaltCQLProtocol

/// Roles and permissions kept in `system_auth.roles` and `system_auth.role_permissions`, read and
/// written with CQL through the query processor, so they go through the coordinator and are
/// replicated like any keyspace's rows (system_auth is SimpleStrategy with replication factor 1,
/// Cassandra's default). Reads are LOCAL_ONE and writes QUORUM, as Cassandra's role manager.
public struct RoleStore: Sendable {
    // Unowned: the processor owns its access control, which owns this store.
    unowned let processor: QueryProcessor

    public init(processor: QueryProcessor) { self.processor = processor }

    static let readConsistency = CQLConsistency.localOne
    static let writeConsistency = CQLConsistency.quorum

    public func role(_ name: String) async throws -> RoleRecord? {
        try await roles(where: " WHERE role = \(CQLText.string(name))").first
    }

    public func allRoles() async throws -> [RoleRecord] {
        try await roles(where: "").sorted { $0.name < $1.name }
    }

    private func roles(where clause: String) async throws -> [RoleRecord] {
        let rows = try await select("SELECT role, can_login, is_superuser, member_of, salted_hash FROM system_auth.roles" + clause)
        return rows.compactMap { row in
            guard case .text(let name) = row[0] else { return nil }
            let memberOf: Set<String> = if case .set(let values) = row[3] {
                Set(values.compactMap { if case .text(let role) = $0 { role } else { nil } })
            } else { [] }
            let hash: String? = if case .text(let text) = row[4] { text } else { nil }
            return RoleRecord(name: name, canLogin: row[1] == .boolean(true), isSuperuser: row[2] == .boolean(true),
                              memberOf: memberOf, saltedHash: hash)
        }
    }

    /// Writes every column of `record` (at `timestamp`, or now).
    public func write(_ record: RoleRecord, timestamp: Int64? = nil) async throws {
        let members = "{" + record.memberOf.sorted().map(CQLText.string).joined(separator: ", ") + "}"
        let hash = record.saltedHash.map(CQLText.string) ?? "null"
        try await execute("""
            INSERT INTO system_auth.roles (role, can_login, is_superuser, member_of, salted_hash) VALUES \
            (\(CQLText.string(record.name)), \(record.canLogin), \(record.isSuperuser), \(members), \(hash))
            """ + (timestamp.map { " USING TIMESTAMP \($0)" } ?? ""))
    }

    /// Changes the given columns only (ALTER ROLE), so a concurrent GRANT through another node survives.
    public func update(_ role: String, canLogin: Bool?, isSuperuser: Bool?, saltedHash: String?) async throws {
        let assignments = [canLogin.map { "can_login = \($0)" }, isSuperuser.map { "is_superuser = \($0)" },
                           saltedHash.map { "salted_hash = \(CQLText.string($0))" }].compactMap { $0 }
        guard !assignments.isEmpty else { return }
        try await execute("UPDATE system_auth.roles SET \(assignments.joined(separator: ", ")) WHERE role = \(CQLText.string(role))")
    }

    /// Grants (`+`) or revokes (`-`) `role` to `member` by changing the one element, so concurrent
    /// grants to the same role through different nodes all survive.
    public func changeMembership(_ op: String, _ role: String, of member: String) async throws {
        try await execute("UPDATE system_auth.roles SET member_of = member_of \(op) {\(CQLText.string(role))} "
                          + "WHERE role = \(CQLText.string(member))")
    }

    /// Removes the role and every permission granted to it.
    public func delete(_ role: String) async throws {
        try await execute("DELETE FROM system_auth.roles WHERE role = \(CQLText.string(role))")
        try await execute("DELETE FROM system_auth.role_permissions WHERE role = \(CQLText.string(role))")
    }

    /// The permissions granted to `role` itself (not through other roles), by resource.
    public func permissions(of role: String) async throws -> [DataResource: Set<Permission>] {
        let rows = try await select("SELECT role, resource, permissions FROM system_auth.role_permissions WHERE role = \(CQLText.string(role))")
        return Self.permissions(rows).first?.value ?? [:]
    }

    /// Every grant, by role then resource.
    public func allPermissions() async throws -> [String: [DataResource: Set<Permission>]] {
        Self.permissions(try await select("SELECT role, resource, permissions FROM system_auth.role_permissions"))
    }

    private static func permissions(_ rows: [[CQLValue]]) -> [String: [DataResource: Set<Permission>]] {
        var out: [String: [DataResource: Set<Permission>]] = [:]
        for row in rows {
            guard case .text(let role) = row[0], case .text(let name) = row[1], let resource = DataResource(name: name),
                  case .set(let values) = row[2] else { continue }
            let granted = Set(values.compactMap { if case .text(let p) = $0 { Permission(rawValue: p) } else { nil } })
            if !granted.isEmpty { out[role, default: [:]][resource] = granted }
        }
        return out
    }

    public func grant(_ permissions: [Permission], on resource: DataResource, to role: String) async throws {
        try await changePermissions("+", permissions, on: resource, of: role)
    }

    public func revoke(_ permissions: [Permission], on resource: DataResource, from role: String) async throws {
        try await changePermissions("-", permissions, on: resource, of: role)
    }

    /// Every role's grants on `resource` go (the resource was dropped, as Cassandra does).
    public func revokeAll(on resource: DataResource) async throws {
        for (role, grants) in try await allPermissions() {
            for granted in grants.keys where granted.chain.contains(resource) {
                try await execute("DELETE FROM system_auth.role_permissions WHERE role = \(CQLText.string(role)) "
                                  + "AND resource = \(CQLText.string(granted.name))")
            }
        }
    }

    private func changePermissions(_ op: String, _ permissions: [Permission], on resource: DataResource,
                                   of role: String) async throws {
        let set = "{" + permissions.map { CQLText.string($0.rawValue) }.joined(separator: ", ") + "}"
        try await execute("UPDATE system_auth.role_permissions SET permissions = permissions \(op) \(set) "
                          + "WHERE role = \(CQLText.string(role)) AND resource = \(CQLText.string(resource.name))")
    }

    private func select(_ cql: String) async throws -> [[CQLValue]] {
        guard case .rows(let rows) = try await processor.executeInternal(cql, consistency: Self.readConsistency) else { return [] }
        let types = (rows.metadata.columns ?? []).map(\.type)
        return try rows.rows.map { row in try zip(row, types).map { try CQLValue.deserialize(bytes: $0, type: $1) } }
    }

    private func execute(_ cql: String) async throws {
        _ = try await processor.executeInternal(cql, consistency: Self.writeConsistency)
    }
}
