import BasaltCore

/// The acceptor's reply to HELLO (layout in `docs/formats/internode.md`):
///
///     outcome u8 | chosen version u8 | acceptor's minimum version u8 | acceptor's maximum version u8 |
///     acceptor's host id 16 bytes | cluster name length u16 | acceptor's cluster name (UTF-8)
///
/// Framed as a version-1 response with verb HANDSHAKE and request id 0. The acceptor describes
/// itself in full even when it accepts, so that a refused node can log exactly what it met.
/// After a refusal the acceptor closes the connection.
public struct InternodeHelloAnswer: Hashable, Sendable {
    /// DO NOT CHANGE the numbers: they are on the wire.
    public enum Outcome: UInt8, Hashable, Sendable {
        case accepted = 0
        case versionMismatch = 1
        case clusterNameMismatch = 2
    }

    public var outcome: Outcome
    /// The version every later frame on the connection carries; 0 when refused.
    public var version: UInt8
    public var supportedVersions: ClosedRange<UInt8>
    public var hostID: InternodeHostID
    public var clusterName: String

    public init(
        outcome: Outcome, version: UInt8, supportedVersions: ClosedRange<UInt8>, hostID: InternodeHostID,
        clusterName: String
    ) {
        self.outcome = outcome
        self.version = version
        self.supportedVersions = supportedVersions
        self.hostID = hostID
        self.clusterName = clusterName
    }

    public func encoded() -> [UInt8] {
        let name = Array(clusterName.utf8)
        var writer = ByteWriter(capacity: 22 + name.count)
        writer.write(outcome.rawValue)
        writer.write(version)
        writer.write(supportedVersions.lowerBound)
        writer.write(supportedVersions.upperBound)
        writer.write(contentsOf: hostID.bytes)
        writer.write(bigEndian: UInt16(truncatingIfNeeded: name.count))
        writer.write(contentsOf: name)
        return writer.bytes
    }

    public init(decoding payload: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(payload)
        let rawOutcome = try reader.readByte("handshake outcome")
        guard let outcome = Outcome(rawValue: rawOutcome) else {
            throw .malformed(what: "unknown handshake outcome \(rawOutcome)", offset: 0)
        }
        let version = try reader.readByte("chosen version")
        let minimum = try reader.readByte("minimum version")
        let maximum = try reader.readByte("maximum version")
        guard minimum <= maximum else {
            throw .malformed(what: "version range \(minimum)...\(maximum) is empty", offset: 2)
        }
        let hostID = try reader.readHostID()
        let name = try reader.readShortString(limit: InternodeHello.maximumClusterNameBytes, "cluster name")
        try reader.expectEnd("HELLO answer")
        self.init(
            outcome: outcome, version: version, supportedVersions: minimum...maximum, hostID: hostID,
            clusterName: name)
    }
}
