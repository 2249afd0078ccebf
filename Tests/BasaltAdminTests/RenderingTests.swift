import Testing
@testable import BasaltAdmin

@Suite struct RenderingTests {
    @Test func tableColumnsAlignWithoutTrailingSpaces() {
        let table = TextTable(header: ["--", "Address", "Load"], rows: [["UN", "127.0.0.1", "1 KiB"], ["DN", "10.0.0.2", ""]])
        #expect(table.text == """
            --  Address    Load
            UN  127.0.0.1  1 KiB
            DN  10.0.0.2
            """)
    }

    @Test(arguments: [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.00 KiB"), (1536, "1.50 KiB"),
                      (5 << 20, "5.00 MiB"), (3 << 30 + 1 << 29, "3.50 GiB")])
    func bytes(_ count: Int, _ text: String) {
        #expect(AdminFormat.bytes(count) == text)
    }

    @Test(arguments: [(1.0, "100.0%"), (1.0 / 3, "33.3%"), (0.0, "0.0%"), (0.0005, "0.1%")])
    func percent(_ share: Double, _ text: String) {
        #expect(AdminFormat.percent(share) == text)
    }

    @Test(arguments: [(0.5, "0.50 s"), (12.34, "12.3 s"), (61, "1m 01s"), (3723, "1h 02m 03s")])
    func duration(_ seconds: Double, _ text: String) {
        #expect(AdminFormat.duration(seconds: seconds) == text)
    }

    @Test(arguments: [(true, "NORMAL", "UN"), (false, "NORMAL", "DN"), (true, "BOOT", "UJ"), (true, "LEAVING", "UL"),
                      (false, "SHUTDOWN", "DN"), (true, nil, "U?")] as [(Bool, String?, String)])
    func stateLetters(_ alive: Bool, _ status: String?, _ letters: String) {
        #expect(StatusReport.state(isAlive: alive, status: status) == letters)
    }

    @Test func statusGroupsByDataCenter() {
        let report = StatusReport(keyspace: nil, nodes: [
            .init(state: "UN", address: "127.0.0.1", loadBytes: 2048, tokens: 16, owns: 0.5, hostID: "aaaa", dataCenter: "dc1",
                  rack: "r1"),
            .init(state: "DN", address: "127.0.0.2", loadBytes: 0, tokens: 16, owns: 0.25, hostID: "bbbb", dataCenter: "dc2",
                  rack: "r1"),
            .init(state: "UJ", address: "127.0.0.3", loadBytes: 10, tokens: 0, owns: nil, hostID: "cccc", dataCenter: "dc1",
                  rack: "r2"),
        ])
        #expect(report.text == """
            Datacenter: dc1
            ===============
            Status=Up/Down
            |/ State=Normal/Leaving/Joining/Moving
            --  Address    Load      Tokens  Owns   Host ID  Rack
            UN  127.0.0.1  2.00 KiB  16      50.0%  aaaa     r1
            UJ  127.0.0.3  10 bytes  0       ?      cccc     r2

            Datacenter: dc2
            ===============
            Status=Up/Down
            |/ State=Normal/Leaving/Joining/Moving
            --  Address    Load     Tokens  Owns   Host ID  Rack
            DN  127.0.0.2  0 bytes  16      25.0%  bbbb     r1
            """)
    }
}
