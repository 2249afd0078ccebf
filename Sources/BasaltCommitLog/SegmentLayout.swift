/// How segment files are named and sized. The name carries the format version and the segment id, so
/// a directory listing alone orders the segments and tells which code can read them.
enum SegmentLayout {
    static let formatVersion = 1
    /// Smaller segments would be mostly header and switching; tests use a few KiB.
    static let minimumSegmentSize = 4096
    /// Offsets are `UInt32` in positions; 1 GiB also keeps a replayed segment's read buffer bounded.
    static let maximumSegmentSize = 1 << 30

    static let prefix = "CommitLog-"
    static let suffix = ".log"

    /// `CommitLog-<version>-<segmentId>.log`, both decimal.
    static func fileName(id: UInt64) -> String { "\(prefix)\(formatVersion)-\(id)\(suffix)" }

    /// The version and id in a segment file name, or nil for any other file (left alone by the log).
    static func parse(fileName name: String) -> (version: Int, id: UInt64)? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let middle = name.dropFirst(prefix.count).dropLast(suffix.count)
        let parts = middle.split(separator: "-", omittingEmptySubsequences: false)
        // Digit-count limits keep a hostile name from overflowing the integer parse.
        guard parts.count == 2, (1...9).contains(parts[0].count), (1...20).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let version = Int(parts[0]), let id = UInt64(parts[1]) else { return nil }
        return (version, id)
    }
}
