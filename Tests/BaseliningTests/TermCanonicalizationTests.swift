import Baselining
import Testing

@Suite struct TermCanonicalizationTests {
    let canon = try! TermCanonicalization()

    @Test(arguments: [
        ("/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "/usr/lib/jvm/*/bin/java"),
        ("/opt/app/releases/20261120-1/bin/server", "/opt/app/releases/*/bin/server"),
        ("/tmp/tmp.Xa8sd9", "/tmp/tmp.*"),
        ("/var/tmp/tmp.Q1w2e3r4t5/run.sh", "/var/tmp/tmp.*/run.sh"),
        ("/snap/core22/1663/usr/bin/snapctl", "/snap/core22/*/usr/bin/snapctl"),
        ("/usr/sbin/nginx", "/usr/sbin/nginx"),
        ("/tmp/.x/kworkerd", "/tmp/.x/kworkerd"),
        ("/tmp/tmp.ab", "/tmp/tmp.ab"),
    ])
    func paths(raw: String, canonical: String) {
        #expect(canon.path(raw) == canonical)
    }

    @Test func lineageCanonicalizesBothSides() {
        #expect(canon.lineage(parent: "/opt/app/releases/7/bin/app", child: "/usr/bin/dash").value == "/opt/app/releases/*/bin/app -> /usr/bin/dash")
    }

    @Test func connectTerms() {
        #expect(canon.connect(address: "52.216.8.9", port: 443, exe: "/usr/bin/aws").value == "52.216.8.9:443/tcp /usr/bin/aws")
        #expect(canon.connect(address: "10.1.0.5", port: 41000, exe: nil).value == "10.1.0.5:ephemeral/tcp")
        #expect(canon.connect(address: "2001:db8:0:0::1", port: 443, exe: nil).value == "[2001:db8::1]:443/tcp")
        // Loopback and link-local stay themselves, apart from other addresses.
        #expect(canon.connect(address: "127.0.0.1", port: 5432, exe: nil).value == "127.0.0.1:5432/tcp")
        #expect(canon.connect(address: "169.254.169.254", port: 80, exe: nil).value == "169.254.169.254:80/tcp")
    }

    @Test func listenAndLogin() {
        #expect(canon.listen(port: 4444, exe: "/tmp/.x/kworkerd").value == "4444/tcp /tmp/.x/kworkerd")
        #expect(canon.login(user: "alice", source: "10.0.100.10").value == "alice@10.0.100.0/24")
        #expect(canon.login(user: "bob", source: "2001:db8:1:2:3:4:5:6").value == "bob@2001:db8:1:2::/64")
        #expect(canon.login(user: "root", source: nil).value == "root@local")
        #expect(canon.login(user: "root", source: "::1").value == "root@::1")
    }

    @Test func customRulesAndErrors() throws {
        let custom = try TermCanonicalization(pathRules: [.init(#"^/srv/(\w+)-[0-9.]+/"#, "/srv/$1-*/")])
        #expect(custom.path("/srv/node-18.17.0/bin/node") == "/srv/node-*/bin/node")
        #expect(throws: CanonicalizationError.self) { try TermCanonicalization(pathRules: [.init("([", "")]) }
    }

    @Test func ipAddresses() {
        #expect(IPAddress("::ffff:10.0.0.1")?.bytes.suffix(4) == [10, 0, 0, 1])
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("1::2::3") == nil)
        #expect(IPAddress("fe80::1")?.isLinkLocal == true)
        #expect(IPAddress("52.216.17.3")!.masked(to: 16).description == "52.216.0.0")
        #expect(IPAddress("2001:db8::")!.description == "2001:db8::")
    }
}

@Suite struct PathRulesFileTests {
    @Test func defaultsRoundTripThroughTheFileForm() throws {
        #expect(try TermCanonicalization.parseRules(TermCanonicalization.defaultRulesText) == TermCanonicalization.defaultPathRules)
    }

    @Test func commentsBlankLinesAndErrors() throws {
        let rules = try TermCanonicalization.parseRules("# mine\n\n^/srv/app-[0-9]+/ => /srv/app-*/\n")
        #expect(rules == [.init("^/srv/app-[0-9]+/", "/srv/app-*/")])
        #expect(throws: CanonicalizationError.self) { try TermCanonicalization.parseRules("no arrow here") }
    }
}

@Suite struct DeletedExecutableTests {
    @Test func deletedSuffixIsDropped() throws {
        #expect(try TermCanonicalization().path("/usr/sbin/nginx (deleted)") == "/usr/sbin/nginx")
    }
}
