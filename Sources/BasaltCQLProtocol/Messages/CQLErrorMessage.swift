import NIOCore

/// What a write was doing when it timed out or failed (spec §9). The python driver rejects any
/// other string with a KeyError, so decoding is strict too.
public enum CQLWriteType: String, Hashable, Sendable, CaseIterable {
    case simple = "SIMPLE"
    case batch = "BATCH"
    case unloggedBatch = "UNLOGGED_BATCH"
    case counter = "COUNTER"
    case batchLog = "BATCH_LOG"
    case cas = "CAS"
    case view = "VIEW"
    case cdc = "CDC"
}

/// ERROR (0x00, spec §4.2.1, §9): `[int] code`, `[string] message`, then a code-specific body.
public struct CQLErrorMessage: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case serverError
        case protocolError
        case badCredentials
        case unavailable(consistency: CQLConsistency, required: Int32, alive: Int32)
        case overloaded
        case isBootstrapping
        case truncateError
        case writeTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, writeType: CQLWriteType)
        case readTimeout(consistency: CQLConsistency, received: Int32, blockFor: Int32, dataPresent: Bool)
        case readFailure(consistency: CQLConsistency, received: Int32, blockFor: Int32, failures: Int32, dataPresent: Bool)
        case functionFailure(keyspace: String, function: String, argumentTypes: [String])
        case writeFailure(consistency: CQLConsistency, received: Int32, blockFor: Int32, failures: Int32, writeType: CQLWriteType)
        case syntaxError
        case unauthorized
        case invalid
        case configError
        /// `table` is empty when a keyspace already exists.
        case alreadyExists(keyspace: String, table: String)
        case unprepared(id: [UInt8])
        /// A code this version does not know (from a newer server); any body after the message is
        /// skipped, as the spec allows for extensions.
        case unknown(code: Int32)

        public var code: Int32 {
            switch self {
            case .serverError: 0x0000
            case .protocolError: 0x000A
            case .badCredentials: 0x0100
            case .unavailable: 0x1000
            case .overloaded: 0x1001
            case .isBootstrapping: 0x1002
            case .truncateError: 0x1003
            case .writeTimeout: 0x1100
            case .readTimeout: 0x1200
            case .readFailure: 0x1300
            case .functionFailure: 0x1400
            case .writeFailure: 0x1500
            case .syntaxError: 0x2000
            case .unauthorized: 0x2100
            case .invalid: 0x2200
            case .configError: 0x2300
            case .alreadyExists: 0x2400
            case .unprepared: 0x2500
            case .unknown(let code): code
            }
        }

        /// Codes whose error carries no body beyond the message.
        static let bodiless: [Int32: Kind] = Dictionary(
            uniqueKeysWithValues: [
                Kind.serverError, .protocolError, .badCredentials, .overloaded, .isBootstrapping, .truncateError,
                .syntaxError, .unauthorized, .invalid, .configError,
            ].map { ($0.code, $0) })
    }

    public var kind: Kind
    public var message: String

    /// Messages longer than a [string] allows (65535 UTF-8 bytes, e.g. one quoting a huge query)
    /// are cut at a character boundary rather than failing to encode.
    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message.clampedToShortString
    }

    public var code: Int32 { kind.code }

    /// The 0x000A reply for any protocol violation.
    public init(_ error: CQLProtocolError) {
        self.init(.protocolError, message: error.description)
    }
}

