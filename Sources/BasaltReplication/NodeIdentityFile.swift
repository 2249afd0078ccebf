import BasaltFileSystem
import Foundation

/// What a node keeps about itself across restarts: its host id (chosen at the first start), its
/// tokens (chosen when it first joins the ring) and whether it still has to stream the data of
/// those tokens, in `<data>/node-identity`. A node whose id or tokens changed after a restart would
/// look like a different node to its peers and the drivers. Read and written through the
/// `FileSystem` seam, like every other file of the data directory, so a simulated disk holds it too.
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

    /// Reads the file, or creates it with a new host id (`newHostID`) and no tokens.
    public static func loadOrCreate(directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                                    newHostID: () -> UUID = UUID.init) throws -> NodeIdentityFile {
        let path = directory + "/" + fileName
        if fileSystem.kind(of: path) == .file {
            // A few lines; anything much larger is not this file.
            let bytes = try fileSystem.readFile(path, limit: 1 << 20)
            return try parse(String(decoding: bytes, as: UTF8.self), path: path)
        }
        let identity = NodeIdentityFile(hostID: newHostID(), tokens: [])
        try identity.save(directory: directory, fileSystem: fileSystem)
        return identity
    }

    /// Writes the file atomically (temporary file, fsync, rename, directory fsync), so a crash
    /// leaves the old or the new identity, never half of one.
    public func save(directory: String, fileSystem: any FileSystem = PosixFileSystem()) throws {
        try fileSystem.makeDirectories(directory)
        try fileSystem.writeAtomically(Array(text.utf8), to: directory + "/" + Self.fileName, directory: directory)
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
