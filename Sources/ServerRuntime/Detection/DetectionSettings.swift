import Findings
import Settings
import FleetModel

/// The detector as the settings (`detect.*`, `learn.path_rules`…) configure it.
public enum DetectionSettings {
    public static func detector(_ settings: ResolvedSettings) throws -> Detector {
        let window = settings.duration(ServiceSettings.detectAuthFailuresWindow.name)
        return Detector(
            canonicalization: try TrainingSettings.canonicalization(settings),
            health: HealthCheck(silenceThreshold: settings.duration(ServiceSettings.detectSilenceThreshold.name)),
            authenticationBurst: AuthenticationBurst(
                threshold: settings.integer(ServiceSettings.detectAuthFailuresThreshold.name),
                windowMicroseconds: window.inMicroseconds))
    }
}
