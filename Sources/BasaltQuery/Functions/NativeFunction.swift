import BasaltCQLProtocol

/// One signature of one of Cassandra's native scalar functions (keyspace `system`): what it takes,
/// what it returns and how it computes, with no access to anything but its arguments and the clock.
struct NativeFunction: Sendable {
    var name: String
    var argumentTypes: [CQLDataType]
    var returnType: CQLDataType
    var body: @Sendable (_ arguments: [CQLValue], _ context: FunctionContext) throws(QueryError) -> CQLValue

    var qualifiedName: String { "system.\(name)" }

    /// As Cassandra lists signatures in its errors: `system.todate(timeuuid)`.
    var signature: String { "\(qualifiedName)(\(argumentTypes.map(\.description).joined(separator: ", ")))" }

    /// Every native function answers null for a null argument, as Cassandra's do.
    func call(_ arguments: [CQLValue], _ context: FunctionContext) throws(QueryError) -> CQLValue {
        if arguments.contains(.null) { return .null }
        return try body(arguments, context)
    }
}

/// What a function may read besides its arguments: the statement's clock, in microseconds.
struct FunctionContext: Sendable {
    var now: Int64

    var millis: Int64 { now / 1000 }
}
