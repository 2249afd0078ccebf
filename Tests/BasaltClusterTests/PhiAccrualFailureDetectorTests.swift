import BasaltCore
import Testing
@testable import BasaltCluster

func seconds(_ value: Double) -> MonotonicTime { MonotonicTime(nanoseconds: Int64(value * 1e9)) }

@Suite struct PhiAccrualFailureDetectorTests {
    let peer = node(2)
    let other = node(3)

    /// Heartbeats every second with ±200 ms of jitter, judged every second for 20 minutes: nobody
    /// is convicted (phi stays near t / (1 s · ln 10) ≤ 1).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func steadyHeartbeatsNeverConvict(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var detector = PhiAccrualFailureDetector()
        var nextHeartbeat = 0.0
        for second in 0..<1200 {
            while nextHeartbeat <= Double(second) + 0.5 {
                detector.heartbeat(from: peer, at: seconds(nextHeartbeat))
                nextHeartbeat += Double.random(in: 0.8...1.2, using: &random)
            }
            #expect(detector.interpret(at: seconds(Double(second) + 0.5)) == .assessed(convicted: []), "seed \(seed), second \(second)")
        }
    }

    /// After 100 heartbeats 1 s apart the mean is (2 s + 99 × 1 s) / 100 = 1.01 s (the first sample is
    /// the assumed initial interval), so phi passes 8 at 8 · ln 10 · 1.01 s ≈ 18.6 s of silence:
    /// judged every second, the conviction comes 19 s after the last heartbeat.
    @Test func stoppedHeartbeatsConvictAfterAPredictableSilence() {
        var detector = PhiAccrualFailureDetector()
        for beat in 0..<100 { detector.heartbeat(from: peer, at: seconds(Double(beat))) }
        let last = 99.0
        var convictedAfter: Double?
        for elapsed in 1...30 {
            if case let .assessed(convicted) = detector.interpret(at: seconds(last + Double(elapsed))), convicted == [peer] {
                convictedAfter = Double(elapsed)
                break
            }
        }
        #expect(convictedAfter == 19)
        let phi = detector.phi(of: peer, at: seconds(last + 1.01 * 2.302_585_092_994_046))
        #expect(abs(phi! - 1) < 1e-9)
    }

    @Test func phiFollowsTheExponentialFormula() throws {
        var detector = PhiAccrualFailureDetector()
        detector.heartbeat(from: peer, at: seconds(10))
        // One sample, the assumed 2 s: phi(t) = t / (2 s · ln 10).
        let phi = try #require(detector.phi(of: peer, at: seconds(14)))
        #expect(abs(phi - 4 / (2 * 2.302_585_092_994_046)) < 1e-12)
        #expect(detector.phi(of: other, at: seconds(14)) == nil)
        #expect(detector.phi(of: peer, at: seconds(9)) == 0)
    }

    /// The window holds the last 1000 intervals: after 1000 one-second intervals and then 1000
    /// half-second ones, the mean is exactly 0.5 s.
    @Test func windowForgetsTheOldestIntervals() throws {
        var detector = PhiAccrualFailureDetector()
        var time = 0.0
        detector.heartbeat(from: peer, at: seconds(time))
        for _ in 0..<1000 { time += 1; detector.heartbeat(from: peer, at: seconds(time)) }
        for _ in 0..<1000 { time += 0.5; detector.heartbeat(from: peer, at: seconds(time)) }
        let phi = try #require(detector.phi(of: peer, at: seconds(time + 0.5)))
        #expect(abs(phi - 1 / 2.302_585_092_994_046) < 1e-9)
    }

    /// An interval longer than the maximum (2 s) is not recorded: after a 60 s gap the mean is
    /// still the assumed 2 s, not (2 s + 60 s) / 2.
    @Test func longIntervalsAreNotRecorded() throws {
        var detector = PhiAccrualFailureDetector()
        detector.heartbeat(from: peer, at: seconds(0))
        detector.heartbeat(from: peer, at: seconds(60))
        let phi = try #require(detector.phi(of: peer, at: seconds(62)))
        #expect(abs(phi - 2 / (2 * 2.302_585_092_994_046)) < 1e-12)
    }

    /// The local process stalls for 30 s: the first judgement after it convicts nobody, and peers
    /// whose heartbeats resume are never convicted; a peer that really died is convicted about
    /// 19 s after the pause (its silence restarted when the pause was noticed).
    @Test func localPauseConvictsNobody() {
        var detector = PhiAccrualFailureDetector()
        for second in 0..<60 {
            detector.heartbeat(from: peer, at: seconds(Double(second)))
            detector.heartbeat(from: other, at: seconds(Double(second)))
            #expect(detector.interpret(at: seconds(Double(second) + 0.5)) == .assessed(convicted: []))
        }
        // Paused from 59.5 s to 90 s: no heartbeats processed, no judgement.
        #expect(detector.interpret(at: seconds(90)) == .localPause(.milliseconds(30_500)))
        var convictions: [(Double, [NodeAddress])] = []
        for second in 91..<130 {
            detector.heartbeat(from: peer, at: seconds(Double(second)))
            if case let .assessed(convicted) = detector.interpret(at: seconds(Double(second) + 0.5)), !convicted.isEmpty {
                convictions.append((Double(second) + 0.5, convicted))
            }
        }
        #expect(convictions.first?.0 == 109.5)
        #expect(convictions.allSatisfy { $0.1 == [other] })
        detector.remove(other)
        #expect(detector.endpoints == [peer])
    }
}
