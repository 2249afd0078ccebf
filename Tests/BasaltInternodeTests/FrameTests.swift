import BasaltCore
import BasaltInternode
import NIOCore
import Testing

@Suite struct FrameTests {
    /// A MUTATION request, id 1, payload 01 02 03 (the worked example of docs/formats/internode.md).
    static let mutationRequest = InternodeFrame(version: 1, kind: .request, verb: .mutation, requestID: 1, payload: [1, 2, 3])
    static let mutationRequestBytes = bytes(
        "'BINT' 01 01 0020 0000000000000001 00000003 81d7a102  010203 f130f21e")

    @Test func requestGoldenBytes() throws {
        #expect(encoded(Self.mutationRequest) == Self.mutationRequestBytes)
        #expect(try decodeAll(Self.mutationRequestBytes) == [Self.mutationRequest])
        #expect(Self.mutationRequest.encodedLength == Self.mutationRequestBytes.count)
    }

    @Test func responseGoldenBytes() throws {
        let response = InternodeFrame(version: 1, kind: .response, verb: .mutation, requestID: 1, payload: [0xFF])
        let golden = bytes("'BINT' 01 02 0020 0000000000000001 00000001 c87fd6f6  ff ff000000")
        #expect(encoded(response) == golden)
        #expect(try decodeAll(golden) == [response])
    }

    @Test func errorResponseGoldenBytes() throws {
        let error = InternodeErrorResponse(code: .overloaded, message: "busy")
        #expect(error.encoded() == bytes("0002 0004 'busy'"))
        #expect(try InternodeErrorResponse(decoding: error.encoded()) == error)
        let frame = InternodeFrame(version: 1, kind: .errorResponse, verb: .readData, requestID: 7, payload: error.encoded())
        let golden = bytes("'BINT' 01 0a 0030 0000000000000007 00000008 11fe028a  0002 0004 'busy' 9007febb")
        #expect(encoded(frame) == golden)
        #expect(try decodeAll(golden) == [frame])
    }

    @Test func emptyPayloadHasAZeroChecksum() throws {
        let frame = InternodeFrame(version: 1, kind: .oneWay, verb: .gossipSyn, requestID: 0, payload: [])
        let wire = encoded(frame)
        #expect(wire.count == InternodeFrame.headerLength + InternodeFrame.trailerLength)
        #expect(wire.suffix(4) == [0, 0, 0, 0])
        #expect(try decodeAll(wire) == [frame])
    }

    @Test func everyKindAndUnknownVerbsRoundTrip() throws {
        var wire: [UInt8] = []
        var frames: [InternodeFrame] = []
        for (index, kind) in InternodeFrameKind.allCases.enumerated() {
            // 0x7777 is no verb of this build: it must still be framed, to be answered unknownVerb.
            let frame = InternodeFrame(
                version: 1, kind: kind, verbCode: index == 0 ? 0x7777 : InternodeVerb.hint.rawValue,
                requestID: UInt64.max - UInt64(index), payload: Array(repeating: UInt8(index), count: index * 100))
            frames.append(frame)
            wire += encoded(frame)
        }
        let decoded = try decodeAll(wire)
        #expect(decoded == frames)
        #expect(decoded[0].verb == nil && decoded[1].verb == .hint)
    }

    /// Fed one byte at a time, the decoder returns nil for every prefix of a frame and the frame
    /// once its last byte arrives, and never moves the reader index before that.
    @Test func oneByteAtATime() throws {
        let decoder = InternodeFrameDecoder()
        let second = InternodeFrame(version: 1, kind: .oneWay, verb: .gossipAck, requestID: 0, payload: Array(0..<200))
        let stream = Self.mutationRequestBytes + encoded(second)
        var buffer = ByteBuffer()
        var frames: [InternodeFrame] = []
        for byte in stream {
            buffer.writeInteger(byte)
            let before = buffer.readerIndex
            if let frame = try decoder.readFrame(from: &buffer) {
                frames.append(frame)
            } else {
                #expect(buffer.readerIndex == before)
            }
        }
        #expect(frames == [Self.mutationRequest, second])
        #expect(buffer.readableBytes == 0)
    }

    @Test func everyTruncatedPrefixNeedsMoreBytes() throws {
        let frames = [
            Self.mutationRequest,
            InternodeFrame(version: 1, kind: .response, verb: .readData, requestID: 9, payload: Array(repeating: 0xAB, count: 300)),
        ]
        for frame in frames {
            let wire = encoded(frame)
            for length in 0..<wire.count {
                var buffer = ByteBuffer(bytes: wire.prefix(length))
                #expect(try InternodeFrameDecoder().readFrame(from: &buffer) == nil, "prefix of \(length) bytes")
                #expect(buffer.readableBytes == length)
            }
        }
    }

    @Test func typedErrorsCarryWhatWasSeen() throws {
        func decode(_ wire: [UInt8], limit: Int = 1 << 20) throws(InternodeFrameError) -> InternodeFrame? {
            var buffer = ByteBuffer(bytes: wire)
            let decoder = InternodeFrameDecoder(maximumPayloadBytes: limit)
            let before = buffer.readerIndex
            do {
                let frame = try decoder.readFrame(from: &buffer)
                #expect(frame != nil || buffer.readerIndex == before)
                return frame
            } catch {
                // A refused frame leaves the reader index where it was, for the log line.
                #expect(buffer.readerIndex == before)
                throw error
            }
        }
        let good = Self.mutationRequestBytes

        // A CQL v4 OPTIONS frame sent to the internode port: refused on its first byte.
        #expect(throws: InternodeFrameError.badMagic(seen: [0x04])) { try decode([0x04]) }
        #expect(throws: InternodeFrameError.badMagic(seen: bytes("42 49 4e 00"))) {
            try decode(bytes("42 49 4e 00 01 01"))
        }

