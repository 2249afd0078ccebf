import BasaltQuery

/// With `authenticator: PasswordAuthenticator` the endpoint serves superusers only: a request
/// without Basic credentials, or with wrong ones, is answered 401 (with the challenge a browser or
/// curl understands), a role that is not a superuser 403, before any command runs.
struct AdminAuthentication: Sendable {
    static let challenge = ["WWW-Authenticate": "Basic realm=\"basalt admin\", charset=\"UTF-8\""]

    let access: AccessControl

    /// The refusal for a request carrying `authorization`; nil lets it through.
    func refusal(authorization: String?) async -> AdminResponse? {
        guard let credentials = BasicCredentials(authorization: authorization) else {
            return Self.refused(401, "the node requires a superuser's credentials (HTTP Basic: basalt admin --username U --password P)")
        }
        switch await access.administrator(username: credentials.username, password: credentials.password) {
        case .superuser: return nil
        case .notSuperuser(let role): return Self.refused(403, "\(role) is not a superuser: the admin endpoint is for superusers only")
        case .refused(let message): return Self.refused(401, message)
        case .unavailable(let message): return Self.refused(503, message)
        }
    }

    private static func refused(_ status: Int, _ message: String) -> AdminResponse {
        var response = AdminRouter.refusal(status, message)
        if status == 401 { response.headers = challenge }
        return response
    }
}
