/// Why an acceptor refused a connection, as the connecting node reports it.
public enum InternodeHandshakeRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The nodes belong to different clusters: joining them would mix two rings' data.
    case clusterNameMismatch(offered: String, accepted: String)
    /// The two version ranges do not overlap.
    case versionMismatch(offered: ClosedRange<UInt8>, accepted: ClosedRange<UInt8>)

    public var description: String {
        switch self {
        case .clusterNameMismatch(let offered, let accepted):
            "cluster name mismatch: we are in '\(offered)', the peer is in '\(accepted)'"
        case .versionMismatch(let offered, let accepted):
            "no common protocol version: we speak \(offered.lowerBound)...\(offered.upperBound), "
                + "the peer \(accepted.lowerBound)...\(accepted.upperBound)"
        }
    }
}
