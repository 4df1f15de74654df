import Baselining
import Foundation
import Settings

/// The learner's configuration from resolved settings (`learn.*` keys).
public enum TrainingSettings {
    /// - Throws: ``TrainingSettingsError`` when `learn.min_fraction` is not a number from 0 to 1.
    public static func learner(_ settings: ResolvedSettings) throws -> Learner {
        let text = settings.string(ServiceSettings.learnMinFraction.name)
        guard let fraction = Double(text), (0...1).contains(fraction) else {
            throw TrainingSettingsError(description: "learn.min_fraction must be a number from 0 to 1, not \(String(reflecting: text))")
        }
        return Learner(
            rule: AdmissionRule(
                minHosts: settings.integer(ServiceSettings.learnMinHosts.name), minFraction: fraction,
                minDays: settings.integer(ServiceSettings.learnMinDays.name)),
            generalization: DestinationGeneralization(minAddresses: settings.integer(ServiceSettings.learnPrefixMinAddresses.name)))
    }

    /// Term canonicalization: the rules file named by `learn.path_rules`, else the built-in rules.
    public static func canonicalization(_ settings: ResolvedSettings) throws -> TermCanonicalization {
        let path = settings.string(ServiceSettings.learnPathRules.name)
        var rules = TermCanonicalization.defaultPathRules
        if !path.isEmpty {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TrainingSettingsError(description: "learn.path_rules: cannot read \(path)")
            }
            do {
                rules = try TermCanonicalization.parseRules(text)
            } catch {
                throw TrainingSettingsError(description: "learn.path_rules (\(path)): \(error)")
            }
        }
        do {
            return try TermCanonicalization(
                pathRules: rules, ephemeralPortStart: settings.integer(ServiceSettings.learnEphemeralPortStart.name))
        } catch {
            throw TrainingSettingsError(description: "learn.path_rules (\(path)): \(error)")
        }
    }

    /// The window `[endDay - days, endDay)` in UTC days for a window ending at `untilSeconds`
    /// (seconds since 1970) rounded down to midnight UTC.
    public static func window(untilSeconds: Double, windowSeconds: Int64) -> (firstDay: Int, endDay: Int) {
        let endDay = Int((untilSeconds / 86_400).rounded(.down))
        let days = max(1, Int((Double(windowSeconds) / 86_400).rounded(.up)))
        return (endDay - days, endDay)
    }
}

public struct TrainingSettingsError: Error, CustomStringConvertible {
    public let description: String
}
