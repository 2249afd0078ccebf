import NIOCore
import Testing

@testable import BasaltCQLProtocol

/// Golden request bodies, checked in both directions: encoding gives the bytes, decoding the
/// bytes (inside a frame) gives the message.
@Suite struct RequestMessageTests {
    static let goldens: [(name: String, request: CQLRequest, body: String)] = [
        (
            "QUERY with values and paging",
            .query(CQLQuery(
                query: "SELECT 1",
                parameters: CQLQueryParameters(
                    consistency: .one, values: .positional([.bytes([0, 0, 0, 1]), .null, .unset]), pageSize: 100,
                    pagingState: [0x01], defaultTimestamp: 1))),
            "00000008 'SELECT 1' 0001 2d  0003 00000004 00000001 ffffffff fffffffe  00000064  00000001 01  0000000000000001"
        ),
        (
            // cqlsh 6.2: flags 0x34 (page size, serial, timestamp).
            "QUERY as cqlsh sends it",
            .query(CQLQuery(
                query: "select * from t;",
                parameters: CQLQueryParameters(
                    consistency: .one, pageSize: 100, serialConsistency: .serial, defaultTimestamp: 1_700_000_000_000_000))),
            "00000010 'select * from t;' 0001 34 00000064 0008 00060a24181e4000"
        ),
        (
            "QUERY with named values and skip_metadata",
            .query(CQLQuery(
                query: "q",
                parameters: CQLQueryParameters(
                    consistency: .localQuorum, values: .named([CQLNamedValue(name: "k", value: .bytes([7]))]),
                    skipMetadata: true))),
            "00000001 'q' 0006 43 0001 0001 'k' 00000001 07"
        ),
        (
            // The python driver's EXECUTE: flags 0x25 (values, page size, timestamp), LOCAL_ONE.
            "EXECUTE",
            .execute(CQLExecute(
                id: [0x01, 0x02],
                parameters: CQLQueryParameters(
                    consistency: .localOne, values: .positional([.bytes([0, 0, 0, 1])]), pageSize: 5000,
                    defaultTimestamp: 1))),
            "0002 0102  000a 25  0001 00000004 00000001  00001388  0000000000000001"
        ),
        (
            "BATCH",
            .batch(CQLBatch(
                kind: .unlogged,
                statements: [
                    .init(target: .query("Q")),
                    .init(target: .prepared(id: [0xAA]), values: [.bytes([1])]),
                ],
                consistency: .quorum, serialConsistency: .localSerial, defaultTimestamp: 5)),
            "01 0002  00 00000001 'Q' 0000  01 0001 aa 0001 00000001 01  0004 30 0009 0000000000000005"
        ),
        ("PREPARE", .prepare(CQLPrepare(query: "SELECT ?")), "00000008 'SELECT ?'"),
        (
            "REGISTER",
            .register(CQLRegister(eventTypes: [.topologyChange, .statusChange, .schemaChange])),
            "0003 000f 'TOPOLOGY_CHANGE' 000d 'STATUS_CHANGE' 000d 'SCHEMA_CHANGE'"
        ),
        ("AUTH_RESPONSE", .authResponse(CQLAuthToken(token: Array("\0u\0p".utf8))), "00000004 00 'u' 00 'p'"),
        ("AUTH_RESPONSE null", .authResponse(CQLAuthToken(token: nil)), "ffffffff"),
        ("OPTIONS", .options, ""),
    ]

    @Test(arguments: goldens.indices)
    func goldenRequest(index: Int) throws {
        let (name, request, body) = Self.goldens[index]
        let frame = CQLRequestFrame(stream: 5, request: request)
        let golden = bytes(body)
        #expect(frame.frame.body.allBytes == golden, "\(name)")
        let wire = encoded(frame)
        #expect(Array(wire.prefix(9)) == [0x04, 0x00, 0x00, 0x05, request.opcode.rawValue] + bytesOfInt32(golden.count))
        #expect(try CQLRequestFrame(decoding: decodeSingleFrame(wire, direction: .request)) == frame, "\(name)")
    }

    @Test(arguments: [
        // A [value] length below -2.
        ("00000001 'q' 0001 01 0001 fffffffd", CQLProtocolError.invalidLength(field: "bound value", length: -3)),
        // An unknown consistency code.
        ("00000001 'q' 000b 00", .unknownConsistency(11)),
        // Long.MIN_VALUE is reserved as "no timestamp".
        ("00000001 'q' 0001 20 8000000000000000", .outOfBoundTimestamp(.min)),
        // 65535 values cannot fit in the 2 remaining bytes of the body.
        ("00000001 'q' 0001 01 ffff 0000", .truncatedBody(.query)),
        // Invalid UTF-8 in the query string.
        ("00000001 ff 0001 00", .invalidUTF8(field: "QUERY string")),
        ("ffffffff", .invalidLength(field: "QUERY string", length: -1)),
    ])
    func malformedQueries(body: String, error: CQLProtocolError) throws {
        let bodyBytes = bytes(body)
        let frame = try decodeSingleFrame(bytes("04 00 0000 07") + bytesOfInt32(bodyBytes.count) + bodyBytes, direction: .request)
        #expect(throws: error) { try CQLRequestFrame(decoding: frame) }
    }

    @Test(arguments: [
        ("03 0000 0001 00", CQLProtocolError.unknownBatchType(3)),
        ("00 0001 02 00000000 0000 0001 00", .unknownBatchStatementKind(2)),
        ("00 0000 0001 40", .invalidFlags(field: "BATCH", flags: 0x40)),
        ("00 0000 0001 01", .invalidFlags(field: "BATCH", flags: 0x01)),
    ])
    func malformedBatches(body: String, error: CQLProtocolError) throws {
        var buffer = buffer(body)
        #expect(throws: error) { try buffer.readCQLBatch() }
        #expect(buffer.readerIndex == 0, "the reader index is restored on error")
    }

    @Test func readersReturnNilAndRestoreTheIndexWhenBytesAreMissing() throws {
        var full = ByteBuffer()
        full.writeCQLBatch(CQLBatch(kind: .logged, statements: [.init(target: .query("x"), values: [.null])], consistency: .one))
        let all = full.allBytes
        for cut in 0..<all.count {
            var partial = ByteBuffer(bytes: all.prefix(cut))
            #expect(try partial.readCQLBatch() == nil)
            #expect(partial.readerIndex == 0)
        }
        #expect(try full.readCQLBatch() != nil)
    }

    @Test func startupAccessors() {
        let startup = CQLStartup(options: ["CQL_VERSION": "3.4.7", "COMPRESSION": "LZ4", "DRIVER_NAME": "x"])
        #expect(startup.cqlVersion == "3.4.7")
        #expect(startup.compression.flatMap(CQLCompression.init(rawValue:)) == .lz4)
    }

    @Test func registerRejectsUnknownEventTypes() {
        var buffer = buffer("0001 0004 'NOPE'")
        #expect(throws: CQLProtocolError.unknownEnumValue(field: "event type", value: "NOPE")) { try buffer.readCQLRegister() }
    }

    @Test func duplicateStartupKeysAreRejected() {
        var buffer = buffer("0002 0001 'a' 0001 'b' 0001 'a' 0001 'c'")
        #expect(throws: CQLProtocolError.duplicateKey(field: "STARTUP options", key: "a")) { try buffer.readCQLStartup() }
    }
}

func bytesOfInt32(_ value: Int) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
}
