/// The release that both executables report with `--version` and agents put in heartbeats.
public enum HerdwatchVersion {
    public static let current = "0.1.0"
}
