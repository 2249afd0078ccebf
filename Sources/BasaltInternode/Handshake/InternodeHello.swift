import BasaltCore

/// The first message on every connection, from the node that opened it (layout in
/// `docs/formats/internode.md`):
///
///     minimum version u8 | maximum version u8 | host id 16 bytes | listen port u16 |
///     listen host length u16 | listen host (UTF-8) | cluster name length u16 | cluster name (UTF-8)
///
/// It is framed as a version-1 request with verb HANDSHAKE and request id 0, whatever versions it
/// offers (`InternodeProtocol.handshakeFrameVersion`).
public struct InternodeHello: Hashable, Sendable {
    /// Cassandra allows long cluster names; 1 KiB is far above any real one and still bounds what
    /// a stranger's HELLO can make the acceptor allocate.
    public static let maximumClusterNameBytes = 1024
    /// A DNS name is at most 253 bytes.
    public static let maximumHostBytes = 255

    public var supportedVersions: ClosedRange<UInt8>
    public var clusterName: String
    /// Where the sender accepts connections: the name its requests are known by on this connection.
    public var listenAddress: NodeAddress
    public var hostID: InternodeHostID

    public init(
        supportedVersions: ClosedRange<UInt8>, clusterName: String, listenAddress: NodeAddress,
        hostID: InternodeHostID
    ) {
        self.supportedVersions = supportedVersions
        self.clusterName = clusterName
        self.listenAddress = listenAddress
        self.hostID = hostID
    }

    public func encoded() -> [UInt8] {
        // The local configuration was validated at start-up (`InternodeMessengerConfiguration`),
        // so the lengths and the port fit their fields.
        let host = Array(listenAddress.host.utf8)
        let name = Array(clusterName.utf8)
        var writer = ByteWriter(capacity: 24 + host.count + name.count)
        writer.write(supportedVersions.lowerBound)
        writer.write(supportedVersions.upperBound)
        writer.write(contentsOf: hostID.bytes)
        writer.write(bigEndian: UInt16(truncatingIfNeeded: listenAddress.port))
        writer.write(bigEndian: UInt16(truncatingIfNeeded: host.count))
        writer.write(contentsOf: host)
        writer.write(bigEndian: UInt16(truncatingIfNeeded: name.count))
        writer.write(contentsOf: name)
        return writer.bytes
    }

    public init(decoding payload: [UInt8]) throws(DecodeError) {
        var reader = ByteReader(payload)
        let minimum = try reader.readByte("minimum version")
        let maximum = try reader.readByte("maximum version")
        guard minimum <= maximum else {
            throw .malformed(what: "version range \(minimum)...\(maximum) is empty", offset: 0)
        }
        let hostID = try reader.readHostID()
        let port = try reader.read(UInt16.self, "listen port")
        guard port != 0 else { throw .malformed(what: "listen port 0", offset: 18) }
        let host = try reader.readShortString(limit: Self.maximumHostBytes, "listen host")
        guard !host.isEmpty else { throw .malformed(what: "empty listen host", offset: 20) }
        let name = try reader.readShortString(limit: Self.maximumClusterNameBytes, "cluster name")
        try reader.expectEnd("HELLO")
        self.init(
            supportedVersions: minimum...maximum, clusterName: name,
            listenAddress: NodeAddress(host: host, port: Int(port)), hostID: hostID)
    }
}