        var wire = good
        wire[4] = 9
        #expect(throws: InternodeFrameError.unsupportedVersion(9, supported: 1...1)) { try decode(Array(wire.prefix(5))) }

        wire = good
        wire[17] ^= 0x01  // payload length 3 -> a length the checksum does not cover
        #expect(throws: InternodeFrameError.headerChecksumMismatch(expected: 0x81D7_A102, actual: headerChecksum(of: wire))) {
            try decode(wire)
        }

        wire = withHeader(good) { $0[5] = 0x03 }  // request and response at once
        #expect(throws: InternodeFrameError.invalidFlags(0x03)) { try decode(wire) }
        wire = withHeader(good) { $0[5] = 0x08 }  // error without response
        #expect(throws: InternodeFrameError.invalidFlags(0x08)) { try decode(wire) }

        // Refused from the header alone: the 2 GiB payload is never waited for.
        wire = withHeader(good) { $0[16...19] = [0x80, 0, 0, 0] }
        #expect(throws: InternodeFrameError.payloadTooLarge(length: 0x8000_0000, limit: 1 << 20)) {
            try decode(Array(wire.prefix(InternodeFrame.headerLength)))
        }
        #expect(throws: InternodeFrameError.payloadTooLarge(length: 3, limit: 2)) { try decode(good, limit: 2) }
        #expect(try decode(good, limit: 3) == Self.mutationRequest)

        wire = good
        wire[25] ^= 0xFF
        let damaged = CRC32C.checksum([1, 0xFD, 3])
        #expect(throws: InternodeFrameError.payloadChecksumMismatch(expected: 0xF130_F21E, actual: damaged)) {
            try decode(wire)
        }
    }

    @Test func errorDescriptionsNameTheProblem() {
        #expect("\(InternodeFrameError.badMagic(seen: [0x04, 0x00]))".contains("04 00"))
        #expect("\(InternodeFrameError.payloadTooLarge(length: 100, limit: 10))".contains("100"))
        #expect(
            "\(InternodeFrameError.headerChecksumMismatch(expected: 1, actual: 0xAB))"
                == "header checksum mismatch: frame says 0x00000001, bytes give 0x000000ab")
    }

    /// Verb numbers are on the wire: pin them, and keep them out of the reserved ranges.
    @Test func verbNumbersAreFixed() {
        let expected: [(InternodeVerb, UInt16)] = [
            (.handshake, 0x0001), (.echo, 0x0002), (.gossipSyn, 0x0010), (.gossipAck, 0x0011), (.gossipAck2, 0x0012),
            (.mutation, 0x0020), (.readData, 0x0030), (.readDigest, 0x0031), (.rangeRead, 0x0032), (.hint, 0x0040),
            (.schemaPull, 0x0050), (.schemaPush, 0x0051), (.truncate, 0x0060), (.streamRead, 0x0100), (.streamFetch, 0x0101),
        ]
        // Repair's verbs live in the range reserved for them.
        let repair: [(InternodeVerb, UInt16)] = [(.repairTree, 0x0200)]
        #expect(expected.count + repair.count == InternodeVerb.allCases.count)
        for (verb, code) in expected {
            #expect(verb.rawValue == code)
            // Streaming verbs take numbers from the range reserved for them; the rest stay out of both.
            let streaming = verb == .streamRead || verb == .streamFetch
            #expect(InternodeVerb.streamingRange.contains(code) == streaming && !InternodeVerb.repairRange.contains(code))
        }
        for (verb, code) in repair { #expect(verb.rawValue == code && InternodeVerb.repairRange.contains(code)) }
        #expect(InternodeVerb.allCases.filter(\.isUrgent) == [.handshake, .echo, .gossipSyn, .gossipAck, .gossipAck2])
        #expect(InternodeErrorCode.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
    }

    @Test func errorResponseCodecRefusesMalformedPayloads() throws {
        #expect(throws: DecodeError.self) { try InternodeErrorResponse(decoding: bytes("00")) }
        #expect(throws: DecodeError.self) { try InternodeErrorResponse(decoding: bytes("0009 0000")) }  // unknown code
        #expect(throws: DecodeError.self) { try InternodeErrorResponse(decoding: bytes("0001 0005 'abc'")) }  // short
        #expect(throws: DecodeError.self) { try InternodeErrorResponse(decoding: bytes("0001 0001 ff")) }  // not UTF-8
        #expect(throws: DecodeError.self) { try InternodeErrorResponse(decoding: bytes("0001 0000 00")) }  // trailing
        // Long messages are cut at a character boundary and still decode.
        let long = InternodeErrorResponse(code: .handlerFailure, message: String(repeating: "é", count: 3000))
        let decoded = try InternodeErrorResponse(decoding: long.encoded())
        #expect(decoded.message == String(repeating: "é", count: InternodeErrorResponse.maximumMessageBytes / 2))
    }
}

/// `wire` with its header changed by `change` and the header checksum recomputed, so that the
/// change itself is what the decoder sees.
func withHeader(_ wire: [UInt8], _ change: (inout [UInt8]) -> Void) -> [UInt8] {
    var changed = wire
    change(&changed)
    let checksum = headerChecksum(of: changed)
    changed[20...23] = ArraySlice([24, 16, 8, 0].map { UInt8(truncatingIfNeeded: checksum >> $0) })
    return changed
}

func headerChecksum(of wire: [UInt8]) -> UInt32 {
    CRC32C.checksum(Array(wire.prefix(InternodeFrame.checksummedHeaderLength)))
}
