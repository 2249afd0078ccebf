import BasaltNIOSupport
import Logging

/// What every connection of one messenger shares: its settings, handlers, counters and running
/// handler tasks. Immutable references to thread-safe parts, so any event loop may use it.
final class MessengerContext: Sendable {
    let configuration: InternodeMessengerConfiguration
    let handlers = HandlerRegistry()
    let counters = PeerCounterRegistry()
    let handlerTasks = HandlerTasks()
    let inbound = DrainableChannelSet()
    let logger: Logger

    init(configuration: InternodeMessengerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The decoder for every connection. It frames versions from 1 up to our highest, not only
    /// the ones we speak: HELLO always travels as version 1 (`handshakeFrameVersion`), and a peer
    /// we cannot talk to must still get a refusal rather than a dropped connection. Which version
    /// a connection actually carries is checked by its handler after the handshake.
    func makeDecoder() -> InternodeFrameDecoder {
        InternodeFrameDecoder(
            maximumPayloadBytes: configuration.maximumPayloadBytes,
            supportedVersions: InternodeProtocol.handshakeFrameVersion...max(
                InternodeProtocol.handshakeFrameVersion, configuration.supportedVersions.upperBound))
    }
}
