import Foundation

/// The name and password of an HTTP `Authorization: Basic …` header (RFC 7617): base64 of
/// `name:password`, split at the first colon (a password may hold colons, a name may not).
struct BasicCredentials: Hashable, Sendable {
    var username: String
    var password: String

    /// Nil for a missing header, another scheme, bad base64, text that is not UTF-8, or no colon.
    init?(authorization header: String?) {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        username = String(text[..<colon])
        password = String(text[text.index(after: colon)...])
    }

    init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The header's value, as the client sends it.
    var header: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
}
