/// Sent into an inbound connection's pipeline by `shutdown`: read nothing more, answer what is
/// running, then close.
struct DrainInboundConnection: Sendable {}
