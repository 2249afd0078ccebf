import BasaltCoordination
import BasaltCore
import BasaltMetrics
import BasaltCQLProtocol
import BasaltQuery
import BasaltStorage
import Foundation

/// The coordinator: the `StorageProxy` of a node in a cluster. Writes go to every live replica of
/// a partition (hints for the others) and are acknowledged when the consistency level is met;
/// reads ask one replica for data and the others for digests, and on a mismatch read everything,
/// repair the stale replicas (blocking read repair) and answer the merged result. The decisions
/// are the pure values of `BasaltCoordination`; this type only sends and waits.
public final class ClusterStorageProxy: StorageProxy, @unchecked Sendable {
    /// Cassandra's defaults: write_request_timeout 2 s, read_request_timeout 5 s,
    /// range_request_timeout 10 s, truncate_request_timeout 60 s.
    public struct Timeouts: Sendable {
        public var write: Duration = .seconds(2)
        public var read: Duration = .seconds(5)
        public var range: Duration = .seconds(10)
        public var truncate: Duration = .seconds(60)

        public init() {}
    }

    /// Partitions asked of a replica per range-read round trip.
    static let rangeBatch = 256

    let view: ClusterView
    let transport: ReplicaTransport
    let service: ReplicaService
    let hints: HintStore
    let catalog: SchemaCatalog
    let engine: StorageEngine
    let timeouts: Timeouts
    let hintsEnabled: Bool
    let schemaSync: SchemaSync?
    /// Runs the request's tasks and times its timeouts: the real ones in a node, the simulator's in tests.
    let runtime: NodeRuntime
    /// Each replica's answer times, for the metrics endpoint.
    public let replicaLatencies = ReplicaLatencies()
    public let readRepairs = ReadRepairCounts()

    public init(view: ClusterView, transport: ReplicaTransport, service: ReplicaService, hints: HintStore,
                catalog: SchemaCatalog, engine: StorageEngine, timeouts: Timeouts = Timeouts(), hintsEnabled: Bool = true,
                schemaSync: SchemaSync? = nil, runtime: NodeRuntime = NodeRuntime()) {
        self.runtime = runtime
        self.hintsEnabled = hintsEnabled
        self.schemaSync = schemaSync
        self.view = view
        self.transport = transport
        self.service = service
        self.hints = hints
        self.catalog = catalog
        self.engine = engine
        self.timeouts = timeouts
    }

    // MARK: writes

