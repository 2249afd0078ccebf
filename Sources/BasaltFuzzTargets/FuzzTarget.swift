/// The decoders that read bytes from the network or the disk, each as a function of arbitrary bytes
/// that must return (or throw a decode error) and never crash, hang or grow without bound. The same
/// functions run under libFuzzer (`scripts/fuzz`, the `basalt-fuzz` executable built with
/// `-sanitize=fuzzer`) and over the checked-in corpus in the Swift tests.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Native-protocol frames (plain and lz4) and the request and response bodies inside them.
    case cqlFrame = "cql-frame"
    /// CQL statements and scripts.
    case cqlParser = "cql-parser"
    /// Internode frames, the handshake, gossip and the replica messages.
    case internode
    /// Commit-log replay of a segment file.
    case commitLog = "commitlog"
    /// An SSTable with one of its components replaced.
    case sstable

    public func run(_ bytes: [UInt8]) {
        switch self {
        case .cqlFrame: CQLFrameTarget.run(bytes)
        case .cqlParser: CQLParserTarget.run(bytes)
        case .internode: InternodeTarget.run(bytes)
        case .commitLog: CommitLogTarget.run(bytes)
        case .sstable: SSTableTarget.run(bytes)
        }
    }

    /// Valid inputs made with the real encoders, for the corpus the fuzzer starts from.
    public func seeds() throws -> [[UInt8]] {
        switch self {
        case .cqlFrame: CQLFrameTarget.seeds()
        case .cqlParser: CQLParserTarget.seeds()
        case .internode: InternodeTarget.seeds()
        case .commitLog: try CommitLogTarget.seeds()
        case .sstable: try SSTableTarget.seeds()
        }
    }
}
