import Foundation
import NIOSSL

/// Reads the PEM files of `TLSServerOptions` / `TLSClientOptions` and builds NIOSSL contexts.
/// Every failure is a `TLSConfigurationError` naming the file and what was wrong with it, so a
/// misconfigured node stops at start with one line instead of failing every handshake later.
enum TLSContextLoader {
    static func serverContext(_ options: TLSServerOptions) throws(TLSConfigurationError) -> NIOSSLContext {
        let (chain, key) = try identity(options.identity)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = options.minimumVersion.nioVersion
        if options.requiresClientCertificate {
            guard let path = options.trustedCAPath else {
                throw TLSConfigurationError(file: .trustedCA, path: "(none)",
                                            problem: .unreadable("client certificates are required but no CA is given"))
            }
            // Chain only: a client's certificate names the client, not an address to compare.
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(try certificates(path, as: .trustedCA))
        }
        return try context(configuration, identity: options.identity)
    }

    static func clientContext(_ options: TLSClientOptions) throws(TLSConfigurationError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = options.minimumVersion.nioVersion
        configuration.certificateVerification = options.verifiesHostname ? .fullVerification : .noHostnameVerification
        if let path = options.trustedCAPath {
            configuration.trustRoots = .certificates(try certificates(path, as: .trustedCA))
        }
        if let identity = options.identity {
            let (chain, key) = try self.identity(identity)
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        return try context(configuration, identity: options.identity)
    }

    private static func identity(_ identity: TLSIdentity) throws(TLSConfigurationError) -> ([NIOSSLCertificate], NIOSSLPrivateKey) {
        let chain = try certificates(identity.certificatePath, as: .certificate)
        let bytes = try read(identity.privateKeyPath, as: .privateKey)
        do {
            return (chain, try NIOSSLPrivateKey(bytes: bytes, format: .pem))
        } catch {
            throw TLSConfigurationError(file: .privateKey, path: identity.privateKeyPath,
                                        problem: .notPEM("no unencrypted PRIVATE KEY block (\(error))"))
        }
    }

    private static func certificates(_ path: String, as file: TLSConfigurationError.File) throws(TLSConfigurationError)
        -> [NIOSSLCertificate]
    {
        let bytes = try read(path, as: file)
        let parsed: [NIOSSLCertificate]
        do {
            parsed = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw TLSConfigurationError(file: file, path: path, problem: .notPEM("a damaged CERTIFICATE block (\(error))"))
        }
        guard !parsed.isEmpty else {
            throw TLSConfigurationError(file: file, path: path, problem: .notPEM("no CERTIFICATE block"))
        }
        return parsed
    }

    private static func read(_ path: String, as file: TLSConfigurationError.File) throws(TLSConfigurationError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TLSConfigurationError(file: file, path: path, problem: .unreadable("no such file"))
        }
        guard !isDirectory.boolValue else {
            throw TLSConfigurationError(file: file, path: path, problem: .unreadable("a directory, not a file"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSConfigurationError(file: file, path: path, problem: .unreadable("not readable by this process"))
        }
        return Array(data)
    }

    /// BoringSSL checks the key against the leaf certificate here; a mismatch is the usual cause.
    private static func context(_ configuration: TLSConfiguration, identity: TLSIdentity?) throws(TLSConfigurationError)
        -> NIOSSLContext
    {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSConfigurationError(file: .privateKey, path: identity?.privateKeyPath ?? "(none)",
                                        problem: .rejected("it does not match the certificate, or the chain is refused (\(error))"))
        }
    }
}

extension TLSMinimumVersion {
    var nioVersion: TLSVersion {
        switch self {
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}
