import FleetModel

/// The one stage where events are changed between the decoder (with lineage) and the encoder:
/// the place for secret redaction and any other rewrite. Runs on the reader's task, once per
/// event, in order; it must not block.
///
/// ```swift
/// let redact: EventTransform = { SecretRedactor.redact(&$0) }
/// let agent = try Agent.build(configuration, transforms: [redact], logger: logger)
/// ```
public typealias EventTransform = @Sendable (inout AuditEvent) -> Void
