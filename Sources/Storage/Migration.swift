/// One numbered schema change from `sql/NNNN_description.sql`, embedded into the build.
public struct Migration: Sendable, Equatable {
    public let version: Int
    /// The file name, e.g. `0001_foundation.sql`.
    public let fileName: String
    public let sql: String

    /// All migrations this build carries, in version order.
    public static let all: [Migration] = EmbeddedMigrations.files.compactMap { file in
        Migration(fileName: file.name, sql: file.sql)
    }.sorted { $0.version < $1.version }

    /// - Returns: nil when the file name does not start with a version number and `_`.
    public init?(fileName: String, sql: String) {
        let prefix = fileName.prefix(while: \.isNumber)
        guard !prefix.isEmpty, fileName.dropFirst(prefix.count).first == "_", let version = Int(prefix) else {
            return nil
        }
        self.version = version
        self.fileName = fileName
        self.sql = sql
    }
}