    public func write(_ updates: [PartitionUpdate], consistency: CQLConsistency, writeType: CQLWriteType) async throws {
        // Every partition is planned before anything is sent, so Unavailable means nothing was written.
        var inputs: [(requirement: ConsistencyRequirement, replicas: [ReplicaCandidate<NodeAddress>],
                      pending: [ReplicaCandidate<NodeAddress>])] = []
        inputs.reserveCapacity(updates.count)
        var localOnly = true
        for update in updates {
            guard let table = catalog.table(id: update.table), let keyspace = catalog.keyspace(table.keyspace) else {
                throw QueryError(.invalid, "unknown table \(update.table)")
            }
            let requirement = try requirement(consistency, isWrite: true, keyspace: keyspace)
            let replicas = view.replicas(of: update.key.token, keyspace: keyspace)
            let pending = view.pendingReplicas(of: update.key.token, keyspace: keyspace)
            localOnly = localOnly && pending.isEmpty && replicas.count == 1 && replicas[0].isLocal && replicas[0].isAlive
                && requirement.isMet(byReplicasIn: [replicas[0].dataCenter])
            inputs.append((requirement, replicas, pending))
        }
        // This node alone holds every partition and meets the level: one local mutation, no plans,
        // messages or bookkeeping (the path of every write to a single node).
        if localOnly {
            RequestContext.current?.noteReplicas(inputs.lazy.map { $0.replicas[0].replica })
            return try await engine.write(Mutation(updates))
        }
        let plans = try inputs.map { input throws(QueryError) in
            try rejecting { () throws(ConsistencyRejection) in
                try WritePlan(requirement: input.requirement, replicas: input.replicas, pending: input.pending)
            }
        }
        RequestContext.current?.noteReplicas(plans.lazy.flatMap { $0.targets.lazy.map { $0.replica } })
        // Each replica gets one mutation with all of its partitions (a batch stays one commit-log
        // record there); the round counts its answer for every partition it carried.
        let runner = RoundRunner(WriteRound(plans: plans), runtime: runtime) { runner, step in
            switch step {
            case .send(let share):
                let mutation = Mutation(share.partitions.map { updates[$0] })
                let replica = share.replica.replica
                self.runtime.spawn {
                    do {
                        let started = ContinuousClock.now
                        if share.replica.isLocal {
                            try await self.engine.write(mutation)
                        } else {
                            _ = try await self.transport.request(.mutation, payload: DataCodec.encode(mutation), to: replica,
                                                                 timeout: self.timeouts.write)
                        }
                        self.replicaLatencies.record(replica, .write, since: started)
                        runner.deliver(.acknowledged(replica))
                    } catch ReplicaRequestError.timedOut {
                        runner.deliver(.unanswered(replica))
                    } catch {
                        runner.deliver(.failed(replica))
                    }
                }
            case .hint(let share):
                let mutation = Mutation(share.partitions.map { updates[$0] })
                self.runtime.spawn {
                    if await self.storeHint(mutation, for: share.replica.replica) {
                        runner.deliver(.hintStored(share.replica.replica))
                    }
                }
            }
        }
        let round = await runner.run(timeout: timeouts.write)
        guard round.outcome != .met, let partition = round.deciding else { return }
        let tracker = round.trackers[partition]
        let blockFor = Int32(tracker.requirement.blockFor)
        if round.outcome == .failed {
            throw QueryError(.writeFailure(consistency: consistency, received: Int32(tracker.received), blockFor: blockFor,
                                           failures: Int32(tracker.failures.count), writeType: writeType),
                             "Operation failed - received \(tracker.received) responses and \(tracker.failures.count) failures")
        }
        throw QueryError(.writeTimeout(consistency: consistency, received: Int32(tracker.received), blockFor: blockFor,
                                       writeType: writeType),
                         "Operation timed out - received only \(tracker.received) responses.")
    }

    @discardableResult
    private func storeHint(_ mutation: Mutation, for replica: NodeAddress) async -> Bool {
        guard hintsEnabled, let host = view.hostID(of: replica) else { return false }
        return (try? await hints.store(mutation, for: host, downSeconds: view.downSeconds(of: replica))) ?? false
    }

    // MARK: single-partition reads

    private enum ReadAnswer: Sendable {
        case data(PartitionUpdate?)
        case digest(PartitionDigest)

        var digest: PartitionDigest {
            switch self {
            case .data(let update): PartitionDigest(of: update)
            case .digest(let digest): digest
            }
        }
    }

