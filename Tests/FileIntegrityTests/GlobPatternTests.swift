import FileIntegrity
import Testing

@Suite struct GlobPatternTests {
    @Test(arguments: [
        ("*.log", "/var/log/syslog.log", true), ("*.log", "/var/log/syslog", false),
        ("?.conf", "/etc/a.conf", true), ("?.conf", "/etc/ab.conf", false),
        ("[a-c]x", "/d/bx", true), ("[!a-c]x", "/d/bx", false), ("[!a-c]x", "/d/zx", true),
        ("/etc/*/cache", "/etc/app/cache", true), ("/etc/*/cache", "/etc/app/sub/cache", false),
        ("/etc/**/cache", "/etc/app/sub/cache", true), ("/etc/**", "/etc/a/b/c", true),
        ("\\*", "/d/*", true), ("\\*", "/d/x", false), ("[x", "/d/[x", true), (".git", "/src/.git", true),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        let name = String(path.split(separator: "/").last ?? "")
        #expect(GlobPattern(pattern).matches(path: path, name: name) == expected)
    }

    @Test func excludeWinsAndIncludeSparesDirectories() {
        let filter = PathFilter(include: [GlobPattern("*.conf")], exclude: [GlobPattern("secret*")])
        #expect(filter.admits(path: "/etc/app", name: "app", isDirectory: true))
        #expect(filter.admits(path: "/etc/a.conf", name: "a.conf", isDirectory: false))
        #expect(!filter.admits(path: "/etc/a.txt", name: "a.txt", isDirectory: false))
        #expect(!filter.admits(path: "/etc/secret.conf", name: "secret.conf", isDirectory: false))
        #expect(!filter.admits(path: "/etc/secrets", name: "secrets", isDirectory: true))
    }
}
