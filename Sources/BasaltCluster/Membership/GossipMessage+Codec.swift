import BasaltCore

/// The binary form of gossip messages (docs/formats/gossip.md), carried as the payload of an
/// internode frame that has its own length, version and checksum.
///
/// Encoding is canonical: endpoints are written in address order and application states in key
/// order, so equal messages have equal bytes. Decoding accepts any order but rejects duplicates,
/// trailing bytes, malformed UTF-8, versions above Int64.max and every length or count above the
/// limits below, with an error that says what was seen where: these bytes come from the network.
extension GossipMessage {
    /// Message kinds (first byte). DO NOT CHANGE: they are on the wire.
    static let synKind: UInt8 = 1
    static let ackKind: UInt8 = 2
    static let ack2Kind: UInt8 = 3

    /// Bounds on every length and count a message may carry.
    public enum Limits {
        public static let clusterNameBytes = 256
        public static let hostBytes = 255
        /// Digests or endpoint states in one message: the largest cluster gossip can describe.
        public static let endpoints = 4096
        /// Application states of one endpoint (keys are one byte, so at most 256 exist).
        public static let applicationStates = 64
        public static let valueBytes = 65_536
    }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// Appends the message. REQUIRES: every length and count within `Limits` (a gossiper never
    /// builds a message its peers would reject).
    public func encode(into writer: inout ByteWriter) {
        switch self {
        case let .syn(clusterName, digests):
            writer.write(Self.synKind)
            Self.write(clusterName, limit: Limits.clusterNameBytes, into: &writer)
            Self.write(digests, into: &writer)
        case let .ack(receiverGeneration, senderGeneration, requests, states):
            writer.write(Self.ackKind)
            writer.writeVarint(UInt64(receiverGeneration))
            writer.writeVarint(UInt64(senderGeneration))
            Self.write(requests, into: &writer)
            Self.write(states, into: &writer)
        case let .ack2(receiverGeneration, states):
            writer.write(Self.ack2Kind)
            writer.writeVarint(UInt64(receiverGeneration))
            Self.write(states, into: &writer)
        }
    }

    /// Decodes one whole message (every byte of `bytes`).
    public init(decoding bytes: [UInt8]) throws(GossipCodecError) {
        var reader = GossipReader(reader: ByteReader(bytes))
        let kindOffset = reader.offset
        switch try reader.byte("message kind") {
        case Self.synKind:
            let clusterName = try reader.string(limit: Limits.clusterNameBytes, "cluster name")
            self = .syn(clusterName: clusterName, digests: try reader.digests())
        case Self.ackKind:
            let receiverGeneration = try reader.counter("receiver generation")
            let senderGeneration = try reader.counter("sender generation")
            let requests = try reader.digests()
            self = .ack(receiverGeneration: receiverGeneration, senderGeneration: senderGeneration,
                        requests: requests, states: try reader.states())
        case Self.ack2Kind:
            let receiverGeneration = try reader.counter("receiver generation")
            self = .ack2(receiverGeneration: receiverGeneration, states: try reader.states())
        case let kind:
            throw .unknownMessageKind(kind, offset: kindOffset)
        }
        guard reader.remaining == 0 else { throw .trailingBytes(count: reader.remaining, offset: reader.offset) }
    }

    // MARK: writing

    private static func write(_ text: String, limit: Int, into writer: inout ByteWriter) {
        let bytes = Array(text.utf8)
        precondition(bytes.count <= limit, "gossip string of \(bytes.count) bytes over the limit \(limit)")
        writer.writeLengthPrefixed(bytes)
    }

    private static func write(_ address: NodeAddress, into writer: inout ByteWriter) {
        precondition(!address.host.isEmpty, "gossip about a node with an empty host (port \(address.port))")
        write(address.host, limit: Limits.hostBytes, into: &writer)
        writer.write(bigEndian: UInt16(clamping: address.port))  // ports are validated to 0...65535 at configuration
    }

    private static func write(_ digests: [GossipDigest], into writer: inout ByteWriter) {
        precondition(digests.count <= Limits.endpoints, "\(digests.count) digests over the limit \(Limits.endpoints)")
        writer.writeVarint(UInt64(digests.count))
        for digest in digests.sorted(by: { $0.endpoint < $1.endpoint }) {
            write(digest.endpoint, into: &writer)
            writer.writeVarint(UInt64(digest.generation))
            writer.writeVarint(UInt64(digest.maxVersion))
        }
    }

    private static func write(_ states: [NodeAddress: EndpointState], into writer: inout ByteWriter) {
        precondition(states.count <= Limits.endpoints, "\(states.count) endpoint states over the limit \(Limits.endpoints)")
        writer.writeVarint(UInt64(states.count))
        for (endpoint, state) in states.sorted(by: { $0.key < $1.key }) {
            write(endpoint, into: &writer)
            writer.writeVarint(UInt64(state.heartbeat.generation))
            writer.writeVarint(UInt64(state.heartbeat.version))
            precondition(state.applicationStates.count <= Limits.applicationStates,
                         "\(state.applicationStates.count) application states of \(endpoint) over the limit")
            writer.writeVarint(UInt64(state.applicationStates.count))
            for (key, value) in state.applicationStates.sorted(by: { $0.key < $1.key }) {
                writer.write(key.rawValue)
                writer.writeVarint(UInt64(value.version))
                write(value.value, limit: Limits.valueBytes, into: &writer)
            }
        }
    }
}

