/// The data center and rack a node declares (Cassandra's snitch output). NetworkTopologyStrategy
/// places replicas per data center and spreads them over racks, so both names must be non-empty
/// (the Python driver ignores a host with an empty data center or rack when it counts racks).
public struct NodeLocation: Hashable, Sendable, CustomStringConvertible {
    public var dataCenter: String
    public var rack: String

    public init(dataCenter: String, rack: String) {
        self.dataCenter = dataCenter
        self.rack = rack
    }

    public var description: String { "\(dataCenter)/\(rack)" }
}
