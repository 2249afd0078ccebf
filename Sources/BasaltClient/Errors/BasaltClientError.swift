import BasaltCQLProtocol

/// Everything a client call can throw: the server's ERROR responses, case for case (spec §9, with
/// the code-specific fields), and what can go wrong on the client's side of the wire.
///
/// `unprepared` is handled inside the client (the statement is prepared again and re-executed) and
/// surfaces only if that fails too.
public enum BasaltClientError: Error, Hashable, Sendable, CustomStringConvertible {
    // MARK: Errors the server returned

    /// Too few replicas were alive to even try the request (0x1000); nothing was written.
    case unavailable(consistency: CQLConsistency, required: Int, alive: Int, message: String)
    /// Replicas did not acknowledge a write in time (0x1100). The write may or may not be applied.
    case writeTimeout(consistency: CQLConsistency, received: Int, blockFor: Int, writeType: CQLWriteType, message: String)
    /// Replicas did not answer a read in time (0x1200).
    case readTimeout(consistency: CQLConsistency, received: Int, blockFor: Int, dataPresent: Bool, message: String)
    case readFailure(consistency: CQLConsistency, received: Int, blockFor: Int, failures: Int, message: String)
    case writeFailure(consistency: CQLConsistency, received: Int, blockFor: Int, failures: Int, message: String)
    case functionFailure(keyspace: String, function: String, message: String)
    /// The coordinator refused the request because it is overloaded (0x1001).
    case overloaded(message: String)
    case isBootstrapping(message: String)
    case truncateError(message: String)
    /// 0x0000: a bug or an unexpected failure in the server.
    case serverError(message: String)
    /// 0x000A: the server could not parse what the client sent.
    case protocolError(message: String)
    case badCredentials(message: String)
    case unauthorized(message: String)
    /// 0x2000, with the server's position in the message.
    case syntaxError(message: String)
    /// 0x2200: the statement is well-formed but not valid (unknown table, wrong value type, ...).
    case invalid(message: String)
    case configError(message: String)
    /// 0x2400; `table` is empty when the keyspace exists.
    case alreadyExists(keyspace: String, table: String, message: String)
    case unprepared(id: [UInt8], message: String)
    /// An error code this client does not know.
    case unknownServerError(code: Int32, message: String)

    // MARK: Errors on the client's side

    /// The connection to `host` failed or closed. For a request that had been sent, its outcome
    /// is unknown: a write may have been applied.
    case connectionError(host: String, message: String)
    /// No answer from `host` within the request timeout; the outcome is unknown.
    case requestTimeout(host: String, timeout: Duration)
    /// No host could take the request before its deadline (all down, or none reachable).
    case noHostAvailable(message: String)
    /// A bound value does not fit its marker's type, or the values do not match the markers.
    case invalidValue(message: String)
    /// A typed getter or `Decodable` row asked for something the row does not hold.
    case decoding(message: String)
    /// The server answered with a message this request does not expect.
    case unexpectedResponse(message: String)
    /// The client was closed.
    case clientClosed

