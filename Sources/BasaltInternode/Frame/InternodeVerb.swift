/// What a message asks the receiving node to do: the 2-byte verb of every frame.
///
/// A response reuses its request's verb (with the response flag), so there is no separate
/// "mutation response" number: MUTATION with the response flag is the acknowledgement. Numbers are
/// grouped by subsystem with room to grow; the ranges below are reserved so that later modules add
/// verbs without renumbering. DO NOT CHANGE a number once released: peers of other versions rely on
/// it. A number this build does not know is still carried (`InternodeFrame.verbCode`) and answered
/// with `InternodeErrorCode.unknownVerb`, so a newer peer learns that this node lacks the verb.
public enum InternodeVerb: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// HELLO and its answer, the first exchange on every connection (`InternodeHello`).
    case handshake = 0x0001
    /// Answered by the messenger itself with the request's payload: a liveness probe that needs no
    /// handler, and what `basalt bench internode` measures.
    case echo = 0x0002

    /// Gossip round, first message: the sender's digests.
    case gossipSyn = 0x0010
    /// Gossip round, second message: states the sender of SYN lacks, digests it should send.
    case gossipAck = 0x0011
    /// Gossip round, third message: the states asked for in ACK.
    case gossipAck2 = 0x0012

    /// Apply a mutation; the response is the replica's acknowledgement.
    case mutation = 0x0020

    /// Read and return the data of a single-partition read.
    case readData = 0x0030
    /// Read and return only a digest of the result (the coordinator compares digests).
    case readDigest = 0x0031
    /// Read a token range (scans, paging across partitions).
    case rangeRead = 0x0032

    /// A hinted mutation replayed to a replica that was down when it was written.
    case hint = 0x0040

    /// Ask a node for its schema (when gossip shows a different schema version).
    case schemaPull = 0x0050
    /// Send the local schema to a node.
    case schemaPush = 0x0051

    /// Drop all data of a table on the replica.
    case truncate = 0x0060

    /// Anti-entropy repair: build and answer the hash tree of a table's token range
    /// (`RepairTreeRequest`); the rows that differ then travel as MUTATION and RANGE_READ.
    case repairTree = 0x0200
    /// One chunk of a token range's partitions from a source (bootstrap, decommission, removenode,
    /// replace all pull data with it).
    case streamRead = 0x0100
    /// Ask a node to pull ranges from given sources and answer when they are stored (a leaving
    /// node, or the node running a removal, hands ranges to their new owners with it).
    case streamFetch = 0x0101

    /// Reserved for streaming (bootstrap, decommission, rebuild): 0x0100 ... 0x01FF.
    public static let streamingRange: ClosedRange<UInt16> = 0x0100...0x01FF
    /// Reserved for anti-entropy repair (merkle trees, sync): 0x0200 ... 0x02FF.
    public static let repairRange: ClosedRange<UInt16> = 0x0200...0x02FF

    /// Small, latency-critical messages go on their own connection so that a queue of large
    /// mutations or read responses never delays a heartbeat: a late heartbeat makes the failure
    /// detector convict a healthy node.
    public var isUrgent: Bool {
        switch self {
        case .handshake, .echo, .gossipSyn, .gossipAck, .gossipAck2: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .handshake: "HANDSHAKE"
        case .echo: "ECHO"
        case .gossipSyn: "GOSSIP_SYN"
        case .gossipAck: "GOSSIP_ACK"
        case .gossipAck2: "GOSSIP_ACK2"
        case .mutation: "MUTATION"
        case .readData: "READ_DATA"
        case .readDigest: "READ_DIGEST"
        case .rangeRead: "RANGE_READ"
        case .hint: "HINT"
        case .schemaPull: "SCHEMA_PULL"
        case .schemaPush: "SCHEMA_PUSH"
        case .truncate: "TRUNCATE"
        case .repairTree: "REPAIR_TREE"
        case .streamRead: "STREAM_READ"
        case .streamFetch: "STREAM_FETCH"
        }
    }
}