/// `ByteReader` for gossip: every read throws `GossipCodecError`, and the composite reads check
/// what the format forbids (duplicates, empty hosts, counters above Int64.max, bad UTF-8).
private struct GossipReader {
    var reader: ByteReader
    typealias Limits = GossipMessage.Limits

    var offset: Int { reader.offset }
    var remaining: Int { reader.remaining }

    mutating func byte(_ what: StaticString) throws(GossipCodecError) -> UInt8 {
        do { return try reader.readByte(what) } catch { throw .decode(error) }
    }

    mutating func port() throws(GossipCodecError) -> UInt16 {
        do { return try reader.read(UInt16.self, "port") } catch { throw .decode(error) }
    }

    mutating func length(limit: Int, _ what: StaticString) throws(GossipCodecError) -> Int {
        do { return try reader.readLength(limit: limit, what) } catch { throw .decode(error) }
    }

    mutating func string(limit: Int, _ what: StaticString) throws(GossipCodecError) -> String {
        let start = offset
        let bytes: [UInt8]
        do { bytes = try reader.readLengthPrefixed(limit: limit, what) } catch { throw .decode(error) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8(what: "\(what)", offset: start) }
        return text
    }

    /// A varint that must fit a non-negative Int64 (generations and versions).
    mutating func counter(_ what: StaticString) throws(GossipCodecError) -> Int64 {
        let start = offset
        let raw: UInt64
        do { raw = try reader.readVarint(what) } catch { throw .decode(error) }
        guard raw <= UInt64(Int64.max) else { throw .valueOutOfRange(what: "\(what)", value: raw, offset: start) }
        return Int64(raw)
    }

    mutating func address() throws(GossipCodecError) -> NodeAddress {
        let start = offset
        let host = try string(limit: Limits.hostBytes, "host")
        guard !host.isEmpty else { throw .emptyHost(offset: start) }
        return NodeAddress(host: host, port: Int(try port()))
    }

    mutating func digests() throws(GossipCodecError) -> [GossipDigest] {
        let count = try length(limit: Limits.endpoints, "digest count")
        var digests: [GossipDigest] = []
        var seen: Set<NodeAddress> = []
        for _ in 0..<count {
            let start = offset
            let endpoint = try address()
            guard seen.insert(endpoint).inserted else { throw .duplicateEndpoint(endpoint, offset: start) }
            let generation = try counter("digest generation")
            digests.append(GossipDigest(endpoint: endpoint, generation: generation, maxVersion: try counter("digest max version")))
        }
        return digests
    }

    mutating func states() throws(GossipCodecError) -> [NodeAddress: EndpointState] {
        let count = try length(limit: Limits.endpoints, "endpoint state count")
        var states: [NodeAddress: EndpointState] = [:]
        for _ in 0..<count {
            let start = offset
            let endpoint = try address()
            guard states[endpoint] == nil else { throw .duplicateEndpoint(endpoint, offset: start) }
            let generation = try counter("generation")
            let heartbeat = HeartbeatState(generation: generation, version: try counter("heartbeat version"))
            let stateCount = try length(limit: Limits.applicationStates, "application state count")
            var applicationStates: [ApplicationStateKey: VersionedValue] = [:]
            for _ in 0..<stateCount {
                let keyOffset = offset
                let key = ApplicationStateKey(rawValue: try byte("application state key"))
                guard applicationStates[key] == nil else { throw .duplicateApplicationState(endpoint, key, offset: keyOffset) }
                let version = try counter("application state version")
                applicationStates[key] = VersionedValue(try string(limit: Limits.valueBytes, "application state value"), version: version)
            }
            states[endpoint] = EndpointState(heartbeat: heartbeat, applicationStates: applicationStates)
        }
        return states
    }
}

/// Why bytes are not a gossip message. Each case carries what was seen and the byte offset.
public enum GossipCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Truncated input, a length or count over its limit, or a malformed varint.
    case decode(DecodeError)
    case unknownMessageKind(UInt8, offset: Int)
    case invalidUTF8(what: String, offset: Int)
    case emptyHost(offset: Int)
    case valueOutOfRange(what: String, value: UInt64, offset: Int)
    case duplicateEndpoint(NodeAddress, offset: Int)
    case duplicateApplicationState(NodeAddress, ApplicationStateKey, offset: Int)
    case trailingBytes(count: Int, offset: Int)

    public var description: String {
        switch self {
        case let .decode(error): "gossip message: \(error)"
        case let .unknownMessageKind(kind, offset): "gossip message: unknown kind \(kind) at offset \(offset)"
        case let .invalidUTF8(what, offset): "gossip message: \(what) at offset \(offset) is not UTF-8"
        case let .emptyHost(offset): "gossip message: empty host at offset \(offset)"
        case let .valueOutOfRange(what, value, offset): "gossip message: \(what) \(value) at offset \(offset) exceeds Int64.max"
        case let .duplicateEndpoint(endpoint, offset): "gossip message: \(endpoint) repeated at offset \(offset)"
        case let .duplicateApplicationState(endpoint, key, offset):
            "gossip message: \(key) of \(endpoint) repeated at offset \(offset)"
        case let .trailingBytes(count, offset): "gossip message: \(count) bytes left over at offset \(offset)"
        }
    }
}
