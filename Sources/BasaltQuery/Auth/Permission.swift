/// What a role may do to a data resource (Cassandra's permissions for `DataResource`).
public enum Permission: String, CaseIterable, Hashable, Sendable, Comparable {
    case create = "CREATE"
    case alter = "ALTER"
    case drop = "DROP"
    case select = "SELECT"
    case modify = "MODIFY"
    case authorize = "AUTHORIZE"
    /// Only on roles (`LIST ROLES OF r`), never granted on data.
    case describe = "DESCRIBE"

    /// What `ALL PERMISSIONS` means on a data resource.
    public static let data: [Permission] = [.create, .alter, .drop, .select, .modify, .authorize]

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A data resource: every keyspace, one keyspace, or one table. Stored in
/// `system_auth.role_permissions.resource` as Cassandra names them (`data`, `data/ks`, `data/ks/t`).
public enum DataResource: Hashable, Sendable, CustomStringConvertible {
    case root
    case keyspace(String)
    case table(keyspace: String, table: String)

    /// The stored name.
    public var name: String {
        switch self {
        case .root: "data"
        case .keyspace(let keyspace): "data/\(keyspace)"
        case .table(let keyspace, let table): "data/\(keyspace)/\(table)"
        }
    }

    public init?(name: String) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where parts[0] == "data": self = .root
        case 2 where parts[0] == "data" && !parts[1].isEmpty: self = .keyspace(parts[1])
        case 3 where parts[0] == "data" && !parts[1].isEmpty && !parts[2].isEmpty:
            self = .table(keyspace: parts[1], table: parts[2])
        default: return nil
        }
    }

    /// This resource, then each of its parents up to `root`: a permission on any of them applies.
    public var chain: [DataResource] {
        switch self {
        case .root: [.root]
        case .keyspace: [self, .root]
        case .table(let keyspace, _): [self, .keyspace(keyspace), .root]
        }
    }

    /// As Cassandra prints it in errors and LIST PERMISSIONS.
    public var description: String {
        switch self {
        case .root: "<all keyspaces>"
        case .keyspace(let keyspace): "<keyspace \(keyspace)>"
        case .table(let keyspace, let table): "<table \(keyspace).\(table)>"
        }
    }
}
