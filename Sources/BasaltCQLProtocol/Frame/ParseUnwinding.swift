import NIOCore

/// Thrown internally by the notation readers when the buffer ends before a field does.
///
/// It never escapes the module: public `readX()` functions turn it into `nil` ("need more bytes")
/// through `parseUnwindingIfNeeded`, and frame-level decoding turns it into
/// `CQLProtocolError.truncated` because a frame body is always complete.
struct CQLNeedMoreBytes: Error {}

extension ByteBuffer {
    /// Runs `parse` and restores the reader index if it needs more bytes (returns `nil`) or throws,
    /// so a caller can retry once more bytes arrive, or report an error at the exact offset.
    mutating func parseUnwindingIfNeeded<T>(_ parse: (inout ByteBuffer) throws -> T?) throws -> T? {
        let saved = self
        do {
            guard let value = try parse(&self) else {
                self = saved
                return nil
            }
            return value
        } catch is CQLNeedMoreBytes {
            self = saved
            return nil
        } catch {
            self = saved
            throw error
        }
    }
}
