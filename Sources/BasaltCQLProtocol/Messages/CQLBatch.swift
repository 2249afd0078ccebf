import NIOCore

/// BATCH (0x0D, spec §4.1.7). Named values (flag 0x40) are refused: the spec itself says the
/// feature "does not work and should not be used" (CASSANDRA-10246).
public struct CQLBatch: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case logged = 0
        case unlogged = 1
        case counter = 2
    }

    /// One statement: unprepared text (kind 0) or a prepared id (kind 1), with positional values.
    public struct Statement: Hashable, Sendable {
        public enum Target: Hashable, Sendable {
            case query(String)
            case prepared(id: [UInt8])
        }

        public var target: Target
        public var values: [CQLBoundValue]

        public init(target: Target, values: [CQLBoundValue] = []) {
            self.target = target
            self.values = values
        }
    }

    public var kind: Kind
    public var statements: [Statement]
    public var consistency: CQLConsistency
    public var serialConsistency: CQLConsistency?
    /// Microseconds, as in QUERY.
    public var defaultTimestamp: Int64?

    public init(
        kind: Kind, statements: [Statement], consistency: CQLConsistency,
        serialConsistency: CQLConsistency? = nil, defaultTimestamp: Int64? = nil
    ) {
        self.kind = kind
        self.statements = statements
        self.consistency = consistency
        self.serialConsistency = serialConsistency
        self.defaultTimestamp = defaultTimestamp
    }
}

extension ByteBuffer {
    public mutating func readCQLBatch() throws -> CQLBatch? {
        try parseUnwindingIfNeeded { buffer in
            let kindByte = try buffer.readCQLByte()
            guard let kind = CQLBatch.Kind(rawValue: kindByte) else { throw CQLProtocolError.unknownBatchType(kindByte) }
            // A statement is at least its kind byte, a 2- or 4-byte length and a 2-byte value count.
            let count = try buffer.readCQLCount("BATCH statements", minimumElementSize: 5, wide: false)
            var statements: [CQLBatch.Statement] = []
            statements.reserveCapacity(count)
            for _ in 0..<count {
                let statementKind = try buffer.readCQLByte()
                let target: CQLBatch.Statement.Target
                switch statementKind {
                case 0: target = .query(try buffer.readCQLLongString("BATCH query"))
                case 1: target = .prepared(id: try buffer.readCQLShortBytes())
                default: throw CQLProtocolError.unknownBatchStatementKind(statementKind)
                }
                let valueCount = try buffer.readCQLCount("BATCH values", minimumElementSize: 4, wide: false)
                var values: [CQLBoundValue] = []
                values.reserveCapacity(valueCount)
                for _ in 0..<valueCount { values.append(try buffer.readCQLValue("BATCH value")) }
                statements.append(CQLBatch.Statement(target: target, values: values))
            }
            let consistency = try buffer.readCQLConsistency()
            let flags = try buffer.readCQLByte()
            // The low four bits (values, skip_metadata, page size, paging state) "must always be 0"
            // and 0x40 (names) is unusable; 0x80 is v5's keyspace. Only 0x10 and 0x20 are valid.
            guard flags & ~(0x10 | 0x20) == 0 else {
                throw CQLProtocolError.invalidFlags(field: "BATCH", flags: Int32(flags))
            }
            var batch = CQLBatch(kind: kind, statements: statements, consistency: consistency)
            if flags & 0x10 != 0 { batch.serialConsistency = try buffer.readCQLConsistency() }
            if flags & 0x20 != 0 { batch.defaultTimestamp = try buffer.readCQLTimestamp() }
            return batch
        }
    }

    @discardableResult
    public mutating func writeCQLBatch(_ message: CQLBatch) -> Int {
        var written = writeInteger(message.kind.rawValue) + writeCQLShortCount(message.statements.count)
        for statement in message.statements {
            switch statement.target {
            case .query(let query): written += writeInteger(UInt8(0)) + writeCQLLongString(query)
            case .prepared(let id): written += writeInteger(UInt8(1)) + writeCQLShortBytes(id)
            }
            written += writeCQLShortCount(statement.values.count)
            for value in statement.values { written += writeCQLValue(value) }
        }
        var flags: UInt8 = 0
        if message.serialConsistency != nil { flags |= 0x10 }
        if message.defaultTimestamp != nil { flags |= 0x20 }
        written += writeCQLConsistency(message.consistency) + writeInteger(flags)
        if let serial = message.serialConsistency { written += writeCQLConsistency(serial) }
        if let timestamp = message.defaultTimestamp { written += writeInteger(timestamp) }
        return written
    }
}
