/// The accounts that exist on every simulated host, for ENRICHED output (`UID="www-data"`) and for
/// picking operators. Values follow Debian 12 conventions.
enum UserNames {
    static let root = 0
    static let wwwData = 33
    static let apt = 100
    static let resolve = 991
    static let chrony = 102
    static let postgres = 105
    static let app = 1500
    static let operators: [(name: String, uid: Int)] = [("alice", 1001), ("bob", 1002), ("carol", 1003)]
    static let intruder = (name: "deploy", uid: 1100)

    static func name(_ uid: Int) -> String {
        switch uid {
        case unsetID: return "unset"
        case root: return "root"
        case wwwData: return "www-data"
        case apt: return "_apt"
        case resolve: return "systemd-resolve"
        case chrony: return "_chrony"
        case postgres: return "postgres"
        case app: return "app"
        case intruder.uid: return intruder.name
        default:
            if let op = operators.first(where: { $0.uid == uid }) { return op.name }
            return "unknown(\(uid))"
        }
    }
}
