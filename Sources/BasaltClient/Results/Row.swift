import BasaltCQLProtocol

/// One row of a result. Cells stay in their wire form until read, so rows that are only counted or
/// forwarded cost no decoding.
public struct Row: Sendable {
    /// The result's columns, shared by all its rows.
    public let columns: ColumnDefinitions
    let cells: [[UInt8]?]

    init(columns: ColumnDefinitions, cells: [[UInt8]?]) {
        precondition(cells.count == columns.count, "\(cells.count) cells for \(columns.count) columns")
        self.columns = columns
        self.cells = cells
    }

    /// The value at `index`, decoded as its column's type.
    public func value(at index: Int) throws -> CQLValue {
        guard columns.specs.indices.contains(index) else {
            throw BasaltClientError.decoding(message: "column index \(index) is out of range (\(columns.count) columns)")
        }
        do {
            return try CQLValue.deserialize(bytes: cells[index], type: columns.specs[index].type)
        } catch {
            throw BasaltClientError.decoding(message: "column \(columns.specs[index].name): \(error)")
        }
    }

    /// The value of the column named `name`.
    public func value(_ name: String) throws -> CQLValue {
        try value(at: try index(of: name))
    }

    /// The value at `index` as a `T`, e.g. `row.get(Int32.self, at: 0)`.
    public func get<T: CQLDecodable>(_ type: T.Type, at index: Int) throws -> T {
        let value = try value(at: index)
        do {
            return try T(cqlValue: value)
        } catch let error as BasaltClientError {
            throw BasaltClientError.decoding(message: "column \(columns.specs[index].name): \(error)")
        }
    }

    /// The value at `index` as the type the context asks for: `let id: Int32 = try row.get(at: 0)`.
    public func get<T: CQLDecodable>(at index: Int) throws -> T {
        try get(T.self, at: index)
    }

    /// The column named `name` as a `T`, e.g. `row.get(String.self, "name")`.
    public func get<T: CQLDecodable>(_ type: T.Type, _ name: String) throws -> T {
        try get(type, at: try index(of: name))
    }

    /// The column named `name` as the type the context asks for: `let name: String? = try row.get("name")`.
    public func get<T: CQLDecodable>(_ name: String) throws -> T {
        try get(T.self, at: try index(of: name))
    }

    /// Whether the column named `name` is null (or empty).
    public func isNull(_ name: String) throws -> Bool {
        let index = try index(of: name)
        guard let bytes = cells[index] else { return true }
        return bytes.isEmpty && columns.specs[index].type.readsEmptyAsNull
    }

    private func index(of name: String) throws -> Int {
        guard let index = columns.index(of: name) else {
            throw BasaltClientError.decoding(message: "no column named \(name) (columns: \(columns.names.joined(separator: ", ")))")
        }
        return index
    }
}

extension CQLDataType {
    /// Types whose zero-length value means "no value" rather than an empty string or blob.
    var readsEmptyAsNull: Bool {
        switch self {
        case .ascii, .text, .blob, .custom: false
        default: true
        }
    }
}
