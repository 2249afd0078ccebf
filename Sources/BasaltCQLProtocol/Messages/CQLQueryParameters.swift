import NIOCore

/// The values bound to a statement's markers: by position, or (QUERY flag 0x40) by marker name.
public enum CQLQueryValues: Hashable, Sendable {
    case positional([CQLBoundValue])
    case named([CQLNamedValue])

    public var count: Int {
        switch self {
        case .positional(let values): values.count
        case .named(let values): values.count
        }
    }
}

public struct CQLNamedValue: Hashable, Sendable {
    public var name: String
    public var value: CQLBoundValue

    public init(name: String, value: CQLBoundValue) {
        self.name = name
        self.value = value
    }
}

/// `<query_parameters>` shared by QUERY and EXECUTE (spec §4.1.4). Optional fields are present on
/// the wire exactly when their flag is set, so `nil` means "flag clear".
public struct CQLQueryParameters: Hashable, Sendable {
    public var consistency: CQLConsistency
    /// nil: flag 0x01 clear. The python driver omits it when it has no values.
    public var values: CQLQueryValues?
    /// Flag 0x02: the client has the result metadata cached (from PREPARE) and wants No_metadata rows.
    public var skipMetadata: Bool
    /// Flag 0x04. Zero or negative means "no paging", as in Cassandra.
    public var pageSize: Int32?
    /// Flag 0x08: an opaque state from a previous page's Rows metadata.
    public var pagingState: [UInt8]?
    /// Flag 0x10; only SERIAL or LOCAL_SERIAL make sense, which the executor checks.
    public var serialConsistency: CQLConsistency?
    /// Flag 0x20: the client-side write timestamp in microseconds.
    public var defaultTimestamp: Int64?

    public init(
        consistency: CQLConsistency, values: CQLQueryValues? = nil, skipMetadata: Bool = false,
        pageSize: Int32? = nil, pagingState: [UInt8]? = nil, serialConsistency: CQLConsistency? = nil,
        defaultTimestamp: Int64? = nil
    ) {
        self.consistency = consistency
        self.values = values
        self.skipMetadata = skipMetadata
        self.pageSize = pageSize
        self.pagingState = pagingState
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }

    enum Flag {
        static let values: UInt8 = 0x01
        static let skipMetadata: UInt8 = 0x02
        static let pageSize: UInt8 = 0x04
        static let pagingState: UInt8 = 0x08
        static let serialConsistency: UInt8 = 0x10
        static let defaultTimestamp: UInt8 = 0x20
        static let namesForValues: UInt8 = 0x40
    }
}

extension ByteBuffer {
    public mutating func readCQLQueryParameters() throws -> CQLQueryParameters? {
        try parseUnwindingIfNeeded { buffer in try buffer.readCQLQueryParametersBody() }
    }

    /// Unknown flag bits (0x80 is v5's keyspace) are ignored, as Cassandra's v4 codec does.
    mutating func readCQLQueryParametersBody() throws -> CQLQueryParameters {
        let consistency = try readCQLConsistency()
        let flags = try readCQLByte()
        var parameters = CQLQueryParameters(consistency: consistency, skipMetadata: flags & CQLQueryParameters.Flag.skipMetadata != 0)
        if flags & CQLQueryParameters.Flag.values != 0 {
            let named = flags & CQLQueryParameters.Flag.namesForValues != 0
            // A [value] is at least 4 bytes; a name adds at least 2.
            let count = try readCQLCount("values", minimumElementSize: named ? 6 : 4, wide: false)
            if named {
                var values: [CQLNamedValue] = []
                values.reserveCapacity(count)
                for _ in 0..<count {
                    let name = try readCQLString("value name")
                    values.append(CQLNamedValue(name: name, value: try readCQLValue("bound value")))
                }
                parameters.values = .named(values)
            } else {
                var values: [CQLBoundValue] = []
                values.reserveCapacity(count)
                for _ in 0..<count { values.append(try readCQLValue("bound value")) }
                parameters.values = .positional(values)
            }
        }
        if flags & CQLQueryParameters.Flag.pageSize != 0 { parameters.pageSize = try readCQLInt() }
        if flags & CQLQueryParameters.Flag.pagingState != 0 { parameters.pagingState = try readCQLBytes() }
        if flags & CQLQueryParameters.Flag.serialConsistency != 0 { parameters.serialConsistency = try readCQLConsistency() }
        if flags & CQLQueryParameters.Flag.defaultTimestamp != 0 { parameters.defaultTimestamp = try readCQLTimestamp() }
        return parameters
    }

    /// Cassandra reserves `Long.MIN_VALUE` as "no timestamp", so a client may not send it.
    mutating func readCQLTimestamp() throws -> Int64 {
        let timestamp = try readCQLLong()
        guard timestamp != .min else { throw CQLProtocolError.outOfBoundTimestamp(timestamp) }
        return timestamp
    }

    @discardableResult
    public mutating func writeCQLQueryParameters(_ parameters: CQLQueryParameters) -> Int {
        typealias Flag = CQLQueryParameters.Flag
        var flags: UInt8 = 0
        if parameters.values != nil { flags |= Flag.values }
        if case .named = parameters.values { flags |= Flag.namesForValues }
        if parameters.skipMetadata { flags |= Flag.skipMetadata }
        if parameters.pageSize != nil { flags |= Flag.pageSize }
        if parameters.pagingState != nil { flags |= Flag.pagingState }
        if parameters.serialConsistency != nil { flags |= Flag.serialConsistency }
        if parameters.defaultTimestamp != nil { flags |= Flag.defaultTimestamp }
        var written = writeCQLConsistency(parameters.consistency) + writeInteger(flags)
        switch parameters.values {
        case .positional(let values):
            written += writeCQLShortCount(values.count)
            for value in values { written += writeCQLValue(value) }
        case .named(let values):
            written += writeCQLShortCount(values.count)
            for value in values { written += writeCQLString(value.name) + writeCQLValue(value.value) }
        case nil:
            break
        }
        if let pageSize = parameters.pageSize { written += writeInteger(pageSize) }
        if let pagingState = parameters.pagingState { written += writeCQLBytes(pagingState) }
        if let serial = parameters.serialConsistency { written += writeCQLConsistency(serial) }
        if let timestamp = parameters.defaultTimestamp { written += writeInteger(timestamp) }
        return written
    }
}
