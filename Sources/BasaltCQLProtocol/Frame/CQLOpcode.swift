/// The message kind in byte 4 of the header (spec §2.4). There is no 0x04: CREDENTIALS was v1 only.
public enum CQLOpcode: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case error = 0x00
    case startup = 0x01
    case ready = 0x02
    case authenticate = 0x03
    case options = 0x05
    case supported = 0x06
    case query = 0x07
    case result = 0x08
    case prepare = 0x09
    case execute = 0x0A
    case register = 0x0B
    case event = 0x0C
    case batch = 0x0D
    case authChallenge = 0x0E
    case authResponse = 0x0F
    case authSuccess = 0x10

    /// The direction this message travels in, used to reject a response opcode in a request frame.
    public var direction: CQLFrameDirection {
        switch self {
        case .startup, .options, .query, .prepare, .execute, .register, .batch, .authResponse: .request
        case .error, .ready, .authenticate, .supported, .result, .event, .authChallenge, .authSuccess: .response
        }
    }

    public var description: String {
        switch self {
        case .error: "ERROR"
        case .startup: "STARTUP"
        case .ready: "READY"
        case .authenticate: "AUTHENTICATE"
        case .options: "OPTIONS"
        case .supported: "SUPPORTED"
        case .query: "QUERY"
        case .result: "RESULT"
        case .prepare: "PREPARE"
        case .execute: "EXECUTE"
        case .register: "REGISTER"
        case .event: "EVENT"
        case .batch: "BATCH"
        case .authChallenge: "AUTH_CHALLENGE"
        case .authResponse: "AUTH_RESPONSE"
        case .authSuccess: "AUTH_SUCCESS"
        }
    }
}

/// The most significant bit of the version byte: 0 for client-to-server, 1 for server-to-client.
public enum CQLFrameDirection: Hashable, Sendable {
    case request
    case response

    var versionBit: UInt8 { self == .request ? 0x00 : 0x80 }
}