    public func read(_ table: TableSchema, key: PartitionKey, slice: ClusteringSlice,
                     consistency: CQLConsistency) async throws -> ResolvedPartition? {
        guard let keyspace = catalog.keyspace(table.keyspace) else { throw QueryError(.invalid, "Keyspace '\(table.keyspace)' does not exist") }
        let requirement = try requirement(consistency, isWrite: false, keyspace: keyspace)
        let replicas = view.replicas(of: key.token, keyspace: keyspace)
        let plan = try rejecting { () throws(ConsistencyRejection) in
            try ReadPlan(requirement: requirement, replicas: replicas, localDataCenter: view.localDataCenter)
        }
        let command = ReadCommand(table: table.id, key: key, slice: slice)
        RequestContext.current?.noteReplicas(plan.contacts.lazy.map(\.replica))
        if plan.contacts.count == 1, plan.contacts[0].isLocal {
            return resolve(try service.read(command))
        }
        let payload = command.encoded()
        let round = await gather(plan, timeout: timeouts.read) { contact, data -> ReadAnswer in
            if contact.isLocal {
                let update = try self.service.read(command)
                return data ? .data(update) : .digest(PartitionDigest(of: update))
            }
            if data {
                return .data(try ReadDataResponse.decode(
                    try await self.transport.request(.readData, payload: payload, to: contact.replica, timeout: self.timeouts.read)))
            }
            return .digest(try PartitionDigest(decoding:
                try await self.transport.request(.readDigest, payload: payload, to: contact.replica, timeout: self.timeouts.read)))
        }
        let answers = round.answers
        let dataPresent = round.anyData { if case .data = $0 { true } else { false } }
        if let error = unmet(round, dataPresent: dataPresent) { throw error }
        let digests = Set(answers.map(\.answer.digest))
        if digests.count == 1, case .data(let update)? = answers.first(where: { if case .data = $0.answer { true } else { false } })?.answer {
            return resolve(update)
        }
        // Replicas disagree (or only digests came back): read everything from those that answered.
        return resolve(try await reconcile(command, from: answers.map(\.replica), consistency: consistency,
                                           blockFor: requirement.blockFor))
    }

    /// Runs a `ReadRound` over `plan`: `ask` carries out each of its asks (the first contact for
    /// data, the others for digests, a spare for data when a contact fails).
    private func gather<Value: Sendable>(
        _ plan: ReadPlan<NodeAddress>, timeout: Duration,
        ask: @escaping @Sendable (_ contact: ReplicaCandidate<NodeAddress>, _ data: Bool) async throws -> Value
    ) async -> ReadRound<NodeAddress, Value> {
        let runner = RoundRunner(ReadRound<NodeAddress, Value>(plan: plan), runtime: runtime) { runner, step in
            self.runtime.spawn {
                do {
                    let started = ContinuousClock.now
                    let answer = try await ask(step.contact, step.data)
                    self.replicaLatencies.record(step.contact.replica, .read, since: started)
                    runner.deliver(.answered(step.contact.replica, answer))
                } catch ReplicaRequestError.timedOut {
                    // Not replaced: the read as a whole times out at the same moment.
                } catch {
                    runner.deliver(.failed(step.contact.replica))
                }
            }
        }
        return await runner.run(timeout: timeout)
    }

    /// The client's error for a read whose level was not met; nil when it was.
    private func unmet<Value>(_ round: ReadRound<NodeAddress, Value>, dataPresent: Bool) -> QueryError? {
        let tracker = round.tracker
        let consistency = tracker.requirement.consistency
        let blockFor = Int32(tracker.requirement.blockFor)
        switch round.outcome {
        case .met, nil:
            return nil
        case .failed:
            return QueryError(.readFailure(consistency: consistency, received: Int32(tracker.received), blockFor: blockFor,
                                           failures: Int32(tracker.failures.count), dataPresent: dataPresent),
                              "Operation failed - received \(tracker.received) responses and \(tracker.failures.count) failures")
        case .timedOut:
            return QueryError(.readTimeout(consistency: consistency, received: Int32(tracker.received), blockFor: blockFor,
                                           dataPresent: dataPresent),
                              "Operation timed out - received only \(tracker.received) responses.")
        }
    }

