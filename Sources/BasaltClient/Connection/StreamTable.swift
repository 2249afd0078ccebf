import DequeModule

/// The stream ids of one connection: which are free, which request each busy one belongs to, and
/// the requests waiting for one. A value type with no I/O, owned by `Connection` under its lock.
///
/// Backpressure: at most `capacity` requests are on the wire at once; more queue here in arrival
/// order and each takes the next id that frees up. Waiting costs the caller latency, not memory
/// without bound: every waiter is a suspended caller.
///
/// A request that times out keeps its id ("orphaned") until its late answer arrives, because an id
/// handed out again too early would receive the old request's answer.
struct StreamTable<Request> {
    private enum Slot {
        case free
        case active(Request, deadline: UInt64)
        case orphaned
    }

    /// Stream ids `0 ..< capacity`; the protocol allows up to 32768 (ids are non-negative Int16).
    let capacity: Int
    private var slots: [Slot]
    /// Free ids, used as a stack: the most recently freed id is reused first, which keeps the
    /// touched part of `slots` small under light load.
    private var freeIDs: [Int16]
    private var waiting: Deque<(request: Request, deadline: UInt64)> = []
    private(set) var activeCount = 0
    private(set) var orphanedCount = 0

    static var maximumCapacity: Int { Int(Int16.max) + 1 }

    init(capacity: Int) {
        precondition(capacity > 0 && capacity <= Self.maximumCapacity, "stream capacity \(capacity)")
        self.capacity = capacity
        slots = Array(repeating: .free, count: capacity)
        freeIDs = (0..<capacity).reversed().map { Int16($0) }
    }

    var waitingCount: Int { waiting.count }

    /// Requests holding an id or waiting for one (orphans excluded: nobody awaits them).
    var pendingCount: Int { activeCount + waiting.count }

    /// Gives `request` a free id, or queues it and returns nil.
    mutating func acquire(_ request: Request, deadline: UInt64) -> Int16? {
        guard let stream = freeIDs.popLast() else {
            waiting.append((request, deadline))
            return nil
        }
        slots[Int(stream)] = .active(request, deadline: deadline)
        activeCount += 1
        return stream
    }

    /// The answer for `stream` arrived: returns its request (nil if it was orphaned or the id is
    /// not in use, e.g. a stray answer), and the waiter that now holds the freed id, if any.
    mutating func complete(_ stream: Int16) -> (request: Request?, promoted: (stream: Int16, request: Request)?) {
        guard stream >= 0, Int(stream) < capacity else { return (nil, nil) }
        let request: Request?
        switch slots[Int(stream)] {
        case .free:
            return (nil, nil)
        case .active(let active, _):
            request = active
            activeCount -= 1
        case .orphaned:
            request = nil
            orphanedCount -= 1
        }
        guard let next = waiting.popFirst() else {
            slots[Int(stream)] = .free
            freeIDs.append(stream)
            return (request, nil)
        }
        slots[Int(stream)] = .active(next.request, deadline: next.deadline)
        activeCount += 1
        return (request, (stream, next.request))
    }

    /// Removes and returns every request whose deadline is at or before `now`: active ones become
    /// orphans (their ids stay taken), waiting ones simply leave the queue.
    mutating func expire(now: UInt64) -> [Request] {
        var expired: [Request] = []
        if activeCount > 0 {
            for index in slots.indices {
                guard case .active(let request, let deadline) = slots[index], deadline <= now else { continue }
                slots[index] = .orphaned
                activeCount -= 1
                orphanedCount += 1
                expired.append(request)
            }
        }
        if waiting.contains(where: { $0.deadline <= now }) {
            expired += waiting.filter { $0.deadline <= now }.map(\.request)
            waiting.removeAll { $0.deadline <= now }
        }
        return expired
    }

    /// Empties the table (the connection closed): the requests that held an id (they were sent)
    /// and those still waiting for one (never sent).
    mutating func removeAll() -> (sent: [Request], waiting: [Request]) {
        var sent: [Request] = []
        sent.reserveCapacity(activeCount)
        for index in slots.indices {
            if case .active(let request, _) = slots[index] { sent.append(request) }
            slots[index] = .free
        }
        let waiting = waiting.map(\.request)
        self.waiting.removeAll()
        freeIDs = (0..<capacity).reversed().map { Int16($0) }
        activeCount = 0
        orphanedCount = 0
        return (sent, waiting)
    }
}
