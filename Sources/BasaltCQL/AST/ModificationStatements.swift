/// `INSERT INTO [ks.]t (c, ...) VALUES (v, ...) [IF NOT EXISTS] [USING TTL n AND TIMESTAMP n]`.
/// `columns` and `values` always have the same count; the parser rejects a mismatch.
public struct InsertStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var columns: [String]
    public var values: [Term]
    public var ifNotExists: Bool
    public var using: UsingClause
    public var bindMarkers: [BindMarker]

    public init(
        table: QualifiedName, columns: [String], values: [Term], ifNotExists: Bool = false,
        using: UsingClause = UsingClause(), bindMarkers: [BindMarker] = []
    ) {
        self.table = table
        self.columns = columns
        self.values = values
        self.ifNotExists = ifNotExists
        self.using = using
        self.bindMarkers = bindMarkers
    }

    public var description: String {
        "INSERT INTO \(table) (\(CQLText.names(columns))) VALUES (\(CQLText.list(values)))"
            + (ifNotExists ? " IF NOT EXISTS" : "") + using.description
    }
}

/// `UPDATE [ks.]t [USING ...] SET assignment, ... WHERE ... [IF EXISTS | IF condition AND ...]`.
public struct UpdateStatement: Hashable, Sendable, CustomStringConvertible {
    public var table: QualifiedName
    public var using: UsingClause
    public var assignments: [Assignment]
    public var whereClause: [Relation]
    public var ifExists: Bool
    public var conditions: [Relation]
    public var bindMarkers: [BindMarker]

    public init(
        table: QualifiedName, using: UsingClause = UsingClause(), assignments: [Assignment],
        whereClause: [Relation], ifExists: Bool = false, conditions: [Relation] = [], bindMarkers: [BindMarker] = []
    ) {
        self.table = table
        self.using = using
        self.assignments = assignments
        self.whereClause = whereClause
        self.ifExists = ifExists
        self.conditions = conditions
        self.bindMarkers = bindMarkers
    }

    public var description: String {
        "UPDATE \(table)\(using) SET \(CQLText.list(assignments)) WHERE "
            + whereClause.map(\.description).joined(separator: " AND ")
            + CQLText.ifClause(exists: ifExists, conditions: conditions)
    }
}

/// One item of an UPDATE's SET clause.
public enum Assignment: Hashable, Sendable, CustomStringConvertible {
    /// `c = v`
    case set(column: String, value: Term)
    /// `m[k] = v` or `l[i] = v`
    case setElement(column: String, key: Term, value: Term)
    /// `c = c + v` or `c += v`: append to a list, add to a set or map, increment a counter.
    /// Cassandra also reads `c = c -1` (lexed as `c`, `-1`) as adding `-1`, and so does this parser.
    case add(column: String, value: Term)
    /// `c = v + c`: prepend to a list.
    case prepend(column: String, value: Term)
    /// `c = c - v` or `c -= v`: remove from a collection, decrement a counter.
    case subtract(column: String, value: Term)

    /// The column the assignment changes.
    public var column: String {
        switch self {
        case .set(let c, _), .setElement(let c, _, _), .add(let c, _), .prepend(let c, _), .subtract(let c, _): c
        }
    }

    public var description: String {
        switch self {
        case .set(let column, let value): "\(CQLText.name(column)) = \(value)"
        case .setElement(let column, let key, let value): "\(CQLText.name(column))[\(key)] = \(value)"
        case .add(let column, let value): "\(CQLText.name(column)) = \(CQLText.name(column)) + \(value)"
        case .prepend(let column, let value): "\(CQLText.name(column)) = \(value) + \(CQLText.name(column))"
        case .subtract(let column, let value): "\(CQLText.name(column)) = \(CQLText.name(column)) - \(value)"
        }
    }
}

/// `DELETE [c, m[k], ...] FROM [ks.]t [USING TIMESTAMP n] WHERE ... [IF EXISTS | IF condition AND ...]`.
/// An empty `columns` list deletes whole rows (or partitions).
public struct DeleteStatement: Hashable, Sendable, CustomStringConvertible {
    public var columns: [DeleteTarget]
    public var table: QualifiedName
    public var timestamp: IntegerValue?
    public var whereClause: [Relation]
    public var ifExists: Bool
    public var conditions: [Relation]
    public var bindMarkers: [BindMarker]

    public init(
        columns: [DeleteTarget] = [], table: QualifiedName, timestamp: IntegerValue? = nil, whereClause: [Relation],
        ifExists: Bool = false, conditions: [Relation] = [], bindMarkers: [BindMarker] = []
    ) {
        self.columns = columns
        self.table = table
        self.timestamp = timestamp
        self.whereClause = whereClause
        self.ifExists = ifExists
        self.conditions = conditions
        self.bindMarkers = bindMarkers
    }

    public var description: String {
        "DELETE " + (columns.isEmpty ? "" : CQLText.list(columns) + " ") + "FROM \(table)"
            + (timestamp.map { " USING TIMESTAMP \($0)" } ?? "")
            + " WHERE " + whereClause.map(\.description).joined(separator: " AND ")
            + CQLText.ifClause(exists: ifExists, conditions: conditions)
    }
}

/// What a DELETE removes from the selected rows.
public enum DeleteTarget: Hashable, Sendable, CustomStringConvertible {
    case column(String)
    /// `m[k]` or `l[i]`: one element of a collection.
    case element(column: String, key: Term)

    /// The column the target deletes from.
    public var column: String {
        switch self {
        case .column(let name), .element(let name, _): name
        }
    }

    public var description: String {
        switch self {
        case .column(let name): CQLText.name(name)
        case .element(let column, let key): "\(CQLText.name(column))[\(key)]"
        }
    }
}

/// `USING TTL n AND TIMESTAMP n`, in either order; each part is optional.
public struct UsingClause: Hashable, Sendable, CustomStringConvertible {
    public var ttl: IntegerValue?
    public var timestamp: IntegerValue?

    public init(ttl: IntegerValue? = nil, timestamp: IntegerValue? = nil) {
        self.ttl = ttl
        self.timestamp = timestamp
    }

    /// The clause with a leading space, or "" when neither part is set. TTL comes first unless both are
    /// bind markers and TIMESTAMP's came first: rendering must keep the markers in their original order.
    public var description: String {
        var parts = [ttl.map { "TTL \($0)" }, timestamp.map { "TIMESTAMP \($0)" }].compactMap { $0 }
        if case .bindMarker(let ttlMarker) = ttl, case .bindMarker(let timestampMarker) = timestamp,
           timestampMarker.index < ttlMarker.index {
            parts.reverse()
        }
        return parts.isEmpty ? "" : " USING " + parts.joined(separator: " AND ")
    }
}

extension CQLText {
    /// The IF clause of UPDATE and DELETE, with a leading space, or "".
    static func ifClause(exists: Bool, conditions: [Relation]) -> String {
        if exists { return " IF EXISTS" }
        return conditions.isEmpty ? "" : " IF " + conditions.map(\.description).joined(separator: " AND ")
    }
}
