import FleetModel
import Foundation

/// The on-disk format of auditd's log (`log_format` in auditd.conf(5)).
public enum LogFormat: String, CaseIterable, Sendable {
    /// Records exactly as the kernel sent them.
    case raw
    /// Each record followed by a 0x1D byte and upper-case interpreted fields (`AUID="alice"`).
    case enriched
    /// Each host picks raw or enriched (deterministically), as in a fleet mid-migration.
    case mixed
}

/// Why a simulation cannot be run. `description` names the rule that was broken.
public struct SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Everything that decides a simulated fleet. The same configuration always yields the same
/// bytes; `end` is an input, never read from a clock here.
public struct SimulationConfiguration: Sendable {
    public var layout: FleetLayout
    /// Length of the window in days; the window is `[end − days, end)`.
    public var days: Int
    /// The end of the window (exclusive). The last day is `[end − 24 h, end)`.
    public var end: Date
    /// Inject the documented attack set on the last day and describe it in the ground truth.
    public var attacks: Bool
    public var format: LogFormat
    public var seed: UInt64

    public init(layout: FleetLayout, days: Int, end: Date, attacks: Bool, format: LogFormat, seed: UInt64) {
        self.layout = layout
        self.days = days
        self.end = end
        self.attacks = attacks
        self.format = format
        self.seed = seed
    }

    /// Window end in milliseconds since the epoch, truncated to whole milliseconds.
    var endMilliseconds: Int64 { Int64((end.timeIntervalSince1970 * 1000).rounded(.down)) }
    var startMilliseconds: Int64 { endMilliseconds - Int64(days) * dayMilliseconds }
}

let dayMilliseconds: Int64 = 86_400_000
let hourMilliseconds: Int64 = 3_600_000
let minuteMilliseconds: Int64 = 60_000
