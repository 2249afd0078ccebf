import BasaltCQLProtocol

/// The columns of a result: their names and types, and a name lookup built once and shared by
/// every row of the result (and, for a prepared statement, by every execution).
public final class ColumnDefinitions: Sendable {
    /// Each column's keyspace, table, name and type, in result order.
    public let specs: [CQLColumnSpec]
    private let indexByName: [String: Int]

    /// Builds the lookup once for `specs`.
    public init(_ specs: [CQLColumnSpec]) {
        self.specs = specs
        var indexByName: [String: Int] = [:]
        // The first of two equal names wins, as in the drivers (`SELECT a, a`).
        for (index, spec) in specs.enumerated() where indexByName[spec.name] == nil { indexByName[spec.name] = index }
        self.indexByName = indexByName
    }

    public var count: Int { specs.count }

    public var names: [String] { specs.map(\.name) }

    /// The position of the column named `name` (as the node spells it: lowercase unless quoted).
    public func index(of name: String) -> Int? { indexByName[name] }

    static let empty = ColumnDefinitions([])
}
