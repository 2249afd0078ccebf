import Foundation

/// What a node keeps about itself across restarts: its host id (chosen at the first start), its
/// tokens (chosen when it first joins the ring) and whether it still has to stream the data of
/// those tokens, in `<data>/node-identity`. A node whose id or tokens changed after a restart would
/// look like a different node to its peers and the drivers.
public struct NodeIdentityFile: Equatable, Sendable {
    public var hostID: UUID
    /// Empty until the node has joined the ring.
    public var tokens: [Int64]
    /// Set from the moment the tokens are chosen until every range they bring is streamed in: a
    /// node killed while bootstrapping starts over (BOOT, streaming everything again) instead of
    /// announcing NORMAL with half its data. Written as `bootstrap=pending` only while set.
    public var bootstrapPending = false
    /// Set once the node has decommissioned: its data is no longer its to serve, so it refuses to
    /// start on this directory again. Written as `decommissioned=true` only while set.
    public var decommissioned = false

    static let fileName = "node-identity"

    /// Reads the file, or creates it with a new host id and no tokens.
    public static func loadOrCreate(directory: String) throws -> NodeIdentityFile {
        let path = directory + "/" + fileName
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            return try parse(text, path: path)
        }
        let identity = NodeIdentityFile(hostID: UUID(), tokens: [])
        try identity.save(directory: directory)
        return identity
    }

    /// Writes the file atomically (temporary file and rename), so a crash leaves the old or the
    /// new identity, never half of one.
    public func save(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try text.write(toFile: directory + "/" + Self.fileName, atomically: true, encoding: .utf8)
    }

    var text: String {
        "host_id=\(hostID.uuidString.lowercased())\ntokens=\(tokens.map(String.init).joined(separator: ","))\n"
            + (bootstrapPending ? "bootstrap=pending\n" : "") + (decommissioned ? "decommissioned=true\n" : "")
    }

    public struct Malformed: Error, CustomStringConvertible {
        let path: String
        let line: String
        public var description: String { "\(path): cannot read node identity line '\(line)'" }
    }

    static func parse(_ text: String, path: String) throws -> NodeIdentityFile {
        var hostID: UUID?
        var tokens: [Int64] = []
        var bootstrapPending = false
        var decommissioned = false
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw Malformed(path: path, line: String(line)) }
            switch parts[0] {
            case "host_id": hostID = UUID(uuidString: parts[1])
            case "tokens":
                let fields = parts[1].split(separator: ",")
                tokens = fields.compactMap { Int64($0) }
                guard tokens.count == fields.count else { throw Malformed(path: path, line: String(line)) }
            case "bootstrap":
                guard parts[1] == "pending" else { throw Malformed(path: path, line: String(line)) }
                bootstrapPending = true
            case "decommissioned":
                guard parts[1] == "true" else { throw Malformed(path: path, line: String(line)) }
                decommissioned = true
            default: throw Malformed(path: path, line: String(line))
            }
        }
        guard let hostID else { throw Malformed(path: path, line: "(host_id required)") }
        var identity = NodeIdentityFile(hostID: hostID, tokens: tokens)
        identity.bootstrapPending = bootstrapPending
        identity.decommissioned = decommissioned
        return identity
    }
}
