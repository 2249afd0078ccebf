import BasaltCore
import NIOCore
import Testing

@testable import BasaltCQLProtocol

/// Seeded random inputs: every run must end in frames, values or thrown errors — never a crash,
/// a trap or a hang. Seeds are fixed so a failure reproduces.
@Suite struct FuzzTests {
    /// Valid frames of every kind to mutate, in both directions.
    static let seedRequests: [CQLRequestFrame] =
        RequestMessageTests.goldens.map { CQLRequestFrame(stream: 1, request: $0.request) }
        + [CQLRequestFrame(stream: 2, request: .options, tracing: true, customPayload: ["a": [1, 2, 3]])]
    static let seedResponses: [CQLResponseFrame] =
        (ResponseMessageTests.otherGoldens.map(\.response)
            + ResponseMessageTests.errorGoldens.map { .error(CQLErrorMessage($0.0, message: "m")) })
        .map { CQLResponseFrame(stream: 1, response: $0, tracingID: CQLUUID(high: 1, low: 2), warnings: ["w"]) }

    /// Decodes whatever frames `bytes` holds and then their messages, swallowing expected errors.
    static func exercise(_ bytes: [UInt8], direction: CQLFrameDirection, compression: CQLCompression?) -> Int {
        var decoder = CQLFrameDecoder(
            configuration: .init(direction: direction, maximumBodyLength: 64 * 1024), compression: compression)
        var decoded = 0
        do {
            for frame in try decoder.decode(ByteBuffer(bytes: bytes)) {
                switch direction {
                case .request: _ = try? CQLRequestFrame(decoding: frame)
                case .response: _ = try? CQLResponseFrame(decoding: frame)
                }
                decoded += 1
            }
        } catch {
            // A protocol error is a valid outcome; the decoder must then stay failed.
            #expect(throws: CQLProtocolError.self) { try decoder.nextFrame() }
        }
        return decoded
    }

    @Test func randomByteStrings() {
        var generator = SplitMix64(seed: 0xBA5A17)
        for _ in 0..<4000 {
            let count = Int.random(in: 0...64, using: &generator)
            var input = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the time, start with a plausible header so bodies get parsed too.
            if Bool.random(using: &generator), input.count >= 9 {
                input[0] = Bool.random(using: &generator) ? 0x04 : 0x84
                input[4] = UInt8.random(in: 0...0x10, using: &generator)
                input[5...7] = [0, 0, 0]
                input[8] = UInt8(input.count - 9)
            }
            let compression: CQLCompression? = Bool.random(using: &generator) ? .lz4 : nil
            _ = Self.exercise(input, direction: .request, compression: compression)
            _ = Self.exercise(input, direction: .response, compression: compression)
        }
    }

    @Test func mutatedValidFrames() {
        var generator = SplitMix64(seed: 42)
        let requests = Self.seedRequests.map(encoded)
        let responses = Self.seedResponses.map(encoded)
        #expect(requests.allSatisfy { Self.exercise($0, direction: .request, compression: nil) == 1 })
        #expect(responses.allSatisfy { Self.exercise($0, direction: .response, compression: nil) == 1 })
        for iteration in 0..<6000 {
            let isRequest = iteration % 2 == 0
            var input = (isRequest ? requests : responses).randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...4, using: &generator) { mutate(&input, using: &generator) }
            _ = Self.exercise(input, direction: isRequest ? .request : .response, compression: nil)
        }
    }

    /// Mutated bodies inside well-formed frames reach the message readers rather than the header checks.
    @Test func mutatedBodies() {
        var generator = SplitMix64(seed: 99)
        let seeds = Self.seedResponses.map(\.frame) + Self.seedRequests.map(\.frame)
        for _ in 0..<6000 {
            var frame = seeds.randomElement(using: &generator)!
            var body = frame.body.allBytes
            for _ in 0..<Int.random(in: 1...3, using: &generator) { mutate(&body, using: &generator) }
            frame.body = ByteBuffer(bytes: body)
            switch frame.direction {
            case .request: _ = try? CQLRequestFrame(decoding: frame)
            case .response: _ = try? CQLResponseFrame(decoding: frame)
            }
        }
    }

    @Test func randomValueBytes() {
        var generator = SplitMix64(seed: 2024)
        let types = ValueCodecTests.goldens.map(\.1) + [
            .map(key: .text, value: .list(.set(.varint))), .tuple([.decimal, .duration, .inet]),
            .udt(CQLUserType(keyspace: "k", name: "u", fields: [.init(name: "a", type: .list(.udt(ValueCodecTests.udt)))])),
        ]
        let seeds = ValueCodecTests.goldens.compactMap { try? $0.0.serialize(as: $0.1) }
        for _ in 0..<8000 {
            let type = types.randomElement(using: &generator)!
            var input: [UInt8]
            if Bool.random(using: &generator) {
                input = (0..<Int.random(in: 0...24, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                input = seeds.randomElement(using: &generator)!
                mutate(&input, using: &generator)
            }
            if let value = try? CQLValue.deserialize(bytes: input, type: type) {
                // Whatever decodes must encode again.
                #expect((try? value.serialize(as: type)) != nil, "\(hexString(input)) as \(type)")
            }
        }
    }

    @Test func randomLiterals() {
        var generator = SplitMix64(seed: 5)
        let alphabet = Array("0123456789-+:.TZ PWYMDHSmsuµnhyowdxe'abcfABCF".unicodeScalars)
        let types: [CQLDataType] = [.timestamp, .date, .time, .duration, .decimal, .varint, .inet, .uuid, .double, .blob, .int]
        let kinds: [CQLLiteralKind] = [.string, .integer, .float, .duration, .blob, .uuid]
        for _ in 0..<6000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &generator) { text.append(alphabet.randomElement(using: &generator)!) }
            _ = try? CQLValue.fromLiteral(
                String(text), kind: kinds.randomElement(using: &generator)!, as: types.randomElement(using: &generator)!)
        }
    }
}

/// One random edit: flip bits, overwrite with an interesting byte, insert, delete or truncate.
private func mutate(_ bytes: inout [UInt8], using generator: inout SplitMix64) {
    let interesting: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF]
    guard !bytes.isEmpty else {
        bytes.append(interesting.randomElement(using: &generator)!)
        return
    }
    let index = Int.random(in: 0..<bytes.count, using: &generator)
    switch Int.random(in: 0..<5, using: &generator) {
    case 0: bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &generator)
    case 1: bytes[index] = interesting.randomElement(using: &generator)!
    case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
    case 3: bytes.remove(at: index)
    default: bytes.removeLast(Int.random(in: 0...(bytes.count - index), using: &generator) / 2 + 0)
    }
}
