import Foundation
import Glibc

/// The operating-system user running the command: the default actor of recorded actions
/// (triage, maintenance windows). Under sudo, the person who ran sudo, not root.
enum OperatingSystemUser {
    static var name: String {
        if let sudoUser = ProcessInfo.processInfo.environment["SUDO_USER"], !sudoUser.isEmpty { return sudoUser }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }
}
