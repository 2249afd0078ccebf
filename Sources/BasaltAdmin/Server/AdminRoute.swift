import Foundation

/// One admin command as the node serves it: an HTTP method and path, and what answers it.
///
/// Commands take their arguments from the query string (`/flush?keyspace=ks&table=t`), so a route
/// is matched on its exact path and arguments never need a path pattern language. GET reads
/// (status, ring, statistics); POST changes something (flush, snapshot, repair, drain).
public struct AdminRoute: Sendable {
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    public var path: String
    public var summary: String
    public var handler: @Sendable (AdminRequest) async throws -> AdminResponse

    public init(_ method: Method, _ path: String, _ summary: String,
                handler: @escaping @Sendable (AdminRequest) async throws -> AdminResponse) {
        self.method = method
        self.path = path
        self.summary = summary
        self.handler = handler
    }
}

/// A request as a route sees it: the method, the path without its query, and the query arguments.
public struct AdminRequest: Sendable, Hashable {
    public var method: String
    public var path: String
    public var arguments: [String: String]

    public init(method: String, path: String, arguments: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.arguments = arguments
    }

    /// Splits `/path?a=1&b=x%20y` into the path and its percent-decoded arguments. A malformed
    /// escape or an argument given twice is refused: guessing what an operator meant could flush
    /// or repair the wrong table.
    public init(method: String, uri: String) throws {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.method = method
        path = String(parts[0])
        arguments = [:]
        guard parts.count == 2, !parts[1].isEmpty else { return }
        for pair in parts[1].split(separator: "&") {
            let field = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let plain = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = plain(field[0]), !name.isEmpty, let value = field.count == 2 ? plain(field[1]) : "" else {
                throw AdminError.badRequest("malformed query argument \(String(pair).debugDescription)")
            }
            guard arguments.updateValue(value, forKey: name) == nil else {
                throw AdminError.badRequest("query argument \(name) given twice")
            }
        }
    }

    /// The argument, or nil when absent or empty (`?keyspace=` means no keyspace).
    public func argument(_ name: String) -> String? {
        guard let value = arguments[name], !value.isEmpty else { return nil }
        return value
    }
}

/// What a route answers: a status code and a JSON body, and optionally work to start once the
/// answer has been written (drain stops the node, which closes this endpoint too).
public struct AdminResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    /// JSON for the admin commands; the metrics endpoint answers in Prometheus's text format.
    public var contentType = "application/json"
    public var afterWrite: (@Sendable () -> Void)?
    /// Sent besides Content-Type, Content-Length and Connection (a 401's challenge).
    public var headers: [String: String] = [:]

    public init(status: Int = 200, body: [UInt8], contentType: String = "application/json",
                afterWrite: (@Sendable () -> Void)? = nil) {
        self.status = status
        self.body = body
        self.contentType = contentType
        self.afterWrite = afterWrite
    }

    /// A report as JSON (keys sorted, so answers are stable for scripts and golden tests).
    public static func json<Report: Encodable>(_ report: Report, status: Int = 200) throws -> AdminResponse {
        AdminResponse(status: status, body: Array(try AdminJSON.encoder.encode(report)))
    }
}

/// The one JSON configuration both ends use.
public enum AdminJSON {
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return encoder
    }

    public static var decoder: JSONDecoder { JSONDecoder() }
}
