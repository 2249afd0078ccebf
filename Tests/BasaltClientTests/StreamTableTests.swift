import Testing

@testable import BasaltClient

/// Stream-id allocation with backpressure: ids are handed out up to the capacity, further
/// requests wait in order, a freed id goes to the longest waiter, timed-out requests keep their
/// id until the late answer comes.
@Suite struct StreamTableTests {
    @Test func handsOutEveryIDOnceThenQueues() {
        var table = StreamTable<String>(capacity: 3)
        let ids = ["a", "b", "c"].map { table.acquire($0, deadline: 100) }
        #expect(Set(ids.compactMap { $0 }).count == 3)
        #expect(table.acquire("d", deadline: 100) == nil)
        #expect(table.acquire("e", deadline: 100) == nil)
        #expect((table.activeCount, table.waitingCount, table.pendingCount) == (3, 2, 5))
    }

    @Test func aFreedIDGoesToTheFirstWaiter() {
        var table = StreamTable<String>(capacity: 1)
        let first = table.acquire("a", deadline: 100)!
        #expect(table.acquire("b", deadline: 100) == nil)
        #expect(table.acquire("c", deadline: 100) == nil)
        let completion = table.complete(first)
        #expect(completion.request == "a")
        #expect(completion.promoted?.stream == first && completion.promoted?.request == "b")
        #expect(table.complete(first).promoted?.request == "c")
        #expect(table.complete(first).promoted == nil)
        #expect(table.pendingCount == 0)
    }

    @Test func strayAndForeignIDsAreIgnored() {
        var table = StreamTable<String>(capacity: 4)
        #expect(table.complete(2).request == nil)
        #expect(table.complete(-1).request == nil)
        #expect(table.complete(4000).request == nil)
    }

    @Test func expiredRequestsOrphanTheirIDUntilTheAnswerComes() {
        var table = StreamTable<String>(capacity: 2)
        let early = table.acquire("early", deadline: 10)!
        _ = table.acquire("late", deadline: 1000)!
        #expect(table.acquire("waiting-early", deadline: 10) == nil)
        #expect(table.acquire("waiting-late", deadline: 1000) == nil)
        #expect(table.expire(now: 50).sorted() == ["early", "waiting-early"])
        #expect((table.activeCount, table.orphanedCount, table.waitingCount) == (1, 1, 1))
        // The late answer frees the orphaned id, which the remaining waiter takes.
        let completion = table.complete(early)
        #expect(completion.request == nil)
        #expect(completion.promoted?.request == "waiting-late")
        #expect(table.orphanedCount == 0)
    }

    @Test func removeAllSeparatesSentFromWaiting() {
        var table = StreamTable<Int>(capacity: 2)
        for request in 0..<5 { _ = table.acquire(request, deadline: 100) }
        let drained = table.removeAll()
        #expect(drained.sent.sorted() == [0, 1])
        #expect(drained.waiting == [2, 3, 4])
        #expect(table.pendingCount == 0)
        #expect(table.acquire(9, deadline: 100) != nil)
    }

    @Test func capacityCanUseEveryStreamID() {
        var table = StreamTable<Int>(capacity: StreamTable<Int>.maximumCapacity)
        var ids = Set<Int16>()
        for request in 0..<StreamTable<Int>.maximumCapacity { ids.insert(table.acquire(request, deadline: 1)!) }
        #expect(ids.count == 32768 && ids.min() == 0 && ids.max() == Int16.max)
        #expect(table.acquire(-1, deadline: 1) == nil)
    }
}
