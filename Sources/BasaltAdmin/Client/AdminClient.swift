import BasaltTLS
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `basalt admin`'s side of the endpoint: one HTTP request per call, the answer's status and JSON
/// body back. Refusals come back as `AdminClientError.refused` with the node's message.
public struct AdminClient: Sendable {
    public var host: String
    public var port: Int
    /// How long to wait for an answer; repair waits for the whole repair, so the CLI gives it none.
    public var timeout: Duration?
    /// A superuser's name and password, sent as HTTP Basic (nodes with PasswordAuthenticator).
    public var credentials: (username: String, password: String)?
    /// HTTPS, for nodes with `admin_encryption_options`.
    public var tls: ClientTLS?

    public static let defaultPort = 7199
    /// Answers larger than this are refused: no report comes near it (a gossipinfo of a few hundred nodes is ~1 MiB).
    public static let maximumAnswerBytes = 64 << 20

    public init(host: String, port: Int, timeout: Duration? = .seconds(60),
                credentials: (username: String, password: String)? = nil, tls: ClientTLS? = nil) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.credentials = credentials
        self.tls = tls
    }

    /// Calls `method path?arguments`: the answer's body as it came (the caller decodes the report,
    /// or prints it for `--json`), after checking its status.
    public func raw(_ method: AdminRoute.Method, _ path: String, _ arguments: [(String, String?)] = []) async throws -> [UInt8] {
        let query = arguments.compactMap { name, value in value.map { "\(name)=\(Self.escape($0))" } }.joined(separator: "&")
        let uri = query.isEmpty ? path : path + "?" + query
        let (status, body) = try await send(method, uri)
        guard status == 200 else {
            let message = (try? AdminJSON.decoder.decode(AdminErrorReport.self, from: Data(body)))?.error
                ?? String(decoding: body.prefix(500), as: UTF8.self)
            throw AdminClientError.refused(status: status, message: message)
        }
        return body
    }

    static func escape(_ value: String) -> String {
        var allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
        allowed.remove(UInt8(ascii: "+"))
        return value.utf8.map { allowed.contains($0) ? String(UnicodeScalar($0)) : "%" + hex($0) }.joined()
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    private func send(_ method: AdminRoute.Method, _ uri: String) async throws -> (Int, [UInt8]) {
        let group = MultiThreadedEventLoopGroup.singleton
        let answer = group.next().makePromise(of: (Int, [UInt8]).self)
        let (host, tls) = (self.host, self.tls)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(5))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try tls?.configure(channel.pipeline.syncOperations, host: host)
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(AnswerCollector(answer: answer))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            answer.fail(error)
            // NIO's connect error lists every attempt; the operator needs the cause.
            let text = "\(error)"
            let reason = ["Connection refused", "timed out", "No route to host", "Network is unreachable"]
                .first { text.localizedCaseInsensitiveContains($0) }?.lowercased() ?? text
            throw AdminClientError.unreachable(host: host, port: port, reason: reason)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        if let credentials {
            headers.add(name: "Authorization", value: BasicCredentials(username: credentials.username, password: credentials.password).header)
        }
        let head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method.rawValue), uri: uri, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        if let timeout {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            channel.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) {
                answer.fail(AdminClientError.timedOut(host: host, port: port, after: timeout))
            }
        }
        defer { channel.close(promise: nil) }
        return try await answer.futureResult.get()
    }
}

/// Gathers the response's status and body; a connection closed before the end is a failure.
private final class AnswerCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let answer: EventLoopPromise<(Int, [UInt8])>
    private var status = 0
    private var body: [UInt8] = []

    init(answer: EventLoopPromise<(Int, [UInt8])>) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var chunk):
            body += chunk.readBytes(length: chunk.readableBytes) ?? []
            if body.count > AdminClient.maximumAnswerBytes {
                answer.fail(AdminClientError.answerTooLarge(limit: AdminClient.maximumAnswerBytes))
                context.close(promise: nil)
            }
        case .end: answer.succeed((status, body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(AdminClientError.closed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }
}

public enum AdminClientError: Error, Hashable, CustomStringConvertible {
    case unreachable(host: String, port: Int, reason: String)
    case timedOut(host: String, port: Int, after: Duration)
    case closed
    case refused(status: Int, message: String)
    case answerTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .unreachable(let host, let port, let reason):
            "cannot reach the admin endpoint of \(host):\(port) (\(reason)); is the node running, with admin_port \(port)?"
        case .timedOut(let host, let port, let after): "no answer from \(host):\(port) within \(after)"
        case .closed: "the node closed the connection before answering"
        case .refused(_, let message): message
        case .answerTooLarge(let limit): "the node's answer is over \(limit) bytes"
        }
    }
}
