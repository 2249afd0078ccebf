import BasaltCQLProtocol
import NIOCore

/// Byte 0 chooses lz4 (bit 0) and the direction (bit 1: the server's side, requests, or the
/// client's, responses), byte 1 where the rest is split in two reads, so frames cut anywhere are
/// decoded too; every frame's body is then decoded as a message, and an AUTH_RESPONSE's token as
/// SASL PLAIN credentials.
enum CQLFrameTarget {
    static func run(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let body = Array(bytes.dropFirst(2))
        let split = min(body.count, Int(bytes[1]))
        let direction: CQLFrameDirection = bytes[0] & 2 == 0 ? .request : .response
        var decoder = CQLFrameDecoder(configuration: .init(direction: direction, maximumBodyLength: 1 << 20),
                                      compression: bytes[0] & 1 == 1 ? .lz4 : nil)
        for part in [body[..<split], body[split...]] {
            decoder.feed(ByteBuffer(bytes: part))
            while let frame = try? decoder.nextFrame() {
                if direction == .request {
                    if case .authResponse(let token)? = (try? CQLRequestFrame(decoding: frame))?.request {
                        _ = try? SASLPlainToken(decoding: token.token)
                    }
                } else {
                    _ = try? CQLResponseFrame(decoding: frame)
                }
            }
        }
    }

    static func seeds() -> [[UInt8]] {
        let requests: [CQLRequest] = [
            .startup(CQLStartup(options: ["CQL_VERSION": "3.0.0", "COMPRESSION": "lz4"])),
            .options,
            .query(CQLQuery(query: "SELECT * FROM system.local WHERE key = 'local'",
                            parameters: CQLQueryParameters(consistency: .quorum, values: .positional([.bytes([0, 0, 0, 1]), .null, .unset]),
                                                           pageSize: 100))),
            .prepare(CQLPrepare(query: "INSERT INTO ks.t (k, v) VALUES (?, ?)")),
            .register(CQLRegister(eventTypes: [.statusChange, .schemaChange])),
            .authResponse(CQLAuthToken(token: SASLPlainToken(username: "cassandra", password: "pass word").encoded)),
        ]
        let responses: [CQLResponse] = [
            .ready,
            .error(CQLErrorMessage(.unavailable(consistency: .quorum, required: 2, alive: 1), message: "Cannot achieve consistency level QUORUM")),
            .result(.setKeyspace("ks")),
            .authenticate(CQLAuthenticate(authenticatorClass: "org.apache.cassandra.auth.PasswordAuthenticator")),
        ]
        var seeds: [[UInt8]] = []
        for compression in [nil, CQLCompression.lz4] {
            let encoder = CQLFrameEncoder(compression: compression)
            for (index, request) in requests.enumerated() {
                var buffer = ByteBuffer()
                encoder.encode(CQLRequestFrame(stream: Int16(index), request: request), into: &buffer)
                seeds.append([compression == nil ? 0 : 1, UInt8(truncatingIfNeeded: 5 * index)] + Array(buffer.readableBytesView))
            }
            for (index, response) in responses.enumerated() {
                var buffer = ByteBuffer()
                encoder.encode(CQLResponseFrame(stream: Int16(index), response: response), into: &buffer)
                seeds.append([compression == nil ? 2 : 3, UInt8(truncatingIfNeeded: 7 * index)] + Array(buffer.readableBytesView))
            }
        }
        return seeds
    }
}
