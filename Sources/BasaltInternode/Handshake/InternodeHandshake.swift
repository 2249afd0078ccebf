/// The negotiation rule, pure so that both sides and the tests share it.
///
/// The connecting node offers a version range in HELLO; the acceptor picks the highest version in
/// both ranges. The cluster name is checked first: nodes of another cluster are refused whatever
/// they speak.
public enum InternodeHandshake {
    /// The acceptor's answer to `hello`.
    public static func answer(
        to hello: InternodeHello, clusterName: String, supportedVersions: ClosedRange<UInt8>, hostID: InternodeHostID
    ) -> InternodeHelloAnswer {
        var answer = InternodeHelloAnswer(
            outcome: .accepted, version: 0, supportedVersions: supportedVersions, hostID: hostID,
            clusterName: clusterName)
        if hello.clusterName != clusterName {
            answer.outcome = .clusterNameMismatch
        } else if let version = highestCommonVersion(hello.supportedVersions, supportedVersions) {
            answer.version = version
        } else {
            answer.outcome = .versionMismatch
        }
        return answer
    }

    /// What the connecting node makes of `answer` to the HELLO it sent: the version to speak, or
    /// why it may not. An acceptance of a version outside the offered range is a broken peer and
    /// is reported as a version mismatch too, since no frame could be exchanged anyway.
    public static func version(
        accepting answer: InternodeHelloAnswer, offered hello: InternodeHello
    ) -> Result<UInt8, InternodeHandshakeRefusal> {
        switch answer.outcome {
        case .accepted where hello.supportedVersions.contains(answer.version):
            .success(answer.version)
        case .accepted, .versionMismatch:
            .failure(.versionMismatch(offered: hello.supportedVersions, accepted: answer.supportedVersions))
        case .clusterNameMismatch:
            .failure(.clusterNameMismatch(offered: hello.clusterName, accepted: answer.clusterName))
        }
    }

    static func highestCommonVersion(_ first: ClosedRange<UInt8>, _ second: ClosedRange<UInt8>) -> UInt8? {
        let lowest = max(first.lowerBound, second.lowerBound)
        let highest = min(first.upperBound, second.upperBound)
        return lowest <= highest ? highest : nil
    }
}
