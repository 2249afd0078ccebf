import NIOCore
import Testing

@testable import BasaltCQLProtocol

@Suite struct ResponseMessageTests {
    /// Every ERROR kind with message "m": `[int] code`, `0001 'm'`, then the code's body (spec §9).
    static let errorGoldens: [(CQLErrorMessage.Kind, String)] = [
        (.serverError, "00000000 0001 'm'"),
        (.protocolError, "0000000a 0001 'm'"),
        (.badCredentials, "00000100 0001 'm'"),
        (.unavailable(consistency: .quorum, required: 3, alive: 1), "00001000 0001 'm' 0004 00000003 00000001"),
        (.overloaded, "00001001 0001 'm'"),
        (.isBootstrapping, "00001002 0001 'm'"),
        (.truncateError, "00001003 0001 'm'"),
        (
            .writeTimeout(consistency: .localQuorum, received: 1, blockFor: 2, writeType: .batchLog),
            "00001100 0001 'm' 0006 00000001 00000002 0009 'BATCH_LOG'"
        ),
        (
            .readTimeout(consistency: .one, received: 0, blockFor: 1, dataPresent: true),
            "00001200 0001 'm' 0001 00000000 00000001 01"
        ),
        (
            .readFailure(consistency: .all, received: 2, blockFor: 3, failures: 1, dataPresent: false),
            "00001300 0001 'm' 0005 00000002 00000003 00000001 00"
        ),
        (
            .functionFailure(keyspace: "k", function: "f", argumentTypes: ["int"]),
            "00001400 0001 'm' 0001 'k' 0001 'f' 0001 0003 'int'"
        ),
        (
            .writeFailure(consistency: .two, received: 1, blockFor: 2, failures: 1, writeType: .simple),
            "00001500 0001 'm' 0002 00000001 00000002 00000001 0006 'SIMPLE'"
        ),
        (.syntaxError, "00002000 0001 'm'"),
        (.unauthorized, "00002100 0001 'm'"),
        (.invalid, "00002200 0001 'm'"),
        (.configError, "00002300 0001 'm'"),
        (.alreadyExists(keyspace: "k", table: ""), "00002400 0001 'm' 0001 'k' 0000"),
        (.unprepared(id: [0xAB, 0xCD]), "00002500 0001 'm' 0002 abcd"),
        (.unknown(code: 0x1600), "00001600 0001 'm'"),
    ]

    @Test(arguments: errorGoldens.indices)
    func errorBodies(index: Int) throws {
        let (kind, body) = Self.errorGoldens[index]
        try checkGolden(.error(CQLErrorMessage(kind, message: "m")), body: body)
    }

    @Test func unknownWriteTypeIsRejected() {
        var buffer = buffer("00001100 0001 'm' 0001 00000001 00000001 0004 'NOPE'")
        #expect(throws: CQLProtocolError.unknownEnumValue(field: "write type", value: "NOPE")) { try buffer.readCQLErrorMessage() }
    }

    @Test func longErrorMessagesAreClamped() {
        let message = CQLErrorMessage(.invalid, message: String(repeating: "é", count: 40_000))
        #expect(message.message.utf8.count == 65_534)
        var out = ByteBuffer()
        out.writeCQLErrorMessage(message)
        #expect(out.readableBytes == 4 + 2 + 65_534)
    }

