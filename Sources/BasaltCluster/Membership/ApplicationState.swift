/// The name of one piece of a node's gossiped state (Cassandra's `ApplicationState`).
///
/// A number on the wire. DO NOT CHANGE the numbers below: they are in every gossip message. A key
/// this version does not know is kept and passed on unchanged, so a newer node's state survives
/// a trip through an older one.
public struct ApplicationStateKey: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `NodeStatus` text: BOOT / NORMAL / LEAVING / LEFT with the node's tokens.
    public static let status = ApplicationStateKey(rawValue: 0)
    /// The node's tokens, comma-separated decimals (what `system.peers.tokens` shows).
    public static let tokens = ApplicationStateKey(rawValue: 1)
    public static let dataCenter = ApplicationStateKey(rawValue: 2)
    public static let rack = ApplicationStateKey(rawValue: 3)
    /// The node's host id (a UUID that survives restarts and address changes).
    public static let hostID = ApplicationStateKey(rawValue: 4)
    /// `host:port` of the node's CQL native-protocol server.
    public static let nativeAddress = ApplicationStateKey(rawValue: 5)
    /// The node's schema version (a UUID); nodes that agree on it have the same schema.
    public static let schema = ApplicationStateKey(rawValue: 6)
    /// `MAJOR.MINOR.PATCH`, as `system.local.release_version`.
    public static let releaseVersion = ApplicationStateKey(rawValue: 7)
    /// Bytes of data on disk, as a decimal.
    public static let load = ApplicationStateKey(rawValue: 8)

    public static func < (lhs: ApplicationStateKey, rhs: ApplicationStateKey) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .status: "STATUS"
        case .tokens: "TOKENS"
        case .dataCenter: "DC"
        case .rack: "RACK"
        case .hostID: "HOST_ID"
        case .nativeAddress: "NATIVE_ADDRESS"
        case .schema: "SCHEMA"
        case .releaseVersion: "RELEASE_VERSION"
        case .load: "LOAD"
        default: "APPLICATION_STATE_\(rawValue)"
        }
    }
}

/// A value of application state with the version the owning node gave it. Versions come from one
/// counter per node process (shared with its heartbeat), so within a generation a higher version
/// is always the newer value.
public struct VersionedValue: Hashable, Sendable, CustomStringConvertible {
    public var value: String
    public var version: Int64

    public init(_ value: String, version: Int64) {
        precondition(version >= 0, "negative version \(version)")
        self.value = value
        self.version = version
    }

    public var description: String { "\(value)@\(version)" }
}
