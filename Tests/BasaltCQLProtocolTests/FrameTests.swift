import BasaltCore
import NIOCore
import Testing

@testable import BasaltCQLProtocol

@Suite struct FrameTests {
    static let startupFrame = "04 00 0001 01 00000016  0001 000b 'CQL_VERSION' 0005 '3.0.0'"

    @Test func startupGoldenBytes() throws {
        let request = CQLRequestFrame(stream: 1, request: .startup(CQLStartup(options: ["CQL_VERSION": "3.0.0"])))
        #expect(encoded(request) == bytes(Self.startupFrame))
        let frame = try decodeSingleFrame(bytes(Self.startupFrame), direction: .request)
        #expect(frame.stream == 1 && frame.opcode == .startup && frame.flags.isEmpty)
        #expect(try CQLRequestFrame(decoding: frame) == request)
    }

    @Test func optionsSupportedExchange() throws {
        let options = bytes("04 00 0000 05 00000000")
        let request = try CQLRequestFrame(decoding: decodeSingleFrame(options, direction: .request))
        #expect(request == CQLRequestFrame(stream: 0, request: .options))
        let supported = CQLResponseFrame(
            stream: 0, response: .supported(CQLSupported(options: ["CQL_VERSION": ["3.4.7"], "COMPRESSION": ["lz4"]])))
        // Keys are sorted: COMPRESSION before CQL_VERSION.
        let golden = bytes(
            "84 00 0000 06 0000002c  0002  000b 'COMPRESSION' 0001 0003 'lz4'  000b 'CQL_VERSION' 0001 0005 '3.4.7'")
        #expect(encoded(supported) == golden)
        #expect(try CQLResponseFrame(decoding: decodeSingleFrame(golden, direction: .response)) == supported)
    }

    /// Three frames fed whole, in one-byte pieces and in random pieces must come out identical.
    @Test func byteByByteFeedingYieldsIdenticalFrames() throws {
        var stream = bytes(Self.startupFrame)
        stream += bytes("04 00 0002 05 00000000")
        stream += encoded(CQLRequestFrame(
            stream: 3, request: .query(CQLQuery(query: "SELECT * FROM system.local", parameters: .init(consistency: .one)))))
        var whole = CQLFrameDecoder(configuration: .init(direction: .request))
        let expected = try whole.decode(ByteBuffer(bytes: stream))
        #expect(expected.map(\.stream) == [1, 2, 3])

        var dripped = CQLFrameDecoder(configuration: .init(direction: .request))
        var frames: [CQLFrame] = []
        for byte in stream { frames += try dripped.decode(ByteBuffer(bytes: [byte])) }
        #expect(frames == expected)
        #expect(dripped.bufferedByteCount == 0)

        var generator = SplitMix64(seed: 7)
        var chunked = CQLFrameDecoder(configuration: .init(direction: .request))
        frames = []
        var offset = 0
        while offset < stream.count {
            let size = Int.random(in: 1...20, using: &generator)
            frames += try chunked.decode(ByteBuffer(bytes: stream[offset..<min(stream.count, offset + size)]))
            offset += size
        }
        #expect(frames == expected)
    }

