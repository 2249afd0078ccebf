/// Why a replica could not answer a request: the first two bytes of an error response's payload.
/// DO NOT CHANGE the numbers: they are on the wire.
public enum InternodeErrorCode: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The replica gave up on the request itself (its own deadline for the operation passed).
    case timeout = 0x0001
    /// The replica refused the request because it is shedding load; the coordinator should try
    /// another replica rather than retry this one at once.
    case overloaded = 0x0002
    /// The replica has no handler for the verb (an older version, or the subsystem is not running).
    case unknownVerb = 0x0003
    /// The handler threw; the message says what it threw.
    case handlerFailure = 0x0004
    /// The replica cannot serve the request in its current state (bootstrapping, draining, table
    /// not present yet).
    case unavailable = 0x0005

    public var description: String {
        switch self {
        case .timeout: "timeout at replica"
        case .overloaded: "overloaded"
        case .unknownVerb: "unknown verb"
        case .handlerFailure: "handler failure"
        case .unavailable: "unavailable"
        }
    }
}
