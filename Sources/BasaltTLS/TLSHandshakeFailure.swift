import NIOSSL

/// Whether a connection's error came from TLS (a refused certificate, a plaintext peer on a TLS
/// port): such errors are the operator's to fix, so callers log them louder than socket errors.
public enum TLSHandshakeFailure {
    public static func matches(_ error: any Error) -> Bool {
        error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
    }
}
