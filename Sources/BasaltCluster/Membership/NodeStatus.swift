/// The STATUS application state: where a node is in its life in the ring, with its tokens.
///
/// Text form: the state name and the tokens, comma-separated: `NORMAL,-9000,12,7000`. Carrying the
/// tokens in STATUS itself means a peer never sees a status without the tokens it refers to (in
/// Cassandra STATUS and TOKENS are separate states and must be applied together). The TOKENS state
/// carries the same list without the name, as `system.peers.tokens` needs.
public enum NodeStatus: Hashable, Sendable, CustomStringConvertible {
    /// Joining: streaming data for its future ranges, not yet serving reads (BOOT).
    case bootstrapping(tokens: [Int64])
    /// A full member owning its tokens (NORMAL).
    case normal(tokens: [Int64])
    /// Decommissioning: handing its ranges over (LEAVING).
    case leaving(tokens: [Int64])
    /// Gone: peers drop it after the quarantine delay (LEFT).
    case left(tokens: [Int64])
    /// Stopped on purpose (SIGTERM, drain): still the owner of its tokens, but down at once for
    /// every peer that hears it, instead of after the failure detector's ~20 s (SHUTDOWN). A
    /// restart, with its new generation, announces NORMAL again.
    case shutdown(tokens: [Int64])
    /// A dead node being removed (`removenode`): still in the ring, so its ranges keep their other
    /// replicas, while the nodes taking its ranges over stream them from the survivors. Set on the
    /// dead node's behalf by the node running the removal (REMOVING); LEFT follows.
    case removing(tokens: [Int64])

    public var tokens: [Int64] {
        switch self {
        case let .bootstrapping(tokens), let .normal(tokens), let .leaving(tokens), let .left(tokens), let .shutdown(tokens),
             let .removing(tokens): tokens
        }
    }

    public var name: String {
        switch self {
        case .bootstrapping: "BOOT"
        case .normal: "NORMAL"
        case .leaving: "LEAVING"
        case .left: "LEFT"
        case .shutdown: "SHUTDOWN"
        case .removing: "REMOVING"
        }
    }

    /// The STATUS value.
    public var description: String { ([name] + tokens.map(String.init)).joined(separator: ",") }

    /// Parses a STATUS value; nil if the name is unknown or a token is not a decimal Int64.
    public init?(_ text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard let name = parts.first, let tokens = NodeStatus.parseTokens(parts.dropFirst()) else { return nil }
        switch name {
        case "BOOT": self = .bootstrapping(tokens: tokens)
        case "NORMAL": self = .normal(tokens: tokens)
        case "LEAVING": self = .leaving(tokens: tokens)
        case "LEFT": self = .left(tokens: tokens)
        case "SHUTDOWN": self = .shutdown(tokens: tokens)
        case "REMOVING": self = .removing(tokens: tokens)
        default: return nil
        }
    }

    /// The TOKENS value: the tokens, comma-separated.
    public static func tokensValue(_ tokens: [Int64]) -> String { tokens.map(String.init).joined(separator: ",") }

    /// Parses a TOKENS value; nil if a token is not a decimal Int64.
    public static func tokens(fromValue text: String) -> [Int64]? {
        text.isEmpty ? [] : parseTokens(text.split(separator: ",", omittingEmptySubsequences: false)[...])
    }

    private static func parseTokens(_ parts: ArraySlice<Substring>) -> [Int64]? {
        var tokens: [Int64] = []
        for part in parts {
            guard let token = Int64(part) else { return nil }
            tokens.append(token)
        }
        return tokens
    }
}
