// uniffi exposes the core's one flat error as an enum with a single case,
// BstError.Failure(kind:reason:field:retryAfterMs:status:requiredTier:materialProblem:).
// These accessors let app code read its fields without a pattern match
// (`catch let error as BstError { show(error.kind) }`), so a field added in
// Rust changes this file only, not every catch site in the app.

extension BstError {
    /// What went wrong, for a UI to switch on and word its own message from.
    public var kind: ErrorKind { fields.kind }

    /// A sentence for a log or a developer, never shown to users as is.
    public var reason: String { fields.reason }

    /// The form field a validation error is about.
    public var field: String? { fields.field }

    /// How long the platform asked us to wait before trying again.
    public var retryAfterMs: UInt64? { fields.retryAfterMs }

    /// The HTTP status, when the platform answered with an error.
    public var status: UInt16? { fields.status }

    /// For `.tierRequired`: the identity tier to reach (e.g. "verified").
    public var requiredTier: String? { fields.requiredTier }

    /// For `.badMaterial`: what is wrong with the file (`.unreadable`,
    /// `.unsupportedType`, `.tooManyPixels`, `.tooLarge`), so the UI can offer
    /// the right next step (take the photo again, pick another file).
    public var materialProblem: MaterialProblem? { fields.materialProblem }

    // The one place that lists the case's fields in order.
    private var fields: (
        kind: ErrorKind, reason: String, field: String?, retryAfterMs: UInt64?,
        status: UInt16?, requiredTier: String?, materialProblem: MaterialProblem?
    ) {
        switch self {
        case let .Failure(kind, reason, field, retryAfterMs, status, requiredTier, materialProblem):
            (kind, reason, field, retryAfterMs, status, requiredTier, materialProblem)
        }
    }
}
