import BasaltCore
/// Phi-accrual failure detection (Hayashibara et al., "The φ Accrual Failure Detector"), as
/// Cassandra's `gms/FailureDetector` computes it.
///
/// For each endpoint the detector keeps the last `windowSize` intervals between heartbeats (an
/// endpoint's heartbeat "arrives" when gossip brings a newer heartbeat version of it, directly or
/// through another node). Like Cassandra it assumes inter-arrival times are exponentially
/// distributed with the window's mean `m`. The probability that the next heartbeat is still to come
/// `t` after the last one is then `P(t) = e^(-t/m)`, and
///
///     phi(t) = -log10(P(t)) = t / (m · ln 10)
///
/// so phi 1 means a 10% chance the endpoint is still alive, phi 8 (the default threshold) one in
/// 10^8; with 1 s heartbeats an endpoint is convicted about 8 · ln 10 ≈ 18.4 s after it falls silent.
/// (Cassandra computes `t / m` and multiplies by `1 / ln 10` before comparing with
/// `phi_convict_threshold`; the result is the same.)
///
/// Local pauses: if this process itself stalls (GC, SIGSTOP, an overloaded host), every endpoint
/// looks silent when it resumes. `interpret` notices when the gap since its previous call exceeds
/// `maximumLocalPause`, convicts nobody on that call and restarts every endpoint's silence at `now`,
/// so peers are judged only on what happens after the pause.
///
/// A value type with no clock: time is passed in. Not thread-safe; the owner serialises calls.
public struct PhiAccrualFailureDetector: Sendable {
    public struct Configuration: Hashable, Sendable {
        /// Convict when phi exceeds this (Cassandra's `phi_convict_threshold`, default 8).
        public var phiConvictThreshold: Double
        /// Intervals kept per endpoint (Cassandra's `SAMPLE_SIZE`, 1000).
        public var windowSize: Int
        /// The interval assumed for an endpoint's first heartbeat (Cassandra: twice the gossip interval).
        public var initialInterval: Duration
        /// Longer intervals are not recorded (Cassandra's `fd_max_interval_ms`, by default the initial interval).
        public var maximumInterval: Duration
        /// A longer gap between two `interpret` calls is a pause of this process (Cassandra's
        /// `cassandra.max_local_pause_in_ms`, 5 s).
        public var maximumLocalPause: Duration

        public init(phiConvictThreshold: Double = 8, windowSize: Int = 1000, initialInterval: Duration = .seconds(2),
                    maximumInterval: Duration = .seconds(2), maximumLocalPause: Duration = .seconds(5)) {
            precondition(phiConvictThreshold > 0 && windowSize >= 1, "threshold \(phiConvictThreshold), window \(windowSize)")
            precondition(initialInterval > .zero && maximumInterval > .zero && maximumLocalPause > .zero,
                         "failure detector durations must be positive")
            self.phiConvictThreshold = phiConvictThreshold
            self.windowSize = windowSize
            self.initialInterval = initialInterval
            self.maximumInterval = maximumInterval
            self.maximumLocalPause = maximumLocalPause
        }
    }

    /// What one `interpret` call concluded.
    public enum Interpretation: Hashable, Sendable {
        /// The endpoints whose phi is above the threshold, in address order.
        case assessed(convicted: [NodeAddress])
        /// This process was paused for the given time: nobody is convicted, silences restart now.
        case localPause(Duration)
    }

    public let configuration: Configuration
    private var windows: [NodeAddress: ArrivalWindow] = [:]
    private var lastInterpret: MonotonicTime?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The endpoints with heartbeat history, in address order.
    public var endpoints: [NodeAddress] { windows.keys.sorted() }

    /// Records a heartbeat of `endpoint` received at `now`.
    public mutating func heartbeat(from endpoint: NodeAddress, at now: MonotonicTime) {
        if windows[endpoint] == nil {
            windows[endpoint] = ArrivalWindow(firstArrival: now, initialInterval: configuration.initialInterval.nanoseconds,
                                              capacity: configuration.windowSize)
        } else {
            windows[endpoint]!.arrival(at: now, maximumInterval: configuration.maximumInterval.nanoseconds)
        }
    }

    /// phi of `endpoint` at `now` (see the type's documentation), or nil if it never sent a heartbeat.
    public func phi(of endpoint: NodeAddress, at now: MonotonicTime) -> Double? {
        guard let window = windows[endpoint] else { return nil }
        let silence = Double(max(now.nanoseconds - window.lastArrival.nanoseconds, 0))
        return silence / (window.mean * Self.naturalLogarithmOfTen)
    }

    /// Judges every endpoint at `now`; call it once per gossip round.
    public mutating func interpret(at now: MonotonicTime) -> Interpretation {
        defer { lastInterpret = now }
        if let previous = lastInterpret, now - previous > configuration.maximumLocalPause {
            for endpoint in windows.keys { windows[endpoint]!.restart(at: now) }
            return .localPause(now - previous)
        }
        var convicted: [NodeAddress] = []
        for endpoint in endpoints {
            if let phi = phi(of: endpoint, at: now), phi > configuration.phiConvictThreshold { convicted.append(endpoint) }
        }
        return .assessed(convicted: convicted)
    }

    /// Forgets an endpoint (it restarted with a new generation, or left the cluster): its old
    /// intervals say nothing about the new process.
    public mutating func remove(_ endpoint: NodeAddress) {
        windows.removeValue(forKey: endpoint)
    }

    private static let naturalLogarithmOfTen = 2.302_585_092_994_046
}
