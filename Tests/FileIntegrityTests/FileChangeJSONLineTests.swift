import FileIntegrity
import Testing

@Suite struct FileChangeJSONLineTests {
    @Test func documentedShape() {
        let change = FileChange(kind: .renamed, path: "/r/\"b\"\n", oldPath: "/r/a", old: regular("x", inode: 2), new: regular("x", inode: 2, mode: 0o4755))
        #expect(change.jsonLine(host: "web-1") == """
            {"host":"web-1","kind":"renamed","path":"/r/\\"b\\"\\n","old_path":"/r/a",\
            "old":{"sha256":"sha-of-x","type":"file","mode":"0644","uid":0,"gid":0,"size":1,"mtime_ns":1,"inode":2,"target":null},\
            "new":{"sha256":"sha-of-x","type":"file","mode":"4755","uid":0,"gid":0,"size":1,"mtime_ns":1,"inode":2,"target":null}}
            """)
    }

    @Test func deletionHasNullNew() {
        let line = FileChange(kind: .deleted, path: "/a\u{1}", old: directory(inode: 1)).jsonLine()
        #expect(line.hasSuffix("\"new\":null}"))
        #expect(line.contains("\"path\":\"/a\\u0001\""))
    }
}
