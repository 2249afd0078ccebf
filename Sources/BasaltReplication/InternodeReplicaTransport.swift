import BasaltCore
import BasaltInternode

/// The coordinator's requests over the internode messenger: each replica verb is its internode
/// verb, and transport failures become the two kinds the coordinator tells apart (a timeout leaves
/// the outcome unknown; anything else is a failure of that replica).
public struct InternodeReplicaTransport: ReplicaTransport {
    let messenger: InternodeMessenger

    public init(messenger: InternodeMessenger) { self.messenger = messenger }

    public func request(_ verb: ReplicaVerb, payload: [UInt8], to node: NodeAddress, timeout: Duration) async throws -> [UInt8] {
        do {
            return try await messenger.request(Self.verb(verb), payload: payload, to: node, timeout: timeout)
        } catch InternodeError.timeout {
            throw ReplicaRequestError.timedOut
        } catch let error as InternodeError {
            throw ReplicaRequestError.failed("\(error)")
        }
    }

    static func verb(_ verb: ReplicaVerb) -> InternodeVerb {
        switch verb {
        case .mutation: .mutation
        case .hint: .hint
        case .readData: .readData
        case .readDigest: .readDigest
        case .rangeRead: .rangeRead
        case .truncate: .truncate
        case .schemaPull: .schemaPull
        case .schemaPush: .schemaPush
        case .repairTree: .repairTree
        }
    }
}
