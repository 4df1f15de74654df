@testable import AuditCore
import Testing

@Suite struct FieldNameTests {
    func pack(_ name: String) -> UInt64 { Array(name.utf8).withUnsafeBytes { FieldName.pack($0) } }

    /// `pack` loads overlapping words: every length, against the bytes folded one by one.
    @Test func packIsTheBytesLittleEndianZeroPadded() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...10 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let expected = length > 8 ? 0 : bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
                #expect(bytes.withUnsafeBytes { FieldName.pack($0) } == expected, "\(bytes)")
            }
        }
    }

    @Test func everyConstantIsItsNamePacked() {
        #expect(FieldName.pid == pack("pid"))
        #expect(FieldName.ppid == pack("ppid"))
        #expect(FieldName.uid == pack("uid"))
        #expect(FieldName.gid == pack("gid"))
        #expect(FieldName.euid == pack("euid"))
        #expect(FieldName.auid == pack("auid"))
        #expect(FieldName.ses == pack("ses"))
        #expect(FieldName.tty == pack("tty"))
        #expect(FieldName.exe == pack("exe"))
        #expect(FieldName.comm == pack("comm"))
        #expect(FieldName.key == pack("key"))
        #expect(FieldName.arch == pack("arch"))
        #expect(FieldName.exit == pack("exit"))
        #expect(FieldName.syscall == pack("syscall"))
        #expect(FieldName.success == pack("success"))
        #expect(FieldName.cwd == pack("cwd"))
        #expect(FieldName.saddr == pack("saddr"))
        #expect(FieldName.res == pack("res"))
        #expect(FieldName.name == pack("name"))
        #expect(FieldName.inode == pack("inode"))
        #expect(FieldName.mode == pack("mode"))
        #expect(FieldName.ouid == pack("ouid"))
        #expect(FieldName.ogid == pack("ogid"))
        #expect(FieldName.nametype == pack("nametype"))
        #expect(FieldName.objtype == pack("objtype"))
        #expect(FieldName.op == pack("op"))
        #expect(FieldName.acct == pack("acct"))
        #expect(FieldName.addr == pack("addr"))
        #expect(FieldName.hostname == pack("hostname"))
        #expect(FieldName.terminal == pack("terminal"))
        #expect(FieldName.result == pack("result"))
        #expect(FieldName.old == pack("old"))
        #expect(FieldName.list == pack("list"))
        #expect(FieldName.uidEnriched == pack("UID"))
        #expect(FieldName.euidEnriched == pack("EUID"))
        #expect(FieldName.gidEnriched == pack("GID"))
        #expect(FieldName.auidEnriched == pack("AUID"))
    }

    @Test func longNamesPackToZeroAndShortOnesDiffer() {
        #expect(pack("proctitle") == 0)
        #expect(pack("") == 0)
        #expect(pack("pid") != pack("pi"))
        #expect(pack("uid") != pack("UID"))
    }
}
