/// AuditCore: pure Linux audit record parsing, event assembly and normalization.
/// Works on raw bytes, imports no I/O, logging or metrics; output is a return value.
enum AuditCore {}
