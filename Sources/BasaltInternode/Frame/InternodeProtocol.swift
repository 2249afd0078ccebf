import BasaltCore
/// Constants of the node-to-node protocol that both ends must agree on. The byte layout is in
/// `docs/formats/internode.md`; change nothing here without a new protocol version.
public enum InternodeProtocol {
    /// "BINT" (Basalt INTernode): the first 4 bytes of every frame. A connection from something
    /// that is not a Basalt node (a CQL driver on the wrong port, a port scanner) fails on its
    /// first bytes instead of being read as a length.
    public static let magic: [UInt8] = [0x42, 0x49, 0x4E, 0x54]

    /// The protocol versions this build speaks. The handshake picks the highest one both sides
    /// support; every frame after it carries that version.
    public static let supportedVersions: ClosedRange<UInt8> = 1...1

    /// HELLO and its answer are always framed as version 1, whatever versions the payload offers:
    /// a node must be able to read a newer peer's HELLO to tell it which versions it supports.
    /// DO NOT CHANGE: the header layout up to the version byte and the version-1 framing of the
    /// handshake are what lets any two releases negotiate.
    public static let handshakeFrameVersion: UInt8 = 1

    /// Cassandra's storage port, kept so that firewall rules and habits carry over.
    public static let defaultPort = NodeAddress.defaultPort

    /// The default largest payload a node accepts (and sends). Large enough for a big mutation
    /// batch or a read response page; bounding it caps what one frame can make a node allocate.
    public static let defaultMaximumPayloadBytes = 64 << 20
}
