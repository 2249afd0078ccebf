/// Cassandra's rules on what a batch may hold, fed one statement's table at a time: a counter
/// batch only updates of counter tables; a logged batch none of them (the batchlog may replay a
/// batch, and a counter increment applied twice counts twice); no batch both kinds.
struct BatchComposition {
    let isCounterBatch: Bool
    let isLogged: Bool
    private var counters = false
    private var others = false

    init(isCounterBatch: Bool, isLogged: Bool) {
        self.isCounterBatch = isCounterBatch
        self.isLogged = isLogged
    }

    mutating func add(_ table: TableSchema) throws(QueryError) {
        let isCounter = table.isCounterTable
        if isCounterBatch && !isCounter { throw .invalid("Cannot include non-counter statement in a counter batch") }
        if isLogged && isCounter { throw .invalid("Cannot include a counter statement in a logged batch") }
        if isCounter { counters = true } else { others = true }
        if counters && others { throw .invalid("Counter and non-counter mutations cannot exist in the same batch") }
    }
}
