import BasaltCore
import BasaltInternode
import NIOCore
import Testing

/// Seeded random and mutated inputs: every run ends in frames, nil (need more bytes) or a typed
/// `InternodeFrameError`, never a crash, a trap or a hang. Seeds are fixed so a failure reproduces.
@Suite struct FuzzTests {
    static let seeds: [InternodeFrame] = [
        FrameTests.mutationRequest,
        InternodeFrame(version: 1, kind: .response, verb: .readData, requestID: 42, payload: Array(0..<64)),
        InternodeFrame(version: 1, kind: .oneWay, verb: .gossipSyn, requestID: 0, payload: []),
        InternodeFrame(
            version: 1, kind: .errorResponse, verb: .hint, requestID: 3,
            payload: InternodeErrorResponse(code: .timeout, message: "slow").encoded()),
        InternodeFrame(version: 1, kind: .request, verb: .handshake, requestID: 0, payload: HandshakeTests.helloPayload),
    ]

    /// Decodes `wire` as a stream, both whole and in random pieces; both must agree.
    static func exercise(_ wire: [UInt8], generator: inout SplitMix64) -> Result<[InternodeFrame], InternodeFrameError> {
        let decoder = InternodeFrameDecoder(maximumPayloadBytes: 4096)
        func run(_ pieces: [ArraySlice<UInt8>]) -> Result<[InternodeFrame], InternodeFrameError> {
            var buffer = ByteBuffer()
            var frames: [InternodeFrame] = []
            for piece in pieces {
                buffer.writeBytes(piece)
                do {
                    while let frame = try decoder.readFrame(from: &buffer) { frames.append(frame) }
                } catch {
                    return .failure(error)
                }
            }
            return .success(frames)
        }
        var pieces: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < wire.count {
            let size = Int.random(in: 1...40, using: &generator)
            pieces.append(wire[offset..<min(wire.count, offset + size)])
            offset += size
        }
        let whole = run([wire[...]])
        let pieced = run(pieces)
        switch (pieced, whole) {
        case (.failure(.badMagic(let early)), .failure(.badMagic(let seen))):
            // Garbage is refused on its first wrong byte, so in pieces it may be seen earlier.
            #expect(seen.starts(with: early))
        default:
            #expect(pieced == whole)
        }
        return whole
    }

    @Test func mutatedFramesThrowTypedErrors() {
        var generator = SplitMix64(seed: 0x1A7E_12A0_DE)
        var outcomes = [String: Int]()
        for round in 0..<3000 {
            var wire = encoded(Self.seeds[round % Self.seeds.count])
            let flips = Int.random(in: 1...3, using: &generator)
            for _ in 0..<flips {
                let position = Int.random(in: 0..<wire.count, using: &generator)
                wire[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            switch Self.exercise(wire, generator: &generator) {
            case .success(let frames):
                // Every byte of a frame is checked: magic and version directly, the rest of the
                // header and the payload by their CRC-32C. So a mutated frame never decodes (it
                // could only wait for more bytes).
                #expect(frames.isEmpty, "round \(round) decoded a mutated frame")
                outcomes["incomplete", default: 0] += 1
            case .failure(let error):
                outcomes["\(error)".split(separator: " ").prefix(2).joined(separator: " "), default: 0] += 1
            }
        }
        // Every kind of check was reached.
        #expect(outcomes.keys.contains { $0.hasPrefix("bad magic") })
        #expect(outcomes.keys.contains { $0.hasPrefix("unsupported") })
        #expect(outcomes.keys.contains { $0.hasPrefix("header checksum") })
        #expect(outcomes.keys.contains { $0.hasPrefix("payload checksum") })
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            var wire = (0..<Int.random(in: 0...96, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Most of the time start like a frame, so the later checks get random input too.
            if wire.count >= 6, Int.random(in: 0..<4, using: &generator) > 0 {
                wire.replaceSubrange(0..<5, with: InternodeProtocol.magic + [1])
            }
            _ = Self.exercise(wire, generator: &generator)
        }
    }

    /// Valid header, random flags and length: the header checksum is recomputed so that the flags
    /// and length checks themselves are exercised.
    @Test func randomHeadersWithValidChecksums() {
        var generator = SplitMix64(seed: 99)
        var tooLarge = 0
        var invalidFlags = 0
        for _ in 0..<2000 {
            let wire = withHeader(encoded(FrameTests.mutationRequest) + Array(repeating: 0, count: 64)) { header in
                header[5] = UInt8.random(in: 0...255, using: &generator)
                let length = UInt32.random(in: 0...8192, using: &generator)
                header[16...19] = [0, 0, UInt8(length >> 8), UInt8(truncatingIfNeeded: length)]
            }
            switch Self.exercise(wire, generator: &generator) {
            case .failure(.payloadTooLarge): tooLarge += 1
            case .failure(.invalidFlags): invalidFlags += 1
            case .failure(.payloadChecksumMismatch), .success: break
            case .failure(let error): Issue.record("unexpected \(error)")
            }
        }
        #expect(tooLarge > 0 && invalidFlags > 0)
    }
}