    static let otherGoldens: [(name: String, response: CQLResponse, body: String)] = [
        ("READY", .ready, ""),
        (
            "AUTHENTICATE", .authenticate(CQLAuthenticate(authenticatorClass: "PasswordAuthenticator")),
            "0015 'PasswordAuthenticator'"
        ),
        ("AUTH_CHALLENGE", .authChallenge(CQLAuthToken(token: [1, 2])), "00000002 0102"),
        ("AUTH_SUCCESS null", .authSuccess(CQLAuthToken(token: nil)), "ffffffff"),
        ("RESULT Void", .result(.void), "00000001"),
        ("RESULT Set_keyspace", .result(.setKeyspace("Ks")), "00000003 0002 'Ks'"),
        (
            // Global table spec + has_more_pages; columns int and list<text>; one row (1, null).
            "RESULT Rows",
            .result(.rows(CQLRows(
                metadata: CQLRowsMetadata(
                    columns: [
                        CQLColumnSpec(keyspace: "ks", table: "t", name: "a", type: .int),
                        CQLColumnSpec(keyspace: "ks", table: "t", name: "b", type: .list(.text)),
                    ],
                    pagingState: [0xCA, 0xFE]),
                rows: [[[0, 0, 0, 1], nil]]))),
            "00000002  00000003 00000002 00000002 cafe  0002 'ks' 0001 't'  0001 'a' 0009  0001 'b' 0020 000d"
                + "  00000001  00000004 00000001 ffffffff"
        ),
        (
            // Columns from two tables: no global spec; a UDT, a tuple, a map and duration (custom in v4).
            "RESULT Rows per-column specs",
            .result(.rows(CQLRows(
                metadata: CQLRowsMetadata(columns: [
                    CQLColumnSpec(
                        keyspace: "k", table: "a", name: "u",
                        type: .udt(CQLUserType(keyspace: "k", name: "p", fields: [.init(name: "x", type: .bigint)]))),
                    CQLColumnSpec(keyspace: "k", table: "b", name: "v", type: .tuple([.uuid, .map(key: .ascii, value: .blob)])),
                    CQLColumnSpec(keyspace: "k", table: "b", name: "d", type: .duration),
                ]),
                rows: []))),
            "00000002  00000000 00000003"
                + "  0001 'k' 0001 'a' 0001 'u' 0030 0001 'k' 0001 'p' 0001 0001 'x' 0002"
                + "  0001 'k' 0001 'b' 0001 'v' 0031 0002 000c 0021 0001 0003"
                + "  0001 'k' 0001 'b' 0001 'd' 0000 002c 'org.apache.cassandra.db.marshal.DurationType'"
                + "  00000000"
        ),
        (
            "RESULT Rows no_metadata",
            .result(.rows(CQLRows(metadata: CQLRowsMetadata(noMetadataColumnCount: 1), rows: [[[7]]]))),
            "00000002 00000004 00000001 00000001 00000001 07"
        ),
        (
            // The python driver's INSERT ... VALUES (?, ?, 1, 'x') with pk_indexes [0, 1] (notes appendix).
            "RESULT Prepared",
            .result(.prepared(CQLPrepared(
                id: [0x11, 0x22],
                bindMarkers: [
                    CQLColumnSpec(keyspace: "ks", table: "t", name: "a", type: .int),
                    CQLColumnSpec(keyspace: "ks", table: "t", name: "b", type: .text),
                ],
                partitionKeyIndexes: [0, 1],
                resultMetadata: CQLRowsMetadata(noMetadataColumnCount: 0)))),
            "00000004  0002 1122  00000001 00000002 00000002 0000 0001  0002 'ks' 0001 't' 0001 'a' 0009 0001 'b' 000d"
                + "  00000004 00000000"
        ),
        (
            "RESULT Schema_change TABLE",
            .result(.schemaChange(CQLSchemaChange(change: .created, target: .table(keyspace: "ks", name: "t")))),
            "00000005 0007 'CREATED' 0005 'TABLE' 0002 'ks' 0001 't'"
        ),
        (
            "RESULT Schema_change KEYSPACE",
            .result(.schemaChange(CQLSchemaChange(change: .dropped, target: .keyspace("ks")))),
            "00000005 0007 'DROPPED' 0008 'KEYSPACE' 0002 'ks'"
        ),
        (
            "RESULT Schema_change AGGREGATE",
            .result(.schemaChange(CQLSchemaChange(
                change: .updated, target: .aggregate(keyspace: "ks", name: "g", argumentTypes: ["int", "text"])))),
            "00000005 0007 'UPDATED' 0009 'AGGREGATE' 0002 'ks' 0001 'g' 0002 0003 'int' 0004 'text'"
        ),
        (
            "RESULT Schema_change TYPE",
            .result(.schemaChange(CQLSchemaChange(change: .created, target: .type(keyspace: "ks", name: "addr")))),
            "00000005 0007 'CREATED' 0004 'TYPE' 0002 'ks' 0004 'addr'"
        ),
        (
            "EVENT STATUS_CHANGE",
            .event(.statusChange(.up, CQLInetSocketAddress(address: CQLInet("127.0.0.1")!, port: 9042))),
            "000d 'STATUS_CHANGE' 0002 'UP' 04 7f000001 00002352"
        ),
        (
            "EVENT TOPOLOGY_CHANGE IPv6",
            .event(.topologyChange(.newNode, CQLInetSocketAddress(address: CQLInet("::1")!, port: 9042))),
            "000f 'TOPOLOGY_CHANGE' 0008 'NEW_NODE' 10 00000000000000000000000000000001 00002352"
        ),
        (
            "EVENT SCHEMA_CHANGE FUNCTION",
            .event(.schemaChange(CQLSchemaChange(
                change: .created, target: .function(keyspace: "ks", name: "f", argumentTypes: ["int"])))),
            "000d 'SCHEMA_CHANGE' 0007 'CREATED' 0008 'FUNCTION' 0002 'ks' 0001 'f' 0001 0003 'int'"
        ),
    ]

