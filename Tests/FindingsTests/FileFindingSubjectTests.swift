import Findings
import Testing

@Suite struct FileFindingSubjectTests {
    let hash = "0123456789abcdef" + String(repeating: "0", count: 48)
    func file(_ sha256: String?, mode: String = "0644", uid: String = "0") -> FileFindingSubject.State {
        .init(type: "file", sha256: sha256, mode: mode, uid: uid, gid: "0", size: "3", mtimeNanoseconds: "1", inode: "7")
    }

    @Test func oneFormPerChangeKind() {
        let old = file("ff")
        #expect(FileFindingSubject.change("modified", path: "/etc/a", oldPath: nil, old: old, new: file(hash)) == "/etc/a sha256:0123456789ab")
        #expect(FileFindingSubject.change("created", path: "/etc/a", oldPath: nil, old: nil, new: file(hash)) == "/etc/a sha256:0123456789ab")
        #expect(FileFindingSubject.change("deleted", path: "/etc/a", oldPath: nil, old: old, new: nil) == "/etc/a deleted")
        #expect(FileFindingSubject.change("renamed", path: "/etc/b", oldPath: "/etc/a", old: old, new: file(hash))
                == "/etc/b sha256:0123456789ab renamed from /etc/a")
        #expect(FileFindingSubject.change("attributes", path: "/etc/a", oldPath: nil, old: old, new: file("ff", mode: "0600", uid: "33"))
                == "/etc/a attributes mode 0644->0600 uid 0->33")
        var touched = old
        touched.mtimeNanoseconds = "2"
        #expect(FileFindingSubject.change("attributes", path: "/etc/a", oldPath: nil, old: old, new: touched) == "/etc/a attributes mtime")
        #expect(FileFindingSubject.change("inventory", path: "/etc/a", oldPath: nil, old: nil, new: old) == nil)
        let link = FileFindingSubject.State(type: "symlink", target: "/opt/x")
        #expect(FileFindingSubject.change("modified", path: "/etc/l", oldPath: nil, old: nil, new: link) == "/etc/l symlink -> /opt/x")
        #expect(FileFindingSubject.change("created", path: "/big", oldPath: nil, old: nil, new: file(nil)) == "/big size 3 (not hashed)")
    }

    @Test func majorityWithoutGoldenHost() {
        let agree = (1...7).map { ContentConsensus.Holder(host: "web-0\($0 == 3 ? 9 : $0)", content: "sha256:aa") }
        let consensus = ContentConsensus(agree + [.init(host: "web-03", content: "sha256:bb")])
        #expect(consensus.isDrift && consensus.majority == "sha256:aa" && consensus.agree == 7 && consensus.holders == 8)
        #expect(consensus.differing == [.init(host: "web-03", content: "sha256:bb")])
        #expect(consensus.description(role: "web") == "7 of 8 web hosts agree; web-03 differs")

        // No strict majority: nobody can say which host is off.
        #expect(!ContentConsensus([.init(host: "a", content: "x"), .init(host: "b", content: "y")]).isDrift)
        #expect(!ContentConsensus([.init(host: "a", content: "x"), .init(host: "b", content: "x")]).isDrift)
        let two = ContentConsensus([.init(host: "c", content: "z"), .init(host: "a", content: "x"), .init(host: "b", content: "x"),
                                    .init(host: "d", content: "x"), .init(host: "e", content: "y")])
        #expect(two.description(role: "db") == "3 of 5 db hosts agree; c, e differ")
    }
}
