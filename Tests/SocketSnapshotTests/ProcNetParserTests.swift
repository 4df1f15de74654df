import Testing

@testable import AgentRuntime

/// Tables as a little-endian (x86_64) kernel writes them (proc(5) "/proc/net/tcp").
enum Sample {
    static let tcp = """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18533 1 0000000000000000 100 0 0 10 0
           1: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   107        0 21044 1 0000000000000000 100 0 0 10 0
           2: 0F02000A:0016 0202000A:C5D2 01 00000000:00000000 02:0009D2F2 00000000     0        0 40213 4 0000000000000000 20 4 30 10 -1

        """
    static let tcp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
           0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 18535 1 0000000000000000 100 0 0 10 0
           1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19000 1 0000000000000000 100 0 0 10 0
           2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000    33        0 19001 1 0000000000000000 100 0 0 10 0
           3: 000080FE000000000000000001000000:0016 000080FE000000000000000002000000:D431 01 00000000:00000000 00:00000000 00000000     0        0 19002 1 0000000000000000 100 0 0 10 0
        """
    static let udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          123: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 17000 2 0000000000000000 0
          124: 0100007F:9851 0100007F:9F22 01 00000000:00000000 00:00000000 00000000     0        0 500850 2 0000000000000000 0
          125: 00000000:0000 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 17001 2 0000000000000000 0
        """
    static let udp6 = """
           sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          200: 00000000000000000000000000000000:14E9 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   104        0 17500 2 0000000000000000 0
        """
}

@Suite struct ProcNetParserTests {
    @Test func ipv4TCP() {
        let (entries, malformed) = ProcNetParser.parse(Array(Sample.tcp.utf8), protocol: .tcp, byteOrder: .little)
        #expect(malformed == 0)
        #expect(entries.count == 3)
        #expect(entries[0] == SocketEntry(
            protocol: .tcp, localAddress: "0.0.0.0", localPort: 22, remoteAddress: "0.0.0.0", remotePort: 0, state: 0x0A,
            uid: 0, inode: 18533))
        #expect(entries[1].localAddress == "127.0.0.1" && entries[1].localPort == 5432 && entries[1].uid == 107)
        #expect(entries[2].localAddress == "10.0.2.15" && entries[2].remoteAddress == "10.0.2.2" && entries[2].remotePort == 50642)
        #expect(entries.map(\.isListening) == [true, true, false])
    }

    @Test func ipv6TCP() {
        let (entries, malformed) = ProcNetParser.parse(Array(Sample.tcp6.utf8), protocol: .tcp6, byteOrder: .little)
        #expect(malformed == 0)
        #expect(entries.map(\.localAddress) == ["::", "::1", "::ffff:127.0.0.1", "fe80::1"])
        #expect(entries.map(\.localPort) == [22, 631, 8080, 22])
        #expect(entries[3].remoteAddress == "fe80::2" && entries[3].remotePort == 54321)
        #expect(entries.map(\.isListening) == [true, true, true, false])
        #expect(entries[2].uid == 33 && entries[2].inode == 19001)
    }

    @Test func udpBoundSocketsAreListening() {
        let (entries, _) = ProcNetParser.parse(Array(Sample.udp.utf8), protocol: .udp, byteOrder: .little)
        #expect(entries.map(\.localAddress) == ["127.0.0.53", "127.0.0.1", "0.0.0.0"])
        // Bound with no peer: listening. Connected: not. Port 0: not bound.
        #expect(entries.map(\.isListening) == [true, false, false])
        let (v6, _) = ProcNetParser.parse(Array(Sample.udp6.utf8), protocol: .udp6, byteOrder: .little)
        #expect(v6.map(\.localPort) == [5353] && v6[0].isListening)
    }

    @Test func bigEndianHostsWriteTheOtherWayRound() {
        let line = "   0: 7F000001:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1"
        #expect(ProcNetParser.parse(Array(line.utf8), protocol: .tcp, byteOrder: .big).entries.first?.localAddress == "127.0.0.1")
    }

    @Test func garbageIsSkippedAndCounted() {
        let text = Sample.tcp + """
            garbage
               9: ZZZZZZZZ:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
              10: 00000000:0016
              11: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 99999999999999999999999 1
              12: 00000000:10016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
              13: 00000000:0016 00000000:0000 1FF 00000000:00000000 00:00000000 00000000     0        0 1 1
            \u{0}\u{FF}

            """
        let (entries, malformed) = ProcNetParser.parse(Array(text.utf8), protocol: .tcp, byteOrder: .little)
        #expect(entries.count == 3)
        #expect(malformed == 7)
        #expect(ProcNetParser.parse([UInt8](), protocol: .udp6).entries.isEmpty)
        // An IPv4 table parsed as IPv6 yields nothing rather than wrong addresses.
        #expect(ProcNetParser.parse(Array(Sample.tcp.utf8), protocol: .tcp6).entries.isEmpty)
    }

    @Test func socketLinkTargets() {
        #expect(ListeningSocketSnapshot.socketInode(Array("socket:[12345]".utf8)) == 12345)
        #expect(ListeningSocketSnapshot.socketInode(Array("socket:[]".utf8)) == nil)
        #expect(ListeningSocketSnapshot.socketInode(Array("pipe:[12345]".utf8)) == nil)
        #expect(ListeningSocketSnapshot.socketInode(Array("/dev/null".utf8)) == nil)
    }
}
