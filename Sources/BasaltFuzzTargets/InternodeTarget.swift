import BasaltCluster
import BasaltCoordination
import BasaltCore
import BasaltInternode
import NIOCore

/// Byte 0 chooses the decoder; the rest is its input.
enum InternodeTarget {
    enum Decoder: UInt8, CaseIterable {
        case frames, hello, helloAnswer, gossip, mutation, readCommand, readData, rangeCommand, rangeResponse
        case repairTreeRequest, repairTreeResponse
    }

    static func run(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let input = Array(bytes.dropFirst())
        switch Decoder.allCases[Int(first) % Decoder.allCases.count] {
        case .frames:
            var buffer = ByteBuffer(bytes: input)
            let decoder = InternodeFrameDecoder(maximumPayloadBytes: 1 << 20)
            while let frame = try? decoder.readFrame(from: &buffer) { _ = frame.verb }
        case .hello: _ = try? InternodeHello(decoding: input)
        case .helloAnswer: _ = try? InternodeHelloAnswer(decoding: input)
        case .gossip: _ = try? GossipMessage(decoding: input)
        case .mutation: _ = try? DataCodec.decodeMutation(input)
        case .readCommand: _ = try? ReadCommand(decoding: input)
        case .readData: _ = try? ReadDataResponse.decode(input)
        case .rangeCommand: _ = try? RangeReadCommand(decoding: input)
        case .rangeResponse: _ = try? RangeReadResponse(decoding: input)
        case .repairTreeRequest: _ = try? RepairTreeRequest(decoding: input)
        case .repairTreeResponse: _ = try? RepairTreeResponse(decoding: input)
        }
    }

    static func seeds() -> [[UInt8]] {
        let node = NodeAddress(host: "127.0.0.1", port: 7000)
        let host = InternodeHostID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        let update = SeedData.update(key: 7, rows: 3)
        let hello = InternodeHello(supportedVersions: 1...1, clusterName: "Test Cluster", listenAddress: node, hostID: host)
        var frame = ByteBuffer()
        frame.writeInternodeFrame(InternodeFrame(version: 1, kind: .request, verb: .handshake, requestID: 1, payload: hello.encoded()))
        let state = EndpointState(heartbeat: HeartbeatState(generation: 1_700_000_000, version: 3),
                                  applicationStates: [.status: VersionedValue("NORMAL,-9000,12", version: 2)])
        let inputs: [(Decoder, [UInt8])] = [
            (.frames, Array(frame.readableBytesView)),
            (.hello, hello.encoded()),
            (.helloAnswer, InternodeHelloAnswer(outcome: .accepted, version: 1, supportedVersions: 1...1, hostID: host,
                                                clusterName: "Test Cluster").encoded()),
            (.gossip, GossipMessage.syn(clusterName: "Test Cluster",
                                        digests: [GossipDigest(endpoint: node, generation: 1_700_000_000, maxVersion: 3)]).encoded()),
            (.gossip, GossipMessage.ack2(receiverGeneration: 1_700_000_001, states: [node: state]).encoded()),
            (.mutation, DataCodec.encode(Mutation([update]))),
            (.readCommand, ReadCommand(table: update.table, key: update.key, slice: .all).encoded()),
            (.readData, ReadDataResponse.encode(update)),
            (.rangeCommand, RangeReadCommand(table: update.table, start: update.key, inclusive: false, endToken: 42, limit: 100).encoded()),
            (.rangeResponse, RangeReadResponse(partitions: [update], exhausted: true).encoded()),
            (.repairTreeRequest, RepairTreeRequest(table: update.table, start: -5, end: 1 << 50, depth: 4, cutoff: 1_700_000_000_000_000,
                                                   level: 2, nodes: [0, 3]).encoded()),
            (.repairTreeResponse, RepairTreeResponse(partitions: 9, hashes: (0..<4).map { PartitionDigest(high: $0, low: ~$0) }).encoded()),
        ]
        return inputs.map { [$0.0.rawValue] + $0.1 }
    }
}
