import BasaltCore
import Testing
@testable import BasaltCluster

func hexBytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

struct GoldenMessage: Sendable, CustomTestStringConvertible {
    let name: String
    let message: GossipMessage
    let hex: String
    var testDescription: String { name }
}

/// Golden bytes (also in docs/formats/gossip.md), then everything a hostile or broken peer could send.
@Suite struct GossipCodecTests {
    static let golden: [GoldenMessage] = [
        GoldenMessage(
            name: "SYN",
            message: .syn(clusterName: "Test", digests: [GossipDigest(endpoint: node(1), generation: 1_700_000_000, maxVersion: 5)]),
            hex: "01 04 54 65 73 74 01 09 31 32 37 2E 30 2E 30 2E 31 1B 58 80 E2 CF AA 06 05"),
        GoldenMessage(
            name: "ACK",
            message: .ack(
                receiverGeneration: 1_700_000_001, senderGeneration: 1_700_000_000,
                requests: [GossipDigest(endpoint: node(2), generation: 1_700_000_001, maxVersion: 0)],
                states: [node(1): EndpointState(heartbeat: HeartbeatState(generation: 1_700_000_000, version: 7),
                                                applicationStates: [.status: VersionedValue("NORMAL,42", version: 3),
                                                                    .dataCenter: VersionedValue("dc1", version: 1)])]),
            hex: """
                02 81 E2 CF AA 06 80 E2 CF AA 06
                01 09 31 32 37 2E 30 2E 30 2E 32 1B 58 81 E2 CF AA 06 00 01 09 31 32 37 2E 30 2E 30 2E 31 1B 58 80 E2
                CF AA 06 07 02 00 03 09 4E 4F 52 4D 41 4C 2C 34 32 02 01 03 64 63 31
                """),
        GoldenMessage(
            name: "ACK2",
            message: .ack2(receiverGeneration: 1_700_000_000,
                           states: [node(2): EndpointState(heartbeat: HeartbeatState(generation: 1_700_000_001, version: 2))]),
            hex: "03 80 E2 CF AA 06 01 09 31 32 37 2E 30 2E 30 2E 32 1B 58 81 E2 CF AA 06 02 00"),
    ]

    @Test(arguments: golden)
    func goldenBytes(_ golden: GoldenMessage) throws {
        #expect(golden.message.encoded() == hexBytes(golden.hex))
        #expect(try GossipMessage(decoding: hexBytes(golden.hex)) == golden.message)
    }

