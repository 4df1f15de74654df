import Foundation
import Settings
import Testing

@Suite("Configuration precedence and strictness")
struct ResolvedSettingsTests {
    static let keys = [
        SettingKey("database.url", environment: "DATABASE_URL", kind: .string, default: "", summary: "url"),
        SettingKey("log.level", environment: "LOG_LEVEL", kind: .choice(["info", "debug"]), default: "info", summary: "level"),
        SettingKey("detect.batch", kind: .integer(1...10_000), default: "500", summary: "batch"),
        SettingKey("learn.window", kind: .duration, default: "14d", summary: "window"),
        SettingKey("learn.activate", kind: .boolean, default: "false", summary: "activate"),
    ]

    func writeFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herdwatch-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let path = try writeFile("database:\n  url: from-file\nlog:\n  level: debug\ndetect:\n  batch: 20\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try ResolvedSettings(
            keys: Self.keys, flags: ["database.url": "from-flag", "log.level": nil],
            environment: ["DATABASE_URL": "from-env", "LOG_LEVEL": "info"], filePath: path)
        #expect(settings.string("database.url") == "from-flag")
        #expect(settings.origin("database.url") == .flag)
        #expect(settings.string("log.level") == "info")
        #expect(settings.origin("log.level") == .environment("LOG_LEVEL"))
        #expect(settings.integer("detect.batch") == 20)
        #expect(settings.origin("detect.batch") == .file(path))
        #expect(settings.duration("learn.window") == .seconds(14 * 86_400))
        #expect(settings.boolean("learn.activate") == false)
        #expect(settings.origin("learn.window") == .defaultValue)
    }

    @Test func anUnknownKeyNamesTheKeyTheFileAndASuggestion() throws {
        let path = try writeFile("database:\n  urll: x\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SettingsError.self) { try ResolvedSettings(keys: Self.keys, filePath: path) }
        #expect(error?.code == .unknownKey)
        #expect(error?.description == "\(path): database.urll: unknown key (did you mean database.url?)")
        let section = #expect(throws: SettingsError.self) {
            try SettingsFile.parse("detector:\n  batch: 3\n", source: "f.yaml", keys: Self.keys)
        }
        #expect(section?.key == "detector")
    }

    @Test func aWrongValueNamesTheKeyAndWhatWasExpected() throws {
        let cases: [(String, String)] = [
            ("detect:\n  batch: lots\n", "detect.batch"), ("detect:\n  batch: 0\n", "detect.batch"),
            ("learn:\n  window: 2 weeks\n", "learn.window"), ("learn:\n  activate: maybe\n", "learn.activate"),
            ("log:\n  level: loud\n", "log.level"), ("log:\n  level: [info]\n", "log.level"),
        ]
        for (yaml, key) in cases {
            let error = #expect(throws: SettingsError.self, "\(yaml)") {
                try SettingsFile.parse(yaml, source: "f.yaml", keys: Self.keys)
            }
            #expect(error?.code == .invalidValue)
            #expect(error?.key == key)
            #expect(error?.description.hasPrefix("f.yaml: \(key): expected") == true, "\(error?.description ?? "")")
        }
    }

    @Test func badEnvironmentAndFlagValuesNameTheirSource() throws {
        let fromEnvironment = #expect(throws: SettingsError.self) {
            try ResolvedSettings(keys: Self.keys, environment: ["LOG_LEVEL": "loud"])
        }
        #expect(fromEnvironment?.source == "environment variable LOG_LEVEL")
        let fromFlag = #expect(throws: SettingsError.self) {
            try ResolvedSettings(keys: Self.keys, flags: ["log.level": "loud"])
        }
        #expect(fromFlag?.source == "--log-level")
    }

    @Test func malformedMissingAndEmptyFiles() throws {
        #expect(throws: SettingsError.self) { try SettingsFile.parse("database: [unclosed", source: "f", keys: Self.keys) }
        #expect(throws: SettingsError.self) { try SettingsFile.parse("- a list\n", source: "f", keys: Self.keys) }
        let missing = #expect(throws: SettingsError.self) {
            try ResolvedSettings(keys: Self.keys, filePath: "/nonexistent/herdwatch.yaml")
        }
        #expect(missing?.code == .unreadableFile)
        #expect(try SettingsFile.parse("# only a comment\n", source: "f", keys: Self.keys).isEmpty)
        // An empty value means "use the default".
        #expect(try SettingsFile.parse("detect:\n  batch:\n", source: "f", keys: Self.keys).isEmpty)
    }
}
