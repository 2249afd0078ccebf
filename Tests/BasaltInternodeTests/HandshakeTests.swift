import BasaltCore
import BasaltInternode
import Testing

@Suite struct HandshakeTests {
    static let hello = InternodeHello(
        supportedVersions: 1...1, clusterName: "test", listenAddress: NodeAddress(host: "127.0.0.1", port: 7000),
        hostID: testHostID)
    static let helloPayload = bytes("01 01  00112233445566778899aabbccddeeff  1b58  0009 '127.0.0.1'  0004 'test'")
    static let answer = InternodeHelloAnswer(
        outcome: .accepted, version: 1, supportedVersions: 1...1,
        hostID: InternodeHostID(high: 0xFFEE_DDCC_BBAA_9988, low: 0x7766_5544_3322_1100), clusterName: "test")
    static let answerPayload = bytes("00 01 01 01  ffeeddccbbaa99887766554433221100  0004 'test'")

    @Test func helloGoldenBytes() throws {
        #expect(Self.hello.encoded() == Self.helloPayload)
        #expect(try InternodeHello(decoding: Self.helloPayload) == Self.hello)
        let frame = InternodeFrame(version: 1, kind: .request, verb: .handshake, requestID: 0, payload: Self.helloPayload)
        let golden = bytes("'BINT' 01 01 0001 0000000000000000 00000025 8926a57b") + Self.helloPayload + bytes("b93b29de")
        #expect(encoded(frame) == golden)
        #expect(try decodeAll(golden) == [frame])
    }

    @Test func answerGoldenBytes() throws {
        #expect(Self.answer.encoded() == Self.answerPayload)
        #expect(try InternodeHelloAnswer(decoding: Self.answerPayload) == Self.answer)
        let frame = InternodeFrame(version: 1, kind: .response, verb: .handshake, requestID: 0, payload: Self.answerPayload)
        let golden = bytes("'BINT' 01 02 0001 0000000000000000 0000001a 4f45d7ed") + Self.answerPayload + bytes("6cbeea66")
        #expect(encoded(frame) == golden)
    }

    @Test func hostIDPrintsAsAUUID() {
        #expect("\(testHostID)" == "00112233-4455-6677-8899-aabbccddeeff")
        #expect(testHostID.bytes == bytes("00112233445566778899aabbccddeeff"))
    }

    @Test(arguments: [
        // (offered, accepted, chosen version or nil for a version mismatch)
        (UInt8(1)...1, UInt8(1)...1, UInt8?(1)),
        (1...3, 2...5, 3),
        (2...5, 1...3, 3),
        (1...1, 2...2, nil),
        (4...6, 1...3, nil),
    ])
    func negotiationPicksTheHighestCommonVersion(offered: ClosedRange<UInt8>, accepted: ClosedRange<UInt8>, chosen: UInt8?) {
        var hello = Self.hello
        hello.supportedVersions = offered
        let answer = InternodeHandshake.answer(to: hello, clusterName: "test", supportedVersions: accepted, hostID: testHostID)
        switch InternodeHandshake.version(accepting: answer, offered: hello) {
        case .success(let version):
            #expect(answer.outcome == .accepted && version == chosen)
        case .failure(let refusal):
            #expect(chosen == nil && answer.outcome == .versionMismatch && answer.version == 0)
            #expect(refusal == .versionMismatch(offered: offered, accepted: accepted))
        }
    }

    @Test func clusterNameIsCheckedBeforeVersions() {
        var hello = Self.hello
        hello.supportedVersions = 7...9
        let answer = InternodeHandshake.answer(to: hello, clusterName: "other", supportedVersions: 1...1, hostID: testHostID)
        #expect(answer.outcome == .clusterNameMismatch)
        #expect(
            InternodeHandshake.version(accepting: answer, offered: hello)
                == .failure(.clusterNameMismatch(offered: "test", accepted: "other")))
    }

    /// An answer accepting a version the HELLO did not offer is a broken peer.
    @Test func acceptanceOfAnUnofferedVersionIsRefused() {
        var answer = Self.answer
        answer.version = 2
        answer.supportedVersions = 2...2
        #expect(
            InternodeHandshake.version(accepting: answer, offered: Self.hello)
                == .failure(.versionMismatch(offered: 1...1, accepted: 2...2)))
    }

    @Test(arguments: [
        "",  // empty
        "02 01  00112233445566778899aabbccddeeff  1b58  0009 '127.0.0.1'  0004 'test'",  // min > max
        "01 01  00112233445566778899aabbccddeeff  0000  0009 '127.0.0.1'  0004 'test'",  // port 0
        "01 01  00112233445566778899aabbccddeeff  1b58  0000  0004 'test'",  // empty host
        "01 01  00112233445566778899aabbccddeeff  1b58  0100 '127.0.0.1'  0004 'test'",  // host over 255 bytes
        "01 01  00112233445566778899aabbccddeeff  1b58  0009 '127.0.0.1'  0004 'tes'",  // truncated
        "01 01  00112233445566778899aabbccddeeff  1b58  0009 '127.0.0.1'  0004 'test' 00",  // trailing byte
        "01 01  00112233445566778899aabbccddeeff  1b58  0009 '127.0.0.1'  0002 c328",  // invalid UTF-8
    ])
    func malformedHellosAreRefused(spec: String) {
        #expect(throws: DecodeError.self) { try InternodeHello(decoding: bytes(spec)) }
    }

    @Test func malformedAnswersAreRefused() {
        let unknownOutcome = bytes("03 01 01 01 ffeeddccbbaa99887766554433221100 0000")
        let emptyRange = bytes("00 01 02 01 ffeeddccbbaa99887766554433221100 0000")
        #expect(throws: DecodeError.self) { try InternodeHelloAnswer(decoding: unknownOutcome) }
        #expect(throws: DecodeError.self) { try InternodeHelloAnswer(decoding: emptyRange) }
        #expect(throws: DecodeError.self) { try InternodeHelloAnswer(decoding: Array(Self.answerPayload.dropLast())) }
    }
}