    /// Full data from `replicas`, merged; stale replicas are repaired before the answer is given,
    /// so a later read at the same level cannot see older data (monotonic quorum reads).
    private func reconcile(_ command: ReadCommand, from replicas: [NodeAddress], consistency: CQLConsistency,
                           blockFor: Int) async throws -> PartitionUpdate? {
        let payload = command.encoded()
        let answers = try await withThrowingTaskGroup(of: (NodeAddress, PartitionUpdate?).self) { group in
            for replica in replicas {
                group.addTask {
                    if replica == self.view.localAddress { return (replica, try self.service.read(command)) }
                    let bytes = try await self.transport.request(.readData, payload: payload, to: replica, timeout: self.timeouts.read)
                    return (replica, try ReadDataResponse.decode(bytes))
                }
            }
            var answers: [(replica: NodeAddress, data: PartitionUpdate?)] = []
            do {
                for try await answer in group { answers.append(answer) }
            } catch {
                throw QueryError(.readTimeout(consistency: consistency, received: Int32(answers.count), blockFor: Int32(blockFor),
                                              dataPresent: !answers.isEmpty),
                                 "Operation timed out while reconciling replicas - received only \(answers.count) responses.")
            }
            return answers
        }
        let merged = ReadResolution.merge(answers.map(\.data))
        try await repair(ReadResolution.repairs(answers, merged: merged), consistency: consistency, blockFor: blockFor)
        return merged
    }

