/// A refusal of an admin command, answered as `{"error": "..."}` with the HTTP status below; the
/// CLI prints the message and exits non-zero.
public enum AdminError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Arguments the command cannot use (400).
    case badRequest(String)
    /// A keyspace, table, snapshot or route that does not exist (404).
    case notFound(String)
    /// A known path asked with the wrong method (405).
    case wrongMethod(path: String, allowed: String)
    /// The command cannot run now: another repair is running, the node is stopping (409).
    case conflict(String)
    /// The command ran and failed (500).
    case failed(String)

    public var status: Int {
        switch self {
        case .badRequest: 400
        case .notFound: 404
        case .wrongMethod: 405
        case .conflict: 409
        case .failed: 500
        }
    }

    public var description: String {
        switch self {
        case .badRequest(let message), .notFound(let message), .conflict(let message), .failed(let message): message
        case .wrongMethod(let path, let allowed): "\(path) takes \(allowed)"
        }
    }
}

/// The body of every refusal.
public struct AdminErrorReport: Codable, Hashable, Sendable {
    public var error: String

    public init(error: String) { self.error = error }
}
