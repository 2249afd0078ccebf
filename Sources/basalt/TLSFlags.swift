import ArgumentParser

/// The TLS flags of the commands that connect to nodes (`basalt admin`, `basalt stress`), named as
/// cqlsh's and nodetool's settings are.
struct TLSFlags: ParsableArguments {
    @Flag(help: "Connect with TLS.") var ssl = false
    @Option(help: "CA certificate (PEM) the node's certificate must chain to (implies --ssl; default: the system's).")
    var cafile: String?
    @Option(help: "Client certificate (PEM), for nodes with require_client_auth (implies --ssl).") var certfile: String?
    @Option(help: "Its private key (PEM); default: in the certificate file.") var keyfile: String?
    @Flag(name: .customLong("no-verify-hostname"),
          help: "Accept any certificate the CA signed, whatever address it names.") var skipsHostnameVerification = false

    var isOn: Bool { ssl || cafile != nil || certfile != nil }
}