    /// Builds the error the server described in an ERROR response.
    init(_ error: CQLErrorMessage) {
        let message = error.message
        switch error.kind {
        case .unavailable(let consistency, let required, let alive):
            self = .unavailable(consistency: consistency, required: Int(required), alive: Int(alive), message: message)
        case .writeTimeout(let consistency, let received, let blockFor, let writeType):
            self = .writeTimeout(
                consistency: consistency, received: Int(received), blockFor: Int(blockFor), writeType: writeType,
                message: message)
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent):
            self = .readTimeout(
                consistency: consistency, received: Int(received), blockFor: Int(blockFor), dataPresent: dataPresent,
                message: message)
        case .readFailure(let consistency, let received, let blockFor, let failures, _):
            self = .readFailure(
                consistency: consistency, received: Int(received), blockFor: Int(blockFor), failures: Int(failures),
                message: message)
        case .writeFailure(let consistency, let received, let blockFor, let failures, _):
            self = .writeFailure(
                consistency: consistency, received: Int(received), blockFor: Int(blockFor), failures: Int(failures),
                message: message)
        case .functionFailure(let keyspace, let function, _):
            self = .functionFailure(keyspace: keyspace, function: function, message: message)
        case .overloaded: self = .overloaded(message: message)
        case .isBootstrapping: self = .isBootstrapping(message: message)
        case .truncateError: self = .truncateError(message: message)
        case .serverError: self = .serverError(message: message)
        case .protocolError: self = .protocolError(message: message)
        case .badCredentials: self = .badCredentials(message: message)
        case .unauthorized: self = .unauthorized(message: message)
        case .syntaxError: self = .syntaxError(message: message)
        case .invalid: self = .invalid(message: message)
        case .configError: self = .configError(message: message)
        case .alreadyExists(let keyspace, let table):
            self = .alreadyExists(keyspace: keyspace, table: table, message: message)
        case .unprepared(let id): self = .unprepared(id: id, message: message)
        case .unknown(let code): self = .unknownServerError(code: code, message: message)
        }
    }

    /// True for the errors that mean "no answer in time": the client's own timeout and the
    /// server's read and write timeouts.
    public var isTimeout: Bool {
        switch self {
        case .requestTimeout, .readTimeout, .writeTimeout: true
        default: false
        }
    }

    /// True when a write that failed this way may nevertheless have been applied, so a checker must
    /// accept it being present or absent.
    public var outcomeIsUnknown: Bool {
        switch self {
        case .requestTimeout, .writeTimeout, .connectionError, .writeFailure, .serverError: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unavailable(let consistency, let required, let alive, let message):
            "Unavailable at \(consistency): \(alive) of \(required) required replicas alive (\(message))"
        case .writeTimeout(let consistency, let received, let blockFor, let writeType, let message):
            "Write timeout at \(consistency) (\(writeType.rawValue)): \(received) of \(blockFor) acknowledged (\(message))"
        case .readTimeout(let consistency, let received, let blockFor, let dataPresent, let message):
            "Read timeout at \(consistency): \(received) of \(blockFor) responded, data \(dataPresent ? "" : "not ")present (\(message))"
        case .readFailure(let consistency, let received, let blockFor, let failures, let message):
            "Read failure at \(consistency): \(received) of \(blockFor) responded, \(failures) failed (\(message))"
        case .writeFailure(let consistency, let received, let blockFor, let failures, let message):
            "Write failure at \(consistency): \(received) of \(blockFor) acknowledged, \(failures) failed (\(message))"
        case .functionFailure(let keyspace, let function, let message): "Function \(keyspace).\(function) failed: \(message)"
        case .overloaded(let message): "Overloaded: \(message)"
        case .isBootstrapping(let message): "Bootstrapping: \(message)"
        case .truncateError(let message): "Truncate error: \(message)"
        case .serverError(let message): "Server error: \(message)"
        case .protocolError(let message): "Protocol error: \(message)"
        case .badCredentials(let message): "Bad credentials: \(message)"
        case .unauthorized(let message): "Unauthorized: \(message)"
        case .syntaxError(let message): "Syntax error: \(message)"
        case .invalid(let message): "Invalid request: \(message)"
        case .configError(let message): "Configuration error: \(message)"
        case .alreadyExists(_, _, let message): "Already exists: \(message)"
        case .unprepared(_, let message): "Unprepared: \(message)"
        case .unknownServerError(let code, let message): "Error 0x\(String(code, radix: 16)): \(message)"
        case .connectionError(let host, let message): "Connection to \(host) failed: \(message)"
        case .requestTimeout(let host, let timeout): "No response from \(host) within \(timeout)"
        case .noHostAvailable(let message): "No host available: \(message)"
        case .invalidValue(let message): "Invalid value: \(message)"
        case .decoding(let message): "Cannot decode: \(message)"
        case .unexpectedResponse(let message): "Unexpected response: \(message)"
        case .clientClosed: "The client is closed"
        }
    }
}
