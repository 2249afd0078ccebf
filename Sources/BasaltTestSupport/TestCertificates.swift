import Foundation

/// Throwaway TLS certificates in a fresh temporary directory, made by `scripts/lib/certificates.sh`
/// (the openssl CLI, as `scripts/cluster start --tls` and the interop tests make theirs), so no
/// private key is ever committed. `remove()` deletes the directory.
public struct TestCertificates: Sendable {
    public let directory: String

    /// For each CA name, that CA and the certificates it signs, by name, with their subject
    /// alternative names (`IP:127.0.0.1,DNS:localhost`).
    public init(_ authorities: [String: [String: String]]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("basalt-tls-\(UUID().uuidString)").path
        let library = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/lib/certificates.sh").path
        var script = "set -e; source '\(library)'; basalt_require_openssl"
        for (ca, certificates) in authorities.sorted(by: { $0.key < $1.key }) {
            script += "; basalt_make_ca '\(directory)' '\(ca)'"
            for (name, san) in certificates.sorted(by: { $0.key < $1.key }) {
                script += "; basalt_make_certificate '\(directory)' '\(ca)' '\(name)' '\(san)'"
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            remove()
            throw TestCertificatesError(status: process.terminationStatus)
        }
    }

    /// `name`'s certificate (for a CA: the trust anchor to verify against).
    public func certificate(_ name: String) -> String { "\(directory)/\(name).pem" }
    public func privateKey(_ name: String) -> String { "\(directory)/\(name).key" }

    /// Writes `text` into a file of the directory, for tests of malformed files.
    public func write(_ name: String, _ text: String) throws -> String {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}

public struct TestCertificatesError: Error, CustomStringConvertible {
    public var status: Int32
    public var description: String { "scripts/lib/certificates.sh failed with status \(status) (is openssl installed?)" }
}