    @Test(arguments: [
        // (bytes, version, stream): DSE_V2 and DSE_V1 OPTIONS as the python driver first sends them,
        // v5, v3, and a v2 header whose stream id is a single byte.
        ("42 00 0000 05 00000000", UInt8(0x42), Int16(0)),
        ("41 00 0007 05 00000000", 0x41, 7),
        ("05 00 0102 05 00000000", 5, 0x0102),
        ("03 00 0009 05 00000000", 3, 9),
        ("02 00 05 05 00000000", 2, 5),
    ])
    func unsupportedVersionIsDetectedFromTheHeaderStart(frame: String, version: UInt8, stream: Int16) throws {
        // Only the first 4 bytes (3 for v1/v2) are needed to know the version and stream.
        let prefix = Array(bytes(frame).prefix(version < 3 ? 3 : 4))
        var decoder = CQLFrameDecoder(configuration: .init(direction: .request))
        #expect(try decoder.decode(ByteBuffer(bytes: prefix.dropLast())) == [])
        #expect(throws: CQLProtocolError.unsupportedVersion(version: version, stream: stream)) {
            try decoder.decode(ByteBuffer(bytes: prefix.suffix(1)))
        }
        // The decoder stays failed.
        #expect(throws: CQLProtocolError.unsupportedVersion(version: version, stream: stream)) {
            try decoder.nextFrame()
        }
    }

    @Test func unsupportedVersionReplyGoldenBytes() throws {
        var out = ByteBuffer()
        CQLFrameEncoder.encodeReply(to: .unsupportedVersion(version: 0x42, stream: 0x0102), into: &out)
        let message = "Invalid or unsupported protocol version (66); supported versions are (4/v4)"
        #expect(message.contains("unsupported protocol version"))
        let body = bytes("0000000a 004b '\(message)'")
        #expect(out.allBytes == bytes("84 00 0102 00") + [0, 0, 0, UInt8(body.count)] + body)
        let decoded = try CQLResponseFrame(decoding: decodeSingleFrame(out.allBytes, direction: .response))
        #expect(decoded.response == .error(CQLErrorMessage(.protocolError, message: message)))
    }

    @Test(arguments: [
        ("84 00 0000 05 00000000", CQLProtocolError.unexpectedDirection(versionByte: 0x84, stream: 0)),
        ("04 00 0005 04 00000000", .unknownOpcode(0x04, stream: 5)),
        ("04 00 0005 11 00000000", .unknownOpcode(0x11, stream: 5)),
        ("04 00 0005 02 00000000", .unexpectedOpcode(.ready, stream: 5)),
        ("04 00 0005 07 ffffffff", .negativeFrameLength(-1, stream: 5)),
        ("04 00 0005 07 00000401", .frameTooLarge(length: 1025, limit: 1024, stream: 5)),
        ("04 01 0005 07 00000000", .compressionNotNegotiated),
    ])
    func malformedHeadersAreRejected(frame: String, error: CQLProtocolError) {
        var decoder = CQLFrameDecoder(configuration: .init(direction: .request, maximumBodyLength: 1024))
        #expect(throws: error) { try decoder.decode(buffer(frame)) }
    }

    @Test func frameLimitIsCheckedBeforeTheBodyArrives() {
        // Only the header of a 256 MiB + 1 body is present: rejected without waiting for the body.
        var decoder = CQLFrameDecoder(configuration: .init(direction: .request))
        #expect(throws: CQLProtocolError.frameTooLarge(length: 256 * 1024 * 1024 + 1, limit: 256 * 1024 * 1024, stream: 0)) {
            try decoder.decode(buffer("04 00 0000 07 10000001"))
        }
    }

    /// lz4 golden frames: an input under 13 bytes is a single literal run (token = length << 4),
    /// and a hand-built block with a match (1 literal, offset 1, match length 14, 5 final literals).
    @Test func lz4CompressedFrames() throws {
        let ready = CQLResponseFrame(stream: 4, response: .supported(CQLSupported(options: [:])))
        var out = ByteBuffer()
        CQLFrameEncoder(compression: .lz4).encode(ready, into: &out)
        #expect(out.allBytes == bytes("84 01 0004 06 00000007  00000002 20 0000"))
        let decoded = try decodeSingleFrame(out.allBytes, direction: .response, compression: .lz4)
        #expect(decoded.flags.isEmpty && decoded.body.allBytes == [0, 0])
        #expect(try CQLResponseFrame(decoding: decoded) == ready)

        let withMatch = bytes("84 01 0000 06 0000000e  00000014 1a 61 0100 50 6161616161")
        let frame = try decodeSingleFrame(withMatch, direction: .response, compression: .lz4)
        #expect(frame.body.allBytes == Array(repeating: UInt8(ascii: "a"), count: 20))

        // A larger body round-trips through real compression and is smaller on the wire.
        let rows = CQLRows(
            metadata: CQLRowsMetadata(columns: [CQLColumnSpec(keyspace: "ks", table: "t", name: "v", type: .text)]),
            rows: Array(repeating: [Array("repetitive value ".utf8)], count: 200))
        let big = CQLResponseFrame(stream: 9, response: .result(.rows(rows)))
        var compressed = ByteBuffer()
        CQLFrameEncoder(compression: .lz4).encode(big, into: &compressed)
        #expect(compressed.readableBytes < encoded(big).count / 4)
        #expect(try CQLResponseFrame(decoding: decodeSingleFrame(compressed.allBytes, direction: .response, compression: .lz4)) == big)
    }

    @Test(arguments: [
        "84 01 0000 06 00000005  00000002 20",  // block ends early
        "84 01 0000 06 00000007  00000003 20 0000",  // declared length disagrees with the block
        "84 01 0000 06 00000007  ffffffff 20 0000",  // negative declared length
        "84 01 0000 06 00000002  0000",  // no room for the length prefix
    ])
    func corruptLZ4BodiesAreRejected(frame: String) {
        var decoder = CQLFrameDecoder(configuration: .init(direction: .response), compression: .lz4)
        #expect(throws: CQLProtocolError.self) { try decoder.decode(buffer(frame)) }
    }

    @Test func startupIsNeverCompressed() throws {
        let startup = CQLRequestFrame(stream: 0, request: .startup(CQLStartup(options: ["CQL_VERSION": "3.0.0", "COMPRESSION": "lz4"])))
        var out = ByteBuffer()
        CQLFrameEncoder(compression: .lz4).encode(startup, into: &out)
        #expect(out.allBytes[1] == 0)
        #expect(try CQLRequestFrame(decoding: decodeSingleFrame(out.allBytes, direction: .request, compression: .lz4)) == startup)
    }

    @Test func responsePrefixOrderIsTracingWarningsPayload() throws {
        let response = CQLResponseFrame(
            stream: 2, response: .result(.void),
            tracingID: CQLUUID("01020304-0506-0708-090a-0b0c0d0e0f10")!, warnings: ["w"], customPayload: ["k": [0xFF]])
        let golden = bytes(
            "84 0e 0002 08 00000023  0102030405060708090a0b0c0d0e0f10  0001 0001 'w'  0001 0001 'k' 00000001 ff  00000001")
        #expect(encoded(response) == golden)
        #expect(try CQLResponseFrame(decoding: decodeSingleFrame(golden, direction: .response)) == response)
    }

    @Test func truncatedBodiesAndTrailingBytes() throws {
        // A QUERY whose body stops inside the parameters.
        let short = try decodeSingleFrame(bytes("04 00 0000 07 00000007 00000001 'x' 0001"), direction: .request)
        #expect(throws: CQLProtocolError.truncatedBody(.query)) { try CQLRequestFrame(decoding: short) }
        // Extra bytes after a complete message are ignored (spec §1: reserved for extensions).
        let long = try decodeSingleFrame(bytes("04 00 0000 07 00000009 00000001 'x' 0001 00 ee"), direction: .request)
        #expect(try CQLRequestFrame(decoding: long).request == .query(CQLQuery(query: "x", parameters: .init(consistency: .one))))
    }

    /// The encoder writes uncompressed frames in place (body straight after the header); the
    /// bytes must be exactly those of building the frame first.
    @Test func inPlaceEncodingMatchesBuiltFrames() {
        for request in FuzzTests.seedRequests {
            var inPlace = ByteBuffer(bytes: [0xAA])  // something already in the buffer
            CQLFrameEncoder().encode(request, into: &inPlace)
            var built = ByteBuffer(bytes: [0xAA])
            built.writeCQLFrame(request.frame, compression: nil)
            #expect(inPlace == built, "\(request.request.opcode)")
        }
        for response in FuzzTests.seedResponses {
            var inPlace = ByteBuffer()
            CQLFrameEncoder().encode(response, into: &inPlace)
            var built = ByteBuffer()
            built.writeCQLFrame(response.frame, compression: nil)
            #expect(inPlace == built, "\(response.response.opcode)")
        }
    }
}
