import BasaltCQLProtocol
import Logging
import NIOCore

extension BasaltClient {
    /// How a client connects, routes, retries and times out. Every field has the default the
    /// drivers use, so `Configuration()` suits most applications.
    public struct Configuration: Sendable {
        /// The native-protocol port of every node (contact points may override it with `host:port`).
        /// Hosts discovered through `system.peers` use it too: that table has no port column.
        public var port: Int = 9042
        /// Connections opened to each host. Each carries up to `maximumRequestsPerConnection`
        /// requests at once, so a few are enough; more spread the work over more event loops.
        public var connectionsPerHost: Int = 2
        /// In-flight requests per connection; further requests wait for a free stream id.
        /// At most 32768, the number of stream ids protocol v4 has.
        public var maximumRequestsPerConnection: Int = 1024
        /// Event-loop threads doing the client's network I/O.
        public var eventLoopThreads: Int = System.coreCount
        /// Deadline of a whole execution, retries included (the drivers' default is 12 s).
        public var requestTimeout: Duration = .seconds(12)
        /// Deadline for establishing one connection, STARTUP included.
        public var connectTimeout: Duration = .seconds(5)
        /// An idle connection sends OPTIONS this often, to notice a peer that vanished without
        /// closing the socket (the drivers use 30 s).
        public var heartbeatInterval: Duration = .seconds(30)
        /// How fast a lost connection is re-established.
        public var reconnection = ReconnectionSchedule()
        public var retryPolicy = RetryPolicy()
        /// When set, idempotent statements that have not been answered after `delay` are also sent
        /// to the next host; the first answer wins.
        public var speculativeExecution: SpeculativeExecution?
        /// Compress frames with lz4 (STARTUP `COMPRESSION=lz4`): less network, more CPU.
        public var compression: CQLCompression?
        /// The keyspace unqualified table names resolve in (as after `USE`).
        public var keyspace: String?
        /// Used when a statement does not set one. The drivers default to LOCAL_ONE.
        public var defaultConsistency: CQLConsistency = .localOne
        /// Rows per page for statements that do not set a page size.
        public var defaultPageSize: Int32 = 5000
        /// Whether statements that do not say otherwise may be retried (see `RetryPolicy`).
        public var defaultIdempotence = false
        /// The data center whose hosts are tried first; nil takes the first contact point's.
        public var localDataCenter: String?
        /// How long a DDL statement waits for every node to report the same schema version.
        public var schemaAgreementTimeout: Duration = .seconds(10)
        /// A role's name and password, for nodes that require a login (PasswordAuthenticator: the
        /// client answers AUTHENTICATE with SASL PLAIN, as the drivers' PlainTextAuthProvider).
        public var credentials: Credentials?
        /// Connect with TLS, for nodes with `client_encryption_options` (nil: plaintext).
        public var tls: TLS?
        public var logger = Logger(label: "basalt.client")

        public init() {}

        public struct Credentials: Hashable, Sendable {
            public var username: String
            public var password: String

            public init(username: String, password: String) {
                self.username = username
                self.password = password
            }
        }

        /// Sends a second (third, ...) execution of a slow idempotent statement to the next host.
        public struct SpeculativeExecution: Hashable, Sendable {
            public var delay: Duration
            /// Executions in total, the first one included.
            public var maximumExecutions: Int

            public init(delay: Duration, maximumExecutions: Int = 2) {
                precondition(maximumExecutions >= 1)
                self.delay = delay
                self.maximumExecutions = maximumExecutions
            }
        }
    }
}
