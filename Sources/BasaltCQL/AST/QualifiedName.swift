/// A keyspace-qualified name (`ks.t`) or a bare one (`t`), already normalized: unquoted parts are
/// lower-cased, quoted parts keep their case. Resolving a bare name against the session keyspace is
/// the executor's job.
public struct QualifiedName: Hashable, Sendable, CustomStringConvertible {
    public var keyspace: String?
    public var name: String

    public init(keyspace: String? = nil, name: String) {
        self.keyspace = keyspace
        self.name = name
    }

    public var description: String {
        if let keyspace { CQLText.name(keyspace) + "." + CQLText.name(name) } else { CQLText.name(name) }
    }
}
