import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Makes the text that stands in for a secret: `[REDACTED:xxxxxxxx]`, where `xxxxxxxx` is the
/// first 4 bytes (8 lower-case hex digits) of HMAC-SHA256(key, secret).
///
/// Why a keyed hash and not a plain one: equal secrets must still compare equal across events
/// and hosts ("the same password typed on 40 hosts"), but a plain hash of a short password is
/// reversed by a dictionary. With a per-host key from the agent's state directory, an attacker
/// who reads the events needs the key too. 32 bits are enough to tell secrets apart in evidence
/// and too few to confirm a guess with certainty.
///
/// The secret is hashed in the event's lossless text form (UTF-8, see `AuditText`).
struct RedactionMarker: Sendable {
    /// The HMAC key bytes. `SymmetricKey` is not `Sendable`, so it is made per marker; markers
    /// are made only when a secret is found.
    let key: [UInt8]

    static let prefix = Array("[REDACTED:".utf8)
    /// Length of a marker in bytes: `[REDACTED:` + 8 hex digits + `]`.
    static let length = prefix.count + 9

    /// Appends the marker for `secret` to `out`.
    func append(for secret: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let mac = HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer(secret), using: SymmetricKey(data: key))
        out.append(contentsOf: Self.prefix)
        let hex = Array("0123456789abcdef".utf8)
        for byte in mac.prefix(4) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0F)])
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The marker for `secret`, as text (for tests and callers outside an event).
    func marker(for secret: String) -> String {
        var out: [UInt8] = []
        Array(secret.utf8).withUnsafeBufferPointer { append(for: $0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