    @Test(arguments: golden)
    func everyTruncationThrows(_ golden: GoldenMessage) {
        let bytes = hexBytes(golden.hex)
        for length in 0..<bytes.count {
            #expect(throws: GossipCodecError.self, "\(golden.name) cut to \(length) bytes") {
                try GossipMessage(decoding: Array(bytes[..<length]))
            }
        }
    }

    /// Every single-byte change of the golden messages either throws or decodes to a message that
    /// encodes back to valid bytes; nothing crashes.
    @Test(arguments: golden)
    func mutatedBytesNeverCrash(_ golden: GoldenMessage) throws {
        let bytes = hexBytes(golden.hex)
        for position in bytes.indices {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xC3, 0xFF] where value != bytes[position] {
                var mutated = bytes
                mutated[position] = value
                if let message = try? GossipMessage(decoding: mutated) {
                    #expect(try GossipMessage(decoding: message.encoded()) == message)
                }
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomMessagesRoundTrip(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        for _ in 0..<50 {
            let message = Self.randomMessage(using: &random)
            #expect(try GossipMessage(decoding: message.encoded()) == message, "seed \(seed)")
        }
    }

    static func randomMessage(using random: inout SplitMix64) -> GossipMessage {
        func randomAddress() -> NodeAddress {
            NodeAddress(host: ["10.0.0.\(Int.random(in: 1...200, using: &random))", "::1", "nœud-é"].randomElement(using: &random)!,
                        port: Int.random(in: 0...65535, using: &random))
        }
        func counter() -> Int64 { [0, 1, 127, 128, Int64.max, Int64.random(in: 0...Int64.max, using: &random)].randomElement(using: &random)! }
        func digests() -> [GossipDigest] {
            var byEndpoint: [NodeAddress: GossipDigest] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                let endpoint = randomAddress()
                byEndpoint[endpoint] = GossipDigest(endpoint: endpoint, generation: counter(), maxVersion: counter())
            }
            return byEndpoint.values.sorted { $0.endpoint < $1.endpoint }
        }
        func states() -> [NodeAddress: EndpointState] {
            var states: [NodeAddress: EndpointState] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                var applicationStates: [ApplicationStateKey: VersionedValue] = [:]
                for _ in 0..<Int.random(in: 0...5, using: &random) {
                    let key = ApplicationStateKey(rawValue: UInt8.random(in: 0...255, using: &random))
                    applicationStates[key] = VersionedValue(String(repeating: "v", count: Int.random(in: 0...300, using: &random)),
                                                            version: counter())
                }
                states[randomAddress()] = EndpointState(heartbeat: HeartbeatState(generation: counter(), version: counter()),
                                                        applicationStates: applicationStates)
            }
            return states
        }
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return .syn(clusterName: String(repeating: "c", count: Int.random(in: 0...256, using: &random)), digests: digests())
        case 1: return .ack(receiverGeneration: counter(), senderGeneration: counter(), requests: digests(), states: states())
        default: return .ack2(receiverGeneration: counter(), states: states())
        }
    }

    static let malformed: [(String, String, GossipCodecError)] = [
        ("unknown kind", "09", .unknownMessageKind(9, offset: 0)),
        ("trailing byte", "03 00 00 00", .trailingBytes(count: 1, offset: 3)),
        ("receiver generation above Int64.max", "03 80 80 80 80 80 80 80 80 80 01 00",
         .valueOutOfRange(what: "receiver generation", value: 1 << 63, offset: 1)),
        ("empty input", "", .decode(.truncated(what: "message kind", offset: 0, needed: 1))),
        ("cluster name over 256 bytes", "01 81 02", .decode(.tooLong(what: "cluster name", offset: 1, length: 257, limit: 256))),
        ("4097 digests", "01 00 81 20", .decode(.tooLong(what: "digest count", offset: 2, length: 4097, limit: 4096))),
        ("cluster name not UTF-8", "01 02 C3 28 00", .invalidUTF8(what: "cluster name", offset: 1)),
        ("empty host", "03 00 01 00 1B 58 00 00 00", .emptyHost(offset: 3)),
        ("generation above Int64.max", "03 00 01 01 61 00 01 80 80 80 80 80 80 80 80 80 01 00 00",
         .valueOutOfRange(what: "generation", value: 1 << 63, offset: 7)),
        ("varint of 11 bytes", "03 00 01 01 61 00 01 80 80 80 80 80 80 80 80 80 80 01",
         .decode(.malformed(what: "generation: varint overflows 64 bits", offset: 16))),
        ("endpoint twice", "03 00 02 01 61 00 01 00 00 00 01 61 00 01 00 00 00", .duplicateEndpoint(NodeAddress(host: "a", port: 1), offset: 10)),
        ("digest endpoint twice", "02 00 00 02 01 61 00 01 00 00 01 61 00 01 00 00 00",
         .duplicateEndpoint(NodeAddress(host: "a", port: 1), offset: 10)),
        ("application state twice", "03 00 01 01 61 00 01 00 00 02 05 01 00 05 01 00",
         .duplicateApplicationState(NodeAddress(host: "a", port: 1), .nativeAddress, offset: 13)),
        ("65 application states", "03 00 01 01 61 00 01 00 00 41",
         .decode(.tooLong(what: "application state count", offset: 9, length: 65, limit: 64))),
        ("value over 64 KiB", "03 00 01 01 61 00 01 00 00 01 00 00 81 80 04",
         .decode(.tooLong(what: "application state value", offset: 12, length: 65_537, limit: 65_536))),
    ]

    @Test(arguments: malformed.indices)
    func malformedInputThrowsWhatWasSeen(_ index: Int) {
        let (name, hex, expected) = Self.malformed[index]
        #expect(throws: expected, "\(name)") { try GossipMessage(decoding: hexBytes(hex)) }
    }

    /// A key this version does not know (a newer node's) survives decoding and re-encoding.
    @Test func unknownApplicationStateKeysPassThrough() throws {
        let key = ApplicationStateKey(rawValue: 200)
        let message = GossipMessage.ack2(receiverGeneration: 1, states: [node(1): EndpointState(heartbeat: HeartbeatState(generation: 1, version: 2),
                                                                         applicationStates: [key: VersionedValue("x", version: 2)])])
        let decoded = try GossipMessage(decoding: message.encoded())
        #expect(decoded == message)
        #expect(key.description == "APPLICATION_STATE_200" && ApplicationStateKey.nativeAddress.description == "NATIVE_ADDRESS")
    }

    @Test func nodeStatusTextRoundTrips() {
        let statuses: [NodeStatus] = [.bootstrapping(tokens: [1]), .normal(tokens: [-9, 0, 9]), .leaving(tokens: []), .left(tokens: [Int64.min]),
                                      .shutdown(tokens: [1])]
        for status in statuses { #expect(NodeStatus(status.description) == status) }
        #expect(NodeStatus.normal(tokens: [-5, 7]).description == "NORMAL,-5,7")
        #expect(NodeStatus("REMOVED,1") == nil && NodeStatus("NORMAL,x") == nil && NodeStatus("NORMAL,") == nil)
        #expect(NodeStatus.tokens(fromValue: NodeStatus.tokensValue([3, -4])) == [3, -4])
        #expect(NodeStatus.tokens(fromValue: "") == [] && NodeStatus.tokens(fromValue: "1,,2") == nil)
    }
}
