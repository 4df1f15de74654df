/// Decides which paths under a watched root are recorded, from the `include` and `exclude`
/// globs of the `fim` configuration.
///
/// Exclusion wins and prunes: an excluded directory is neither recorded nor descended into.
/// Inclusion applies to non-directories only, so `include: ["*.conf"]` still walks every
/// directory to find the `.conf` files in it; an empty include list admits everything.
public struct PathFilter: Hashable, Sendable {
    public var include: [GlobPattern]
    public var exclude: [GlobPattern]

    public init(include: [GlobPattern] = [], exclude: [GlobPattern] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// - Parameters:
    ///   - path: the absolute path.
    ///   - name: its last component.
    ///   - isDirectory: true for directories (never followed through symlinks).
    public func admits(path: String, name: String, isDirectory: Bool) -> Bool {
        if exclude.contains(where: { $0.matches(path: path, name: name) }) { return false }
        if isDirectory || include.isEmpty { return true }
        return include.contains { $0.matches(path: path, name: name) }
    }
}
