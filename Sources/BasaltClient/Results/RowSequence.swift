/// Every row of a query, page by page: the next page is fetched when the current one has been
/// consumed, so memory holds one page at a time whatever the result's size.
///
///     for try await row in client.rows("SELECT id, name FROM shop.users", pageSize: 500) {
///         let user = try row.decode(User.self)
///     }
public struct RowSequence: AsyncSequence, Sendable {
    public typealias Element = Row

    let client: BasaltClient
    let statement: Statement

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(client: client, statement: statement)
    }

    /// Holds one page and the paging state of the next.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let client: BasaltClient
        var statement: Statement
        var page: [Row] = []
        var index = 0
        var isLastPage = false

        init(client: BasaltClient, statement: Statement) {
            self.client = client
            self.statement = statement
        }

        public mutating func next() async throws -> Row? {
            // A page may be empty yet not the last (the node stopped at its page limit while
            // skipping deleted rows), hence a loop.
            while index == page.count {
                guard !isLastPage else { return nil }
                let result = try await client.execute(statement)
                page = result.rows
                index = 0
                if let pagingState = result.pagingState {
                    statement.pagingState = pagingState
                } else {
                    isLastPage = true
                }
            }
            defer { index += 1 }
            return page[index]
        }
    }
}