    private func repair(_ repairs: [(replica: NodeAddress, update: PartitionUpdate)], consistency: CQLConsistency,
                        blockFor: Int) async throws {
        guard !repairs.isEmpty else { return }
        readRepairs.sent(repairs.count)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for repair in repairs {
                    group.addTask {
                        let mutation = Mutation([repair.update])
                        if repair.replica == self.view.localAddress { return try await self.engine.write(mutation) }
                        _ = try await self.transport.request(.mutation, payload: DataCodec.encode(mutation), to: repair.replica,
                                                             timeout: self.timeouts.write)
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            readRepairs.failed(1)
            throw QueryError(.readTimeout(consistency: consistency, received: Int32(blockFor - 1), blockFor: Int32(blockFor),
                                          dataPresent: true),
                             "Operation timed out while repairing a replica: \(error)")
        }
    }

    private func resolve(_ update: PartitionUpdate?) -> ResolvedPartition? {
        guard let update else { return nil }
        let resolved = PartitionResolver(now: Int32(clamping: engine.configuration.clock() / 1_000_000)).resolve(update)
        return resolved.isEmpty ? nil : resolved
    }

    // MARK: range scans

    public func scan(_ table: TableSchema, from start: PartitionKey?, inclusive: Bool, endToken: Int64?,
                     consistency: CQLConsistency) async throws -> any PartitionStream {
        guard let keyspace = catalog.keyspace(table.keyspace) else { throw QueryError(.invalid, "Keyspace '\(table.keyspace)' does not exist") }
        let requirement = try requirement(consistency, isWrite: false, keyspace: keyspace)
        let ring = view.ranges(of: keyspace)
        if ring.isEmpty {
            // No ring yet (a node that has not heard of any member, itself included): no replica
            // at all, as a single-partition read would find, not an empty table.
            _ = try rejecting { () throws(ConsistencyRejection) in
                try ReadPlan<NodeAddress>(requirement: requirement, replicas: [], localDataCenter: view.localDataCenter)
            }
        }
        let ranges = ring.filter { range in
            if let endToken, let rangeStart = range.start, rangeStart >= endToken { return false }
            if let start, let rangeEnd = range.end, rangeEnd < start.token { return false }
            return true
        }
        return ClusterPartitionStream(proxy: self, table: table, requirement: requirement, ranges: ranges,
                                      start: start, inclusive: inclusive, endToken: endToken)
    }

    /// One round of a range read: `command` to the contacts of `range`, merged and repaired.
    /// Returns the resolved partitions in token order and where to continue (nil = range done).
    func readRange(_ command: RangeReadCommand, range: ScanRange,
                   requirement: ConsistencyRequirement) async throws -> (partitions: [ResolvedPartition], resume: PartitionKey?) {
        let plan = try rejecting { () throws(ConsistencyRejection) in
            try ReadPlan(requirement: requirement, replicas: range.replicas, localDataCenter: view.localDataCenter)
        }
        let consistency = requirement.consistency
        let payload = command.encoded()
        RequestContext.current?.noteReplicas(plan.contacts.lazy.map(\.replica))
        // Every contact answers with data: a range has no digest form.
        let round = await gather(plan, timeout: timeouts.range) { contact, _ -> RangeReadResponse in
            if contact.isLocal { return try self.service.rangeRead(command) }
            return try RangeReadResponse(decoding: try await self.transport.request(
                .rangeRead, payload: payload, to: contact.replica, timeout: self.timeouts.range))
        }
        let answers = round.answers.map { (replica: $0.replica, response: $0.answer) }
        if let error = unmet(round, dataPresent: !answers.isEmpty) { throw error }
        // Replicas that stopped at the limit cover keys only up to their last one: everything past
        // the smallest such key waits for the next round, when every replica covers it.
        let cutoff = answers.filter { !$0.response.exhausted }.compactMap { $0.response.partitions.last?.key }.min()
        var byKey: [PartitionKey: [(replica: NodeAddress, data: PartitionUpdate?)]] = [:]
        for answer in answers {
            for partition in answer.response.partitions where cutoff.map({ partition.key <= $0 }) ?? true {
                byKey[partition.key, default: []].append((answer.replica, partition))
            }
        }
        var partitions: [ResolvedPartition] = []
        var repairs: [(replica: NodeAddress, update: PartitionUpdate)] = []
        for key in byKey.keys.sorted() {
            var held = byKey[key]!
            for answer in answers where !held.contains(where: { $0.replica == answer.replica }) { held.append((answer.replica, nil)) }
            let merged = ReadResolution.merge(held.map(\.data))
            if answers.count > 1 { repairs += ReadResolution.repairs(held, merged: merged) }
            if let resolved = resolve(merged) { partitions.append(resolved) }
        }
        try await repair(repairs, consistency: consistency, blockFor: requirement.blockFor)
        return (partitions, cutoff)
    }

    // MARK: truncate

    /// Truncation needs every node (Cassandra: ALL, or Unavailable), since a node that missed it
    /// would bring the rows back.
    public func truncate(_ table: TableSchema) async throws {
        let members = view.members
        let alive = members.filter(\.isAlive)
        guard alive.count == members.count else {
            throw QueryError(.unavailable(consistency: .all, required: Int32(members.count), alive: Int32(alive.count)),
                             "Cannot achieve consistency level ALL")
        }
        var writer = ByteWriter()
        DataCodec.writeTableID(table.id, to: &writer)
        let payload = writer.bytes
        try await withThrowingTaskGroup(of: Void.self) { group in
            for member in members {
                group.addTask {
                    if member.address == self.view.localAddress { return try self.engine.truncate(table.id) }
                    _ = try await self.transport.request(.truncate, payload: payload, to: member.address,
                                                         timeout: self.timeouts.truncate)
                }
            }
            try await group.waitForAll()
        }
    }

    // MARK: schema

    public func announceSchemaChange() async {
        guard let schemaSync, let facts = try? catalog.schemaFacts() else { return }
        await schemaSync.push(facts)
    }

    // MARK: helpers

    private func requirement(_ consistency: CQLConsistency, isWrite: Bool, keyspace: KeyspaceSchema) throws -> ConsistencyRequirement {
        let factors = view.replicationFactors(of: keyspace)
        return try rejecting { () throws(ConsistencyRejection) in
            try ConsistencyRequirement.forLevel(consistency, isWrite: isWrite, replicationFactors: factors,
                                                localDataCenter: view.localDataCenter)
        }
    }

    /// Turns a planning rejection into the client's error.
    private func rejecting<T>(_ body: () throws(ConsistencyRejection) -> T) throws(QueryError) -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .invalid(let message): throw QueryError(.invalid, message)
            case let .unavailable(consistency, required, alive):
                throw QueryError(.unavailable(consistency: consistency, required: Int32(required), alive: Int32(alive)),
                                 "Cannot achieve consistency level \(consistency)")
            }
        }
    }
}
