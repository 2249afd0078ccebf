/// One `?` or `:name` in a statement.
///
/// Markers are numbered from 0 in order of appearance in the statement text (for a batch, across all of
/// its statements), which is the order of the values in an EXECUTE. The executor also needs the type of
/// each marker for the Prepared result metadata; `target` records what the marker stands for wherever
/// the syntax makes it evident, so that the type can be looked up in the table schema.
public struct BindMarker: Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    /// The name of a `:name` marker (normalized like any name), or nil for `?`.
    public var name: String?
    public var target: BindTarget

    public init(index: Int, name: String?, target: BindTarget) {
        self.index = index
        self.name = name
        self.target = target
    }

    public var description: String { name.map { ":" + CQLText.name($0) } ?? "?" }
}

/// What a bind marker's value is. The comments give the name Cassandra reports in Prepared metadata.
public enum BindTarget: Hashable, Sendable {
    /// A whole value of the column (`k = ?`, `VALUES (?)`, `SET c = ?`, `c = c + ?`): the column name.
    case column(String)
    /// A tuple of these columns (`(a, b) > ?`).
    case columns([String])
    /// A list of candidate values (`a IN ?`), or of tuples (`(a, b) IN ?`): `in(a)`.
    case inValues([String])
    /// A key or index into the collection column (`m[?]`, `CONTAINS KEY ?`, `DELETE m[?]`): `key(m)`/`idx(l)`.
    case key(String)
    /// An element of the collection column (`m[k] = ?`, `CONTAINS ?`): `value(m)`.
    case value(String)
    /// The partition token (`token(k) > ?`): `partition key token`.
    case token
    /// `LIMIT ?`: `[limit]`.
    case limit
    /// `PER PARTITION LIMIT ?`: `[per_partition_limit]`.
    case perPartitionLimit
    /// `USING TTL ?`: `[ttl]`.
    case ttl
    /// `USING TIMESTAMP ?`: `[timestamp]`.
    case timestamp
    /// Argument `position` of a call to `function` with `count` arguments (`maxTimeuuid(?)`): `arg0(system.maxtimeuuid)`;
    /// the function's signature gives the type.
    case functionArgument(function: QualifiedName, position: Int, count: Int)
    /// Not evident from the syntax, e.g. inside a collection literal.
    case unknown
}

/// A value that must be an integer literal or a bind marker: LIMIT, PER PARTITION LIMIT, TTL, TIMESTAMP.
public enum IntegerValue: Hashable, Sendable, CustomStringConvertible {
    case literal(Int64)
    case bindMarker(BindMarker)

    public var description: String {
        switch self {
        case .literal(let value): String(value)
        case .bindMarker(let marker): marker.description
        }
    }
}
