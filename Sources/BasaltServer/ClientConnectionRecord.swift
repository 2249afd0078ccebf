import BasaltCQLProtocol
import BasaltQuery
import Synchronization

/// What `system_views.clients` shows of one connection. Its handler updates it on the connection's
/// event loop as requests arrive; queries on any connection read it, hence the lock.
final class ClientConnectionRecord: Sendable {
    private let state: Mutex<ClientInfo>

    init(address: String, port: Int32) {
        state = Mutex(ClientInfo(address: address, port: port, connectionStage: "established",
                                 protocolVersion: Int32(CQLFrame.version), options: [:], requestCount: 0, keyspace: nil))
    }

    var info: ClientInfo { state.withLock { $0 } }

    func requestReceived() {
        state.withLock { $0.requestCount += 1 }
    }

    /// STARTUP was accepted: the connection is ready, or must log in first, and its options
    /// (driver name and version) are known.
    func started(options: [String: String], authenticating: Bool) {
        state.withLock { info in
            info.connectionStage = authenticating ? "authenticating" : "ready"
            info.options = options
        }
    }

    func loggedIn(as role: String) {
        state.withLock { info in
            info.connectionStage = "ready"
            info.username = role
        }
    }

    func keyspaceChanged(_ keyspace: String?) {
        state.withLock { $0.keyspace = keyspace }
    }
}
