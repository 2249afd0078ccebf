import NIOCore

/// `[consistency]` (spec §3): a [short] code on the wire.
public enum CQLConsistency: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case any = 0x0000
    case one = 0x0001
    case two = 0x0002
    case three = 0x0003
    case quorum = 0x0004
    case all = 0x0005
    case localQuorum = 0x0006
    case eachQuorum = 0x0007
    case serial = 0x0008
    case localSerial = 0x0009
    case localOne = 0x000A

    /// The name Cassandra uses in messages and cqlsh's `CONSISTENCY` command.
    public var name: String {
        switch self {
        case .any: "ANY"
        case .one: "ONE"
        case .two: "TWO"
        case .three: "THREE"
        case .quorum: "QUORUM"
        case .all: "ALL"
        case .localQuorum: "LOCAL_QUORUM"
        case .eachQuorum: "EACH_QUORUM"
        case .serial: "SERIAL"
        case .localSerial: "LOCAL_SERIAL"
        case .localOne: "LOCAL_ONE"
        }
    }

    /// Parses a name case-insensitively, as cqlsh's `CONSISTENCY quorum` allows.
    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
        self = level
    }

    public var isSerial: Bool { self == .serial || self == .localSerial }

    public var description: String { name }
}

extension ByteBuffer {
    mutating func readCQLConsistency() throws -> CQLConsistency {
        let code = try readCQLShort()
        guard let level = CQLConsistency(rawValue: code) else { throw CQLProtocolError.unknownConsistency(code) }
        return level
    }

    @discardableResult
    mutating func writeCQLConsistency(_ level: CQLConsistency) -> Int {
        writeInteger(level.rawValue)
    }
}
