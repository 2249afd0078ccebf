/// A TLS file that cannot be used, with what was seen: the node refuses to start with this one line.
public struct TLSConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum File: String, Sendable, Hashable {
        case certificate = "certificate"
        case privateKey = "private key"
        case trustedCA = "CA certificate (truststore)"
    }

    public enum Problem: Sendable, Hashable {
        /// Missing, a directory, or not readable by this process.
        case unreadable(String)
        /// Read, but holds no PEM object of the expected kind (or a damaged one).
        case notPEM(String)
        /// Each file is valid, but together they are refused (a key that does not match the certificate).
        case rejected(String)
    }

    public var file: File
    public var path: String
    public var problem: Problem

    public init(file: File, path: String, problem: Problem) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .unreadable(let reason): "cannot read the \(file.rawValue) \(path): \(reason)"
        case .notPEM(let reason): "the \(file.rawValue) \(path) is not a usable PEM file: \(reason)"
        case .rejected(let reason): "the \(file.rawValue) \(path) is refused: \(reason)"
        }
    }
}