    @Test(arguments: otherGoldens.indices)
    func goldenResponse(index: Int) throws {
        let (name, response, body) = Self.otherGoldens[index]
        try checkGolden(response, body: body, name: name)
    }

    private func checkGolden(_ response: CQLResponse, body: String, name: String = "") throws {
        let stream: Int16 = if case .event = response { CQLEvent.stream } else { 3 }
        let frame = CQLResponseFrame(stream: stream, response: response)
        let golden = bytes(body)
        #expect(frame.frame.body.allBytes == golden, "\(name)")
        let wire = encoded(frame)
        #expect(Array(wire.prefix(9)) == [0x84, 0x00] + bytesOf(stream) + [response.opcode.rawValue] + bytesOfInt32(golden.count))
        #expect(try CQLResponseFrame(decoding: decodeSingleFrame(wire, direction: .response)) == frame, "\(name)")
    }

    @Test(arguments: [
        // pk index 2 with only 2 bind markers.
        ("00000004 0000 00000000 00000002 00000001 0002 0000", CQLProtocolError.partitionKeyIndexOutOfRange(index: 2, columnCount: 2)),
        // An unknown RESULT kind.
        ("00000009", .unknownResultKind(9)),
        // Rows with zero columns but a huge row count.
        ("00000002 00000004 00000000 7fffffff", .rowsWithoutColumns(rowCount: Int32.max)),
        // v5's Metadata_changed flag is not v4.
        ("00000002 00000008 00000000 00000000", .invalidFlags(field: "rows metadata", flags: 8)),
        // An unknown type id.
        ("00000002 00000001 00000001 0001 'k' 0001 't' 0001 'c' 0015", .unknownTypeID(0x15)),
    ])
    func malformedResults(body: String, error: CQLProtocolError) {
        var buffer = buffer(body)
        #expect(throws: error) { try buffer.readCQLResult() }
    }

    @Test func deeplyNestedTypesAreRefused() throws {
        var nested = ByteBuffer()
        for _ in 0..<40 { nested.writeInteger(UInt16(0x0020)) }
        nested.writeInteger(UInt16(0x0009))
        #expect(throws: CQLProtocolError.typeNestingTooDeep(limit: 32)) { try nested.readCQLDataType() }
        var ok = ByteBuffer()
        ok.writeCQLDataType(.map(key: .text, value: .list(.set(.tuple([.int, .udt(CQLUserType(keyspace: "k", name: "u", fields: []))])))))
        #expect(try ok.readCQLDataType() == .map(key: .text, value: .list(.set(.tuple([.int, .udt(CQLUserType(keyspace: "k", name: "u", fields: []))])))))
    }
}

func bytesOf(_ value: Int16) -> [UInt8] {
    [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
}
