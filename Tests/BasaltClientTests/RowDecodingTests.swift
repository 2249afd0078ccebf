import BasaltCQLProtocol
import Foundation
import Testing

@testable import BasaltClient

/// Rows as the node sends them (serialized cells) read through typed getters and `Decodable`.
@Suite struct RowDecodingTests {
    static let address = CQLUserType(
        keyspace: "ks", name: "address",
        fields: [.init(name: "street", type: .text), .init(name: "zip", type: .int), .init(name: "tags", type: .set(.text))])

    static let columns = ColumnDefinitions(([
        ("id", .int), ("name", .text), ("balance", .decimal), ("joined", .timestamp), ("avatar", .blob),
        ("emails", .set(.text)), ("scores", .map(key: .text, value: .double)), ("home", .udt(address)),
        ("history", .list(.tuple([.date, .bigint]))), ("nickname", .text), ("key", .uuid), ("age", .smallint),
    ] as [(String, CQLDataType)]).map { CQLColumnSpec(keyspace: "ks", table: "users", name: $0.0, type: $0.1) })

    static let values: [CQLValue] = [
        .int(7), .text("Ada"), .decimal(CQLDecimal("12.50")!), .timestamp(1_700_000_000_000), .blob([1, 2]),
        .set([.text("a@x"), .text("b@x")]), .map([CQLMapEntry(key: .text("math"), value: .double(9.5))]),
        .udt([.text("Main St"), .int(12345)]),  // trailing field missing: null
        .list([.tuple([.date(CQLDate(daysSinceEpoch: 1).wire), .bigint(100)])]), .null,
        .uuid(CQLUUID("123e4567-e89b-42d3-a456-426614174000")!), .smallint(36),
    ]

    static var row: Row {
        let cells = zip(values, columns.specs).map { try! $0.serialize(as: $1.type) }
        return Row(columns: columns, cells: cells)
    }

    struct Address: Decodable, Equatable {
        var street: String
        var zip: Int32
        var tags: Set<String>?
    }

    struct Entry: Decodable, Equatable {
        var day: CQLDate
        var amount: Int64

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            day = try container.decode(CQLDate.self)
            amount = try container.decode(Int64.self)
        }

        init(day: CQLDate, amount: Int64) {
            self.day = day
            self.amount = amount
        }
    }

    struct User: Decodable, Equatable {
        var id: Int
        var name: String
        var balance: CQLDecimal
        var joined: Date
        var avatar: Data
        var emails: Set<String>
        var scores: [String: Double]
        var home: Address
        var history: [Entry]
        var nickname: String?
        var key: UUID
        var age: UInt8
    }

    @Test func decodesEveryKindOfColumn() throws {
        let user = try Self.row.decode(User.self)
        #expect(user == User(
            id: 7, name: "Ada", balance: CQLDecimal("12.50")!, joined: Date(timeIntervalSince1970: 1_700_000_000),
            avatar: Data([1, 2]), emails: ["a@x", "b@x"], scores: ["math": 9.5],
            home: Address(street: "Main St", zip: 12345, tags: nil),
            history: [Entry(day: CQLDate(daysSinceEpoch: 1), amount: 100)], nickname: nil,
            key: UUID(uuidString: "123E4567-E89B-42D3-A456-426614174000")!, age: 36))
    }

    @Test func typedGettersByNameAndIndex() throws {
        let row = Self.row
        #expect(try row.get(Int32.self, "id") == 7)
        #expect(try row.get(Int64.self, at: 0) == 7)
        #expect(try row.get(String?.self, "nickname") == nil)
        #expect(try row.isNull("nickname"))
        let emails: [String] = try row.get("emails")
        #expect(emails == ["a@x", "b@x"])
        #expect(throws: BasaltClientError.self) { try row.get(String.self, "nickname") }
        #expect(throws: BasaltClientError.self) { try row.get(Int32.self, "no_such_column") }
        #expect(throws: BasaltClientError.self) { try row.get(Int16.self, "id") }
    }

    @Test func missingColumnIsADecodingError() {
        struct Wrong: Decodable { var id: Int32; var missing: String }
        #expect(throws: BasaltClientError.self) { try Self.row.decode(Wrong.self) }
    }
}
