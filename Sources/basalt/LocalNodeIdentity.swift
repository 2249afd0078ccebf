import BasaltCore
import Foundation

/// What a node keeps about itself across restarts: its host id and its tokens. Chosen once, at the
/// first start, and stored in `<data>/node-identity` — a node that changed either after a restart
/// would look like a different node to the drivers (and, later, to the ring).
struct LocalNodeIdentity: Equatable {
    var hostID: UUID
    var tokens: [Int64]

    static let fileName = "node-identity"

    static func loadOrCreate(directory: String, tokenCount: Int) throws -> LocalNodeIdentity {
        let path = directory + "/" + fileName
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try parse(text, path: path)
        }
        var random = SystemRandomNumberGenerator()
        // Random tokens, as Cassandra assigns without a token allocation algorithm; the cluster
        // issue replaces this with balanced allocation.
        let tokens = (0..<max(1, tokenCount)).map { _ in Int64.random(in: (Int64.min + 1)...Int64.max, using: &random) }.sorted()
        let identity = LocalNodeIdentity(hostID: UUID(), tokens: tokens)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try identity.text.write(toFile: path, atomically: true, encoding: .utf8)
        return identity
    }

    var text: String { "host_id=\(hostID.uuidString.lowercased())\ntokens=\(tokens.map(String.init).joined(separator: ","))\n" }

    struct Malformed: Error, CustomStringConvertible {
        let path: String
        let line: String
        var description: String { "\(path): cannot read node identity line '\(line)'" }
    }

    static func parse(_ text: String, path: String) throws -> LocalNodeIdentity {
        var hostID: UUID?
        var tokens: [Int64]?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw Malformed(path: path, line: String(line)) }
            switch parts[0] {
            case "host_id": hostID = UUID(uuidString: parts[1])
            case "tokens": tokens = parts[1].split(separator: ",").compactMap { Int64($0) }
            default: throw Malformed(path: path, line: String(line))
            }
        }
        guard let hostID, let tokens, !tokens.isEmpty else { throw Malformed(path: path, line: "(host_id and tokens required)") }
        return LocalNodeIdentity(hostID: hostID, tokens: tokens)
    }
}
