import Synchronization

/// Verb handlers, registered at any time and read by every inbound request. A lock rather than an
/// immutable table so that subsystems can register as they start (schema after storage, gossip
/// last); an uncontended lock costs far less than the request it guards.
final class HandlerRegistry: Sendable {
    private let handlers = Mutex<[InternodeVerb: InternodeHandler]>([:])

    func register(_ verb: InternodeVerb, _ handler: @escaping InternodeHandler) {
        handlers.withLock { $0[verb] = handler }
    }

    func handler(for verb: InternodeVerb) -> InternodeHandler? {
        handlers.withLock { $0[verb] }
    }
}