extension ByteBuffer {
    public mutating func readCQLErrorMessage() throws -> CQLErrorMessage? {
        try parseUnwindingIfNeeded { buffer in
            let code = try buffer.readCQLInt()
            let message = try buffer.readCQLString("error message")
            if let kind = CQLErrorMessage.Kind.bodiless[code] { return CQLErrorMessage(kind, message: message) }
            let kind: CQLErrorMessage.Kind
            switch code {
            case 0x1000:
                kind = .unavailable(
                    consistency: try buffer.readCQLConsistency(), required: try buffer.readCQLInt(),
                    alive: try buffer.readCQLInt())
            case 0x1100:
                kind = .writeTimeout(
                    consistency: try buffer.readCQLConsistency(), received: try buffer.readCQLInt(),
                    blockFor: try buffer.readCQLInt(), writeType: try buffer.readCQLWriteType())
            case 0x1200:
                kind = .readTimeout(
                    consistency: try buffer.readCQLConsistency(), received: try buffer.readCQLInt(),
                    blockFor: try buffer.readCQLInt(), dataPresent: try buffer.readCQLByte() != 0)
            case 0x1300:
                kind = .readFailure(
                    consistency: try buffer.readCQLConsistency(), received: try buffer.readCQLInt(),
                    blockFor: try buffer.readCQLInt(), failures: try buffer.readCQLInt(),
                    dataPresent: try buffer.readCQLByte() != 0)
            case 0x1400:
                kind = .functionFailure(
                    keyspace: try buffer.readCQLString("keyspace"), function: try buffer.readCQLString("function"),
                    argumentTypes: try buffer.readCQLStringList("argument types"))
            case 0x1500:
                kind = .writeFailure(
                    consistency: try buffer.readCQLConsistency(), received: try buffer.readCQLInt(),
                    blockFor: try buffer.readCQLInt(), failures: try buffer.readCQLInt(),
                    writeType: try buffer.readCQLWriteType())
            case 0x2400:
                kind = .alreadyExists(keyspace: try buffer.readCQLString("keyspace"), table: try buffer.readCQLString("table"))
            case 0x2500:
                kind = .unprepared(id: try buffer.readCQLShortBytes())
            default:
                kind = .unknown(code: code)
            }
            return CQLErrorMessage(kind, message: message)
        }
    }

    private mutating func readCQLWriteType() throws -> CQLWriteType {
        let name = try readCQLString("write type")
        guard let writeType = CQLWriteType(rawValue: name) else {
            throw CQLProtocolError.unknownEnumValue(field: "write type", value: name)
        }
        return writeType
    }

    @discardableResult
    public mutating func writeCQLErrorMessage(_ message: CQLErrorMessage) -> Int {
        var written = writeInteger(message.code) + writeCQLString(message.message)
        switch message.kind {
        case .unavailable(let consistency, let required, let alive):
            written += writeCQLConsistency(consistency) + writeInteger(required) + writeInteger(alive)
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            written += writeCQLConsistency(consistency) + writeInteger(received) + writeInteger(blockFor)
                + writeCQLString(writeType.rawValue)
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent):
            written += writeCQLConsistency(consistency) + writeInteger(received) + writeInteger(blockFor)
                + writeInteger(UInt8(dataPresent ? 1 : 0))
        case .readFailure(let consistency, let received, let blockFor, let failures, let dataPresent):
            written += writeCQLConsistency(consistency) + writeInteger(received) + writeInteger(blockFor)
                + writeInteger(failures) + writeInteger(UInt8(dataPresent ? 1 : 0))
        case .functionFailure(let keyspace, let function, let argumentTypes):
            written += writeCQLString(keyspace) + writeCQLString(function) + writeCQLStringList(argumentTypes)
        case .writeFailure(let consistency, let received, let blockFor, let failures, let writeType):
            written += writeCQLConsistency(consistency) + writeInteger(received) + writeInteger(blockFor)
                + writeInteger(failures) + writeCQLString(writeType.rawValue)
        case .alreadyExists(let keyspace, let table):
            written += writeCQLString(keyspace) + writeCQLString(table)
        case .unprepared(let id):
            written += writeCQLShortBytes(id)
        case .unknown(let code):
            // A known code must use its own case, or its mandatory body would be missing.
            assert(CQLErrorMessage.Kind.bodiless[code] == nil && ![0x1000, 0x1100, 0x1200, 0x1300, 0x1400, 0x1500, 0x2400, 0x2500].contains(code))
        case .serverError, .protocolError, .badCredentials, .overloaded, .isBootstrapping, .truncateError,
            .syntaxError, .unauthorized, .invalid, .configError:
            break
        }
        return written
    }
}
