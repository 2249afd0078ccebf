import BasaltCQLProtocol
import BasaltStorage
import Foundation
import Testing
@testable import BasaltQuery

/// A node in a temp directory driven through `QueryProcessor.handle`, with an injectable clock.
final class Harness: @unchecked Sendable {
    let directory: String
    let clock: TestClock
    var engine: StorageEngine
    var processor: QueryProcessor
    let session = CQLSession()

    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var micros: Int64 = 1_700_000_000_000_000
        var now: Int64 { lock.withLock { micros += 1; return micros } }
        func advance(seconds: Int64) { lock.withLock { micros += seconds * 1_000_000 } }
    }

    init() throws {
        directory = "/tmp/basalt-query-\(UUID().uuidString)"
        clock = TestClock()
        (engine, processor) = try Self.start(directory, clock)
    }

    private static func start(_ directory: String, _ clock: TestClock) throws -> (StorageEngine, QueryProcessor) {
        let engine = try StorageEngine(configuration: StorageConfiguration(directory: directory, clock: { clock.now }))
        let catalog = try SchemaCatalog.open(engine: engine)
        return (engine, QueryProcessor(engine: engine, catalog: catalog, node: NodeIdentity(), events: nil))
    }

    func restart() throws {
        try engine.close()
        (engine, processor) = try Self.start(directory, clock)
    }

    deinit {
        try? engine.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func run(_ query: String, _ values: [CQLBoundValue]? = nil, pageSize: Int32? = nil, pagingState: [UInt8]? = nil,
             timestamp: Int64? = nil) async -> CQLResponse {
        let parameters = CQLQueryParameters(consistency: .one, values: values.map { .positional($0) }, pageSize: pageSize,
                                            pagingState: pagingState, defaultTimestamp: timestamp)
        return await processor.handle(.query(CQLQuery(query: query, parameters: parameters)), session: session)
    }

    /// Runs a statement that must succeed.
    @discardableResult
    func ok(_ query: String, _ values: [CQLBoundValue]? = nil, timestamp: Int64? = nil) async throws -> CQLResult {
        let response = await run(query, values, timestamp: timestamp)
        guard case .result(let result) = response else { throw Failure("\(query): \(response)") }
        return result
    }

    /// Rows of a SELECT, decoded.
    func rows(_ query: String, _ values: [CQLBoundValue]? = nil) async throws -> [[CQLValue]] {
        guard case .rows(let rows) = try await ok(query, values) else { throw Failure("\(query) returned no rows") }
        return try decode(rows)
    }

    func decode(_ rows: CQLRows) throws -> [[CQLValue]] {
        let types = rows.metadata.columns!.map(\.type)
        return try rows.rows.map { row in try zip(row, types).map { try CQLValue.deserialize(bytes: $0, type: $1) } }
    }

    func error(_ query: String) async -> CQLErrorMessage? {
        if case .error(let error) = await run(query) { return error }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A statement Basalt must refuse: the error code, and text the message must contain (Cassandra's
/// wording). The rows of the validation tables.
struct Refusal: Sendable, CustomTestStringConvertible {
    var statement: String
    var kind: CQLErrorMessage.Kind
    var message: String
    var testDescription: String { statement.count > 90 ? String(statement.prefix(90)) + "…" : statement }

    init(_ statement: String, _ kind: CQLErrorMessage.Kind, _ message: String) {
        self.statement = statement
        self.kind = kind
        self.message = message
    }

    /// Most refusals are InvalidRequest.
    init(_ statement: String, _ message: String) { self.init(statement, .invalid, message) }
}
