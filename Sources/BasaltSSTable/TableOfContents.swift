import BasaltCore

/// The TOC: the last file written, naming every component with its size and CRC-32C. Its presence
/// means the writer finished (every component was fsynced before it was written), and a reader
/// refuses an SSTable whose files disagree with it. Text, so an operator can read and check it:
///
///     basalt-sstable 1\n
///     <Component> <size in decimal> <crc32c as 8 lower-case hex digits>\n   (one line per component,
///                                                                            in SSTableComponent.listed order)
struct TableOfContents: Hashable, Sendable {
    struct Entry: Hashable, Sendable {
        var size: Int
        var crc: UInt32
    }

    var entries: [SSTableComponent: Entry]

    static let magic = "basalt-sstable"

    func encoded() -> [UInt8] {
        var text = "\(Self.magic) \(SSTableFormat.version)\n"
        for component in SSTableComponent.listed {
            let e = entries[component]!
            text += "\(component.rawValue) \(e.size) \(hex32(e.crc))\n"
        }
        return Array(text.utf8)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> TableOfContents {
        func corrupt(_ offset: Int, _ reason: String) -> SSTableCorruption {
            SSTableCorruption(path: path, offset: offset, reason: "TOC: \(reason)")
        }
        guard bytes.last == UInt8(ascii: "\n") else { throw corrupt(bytes.count, "does not end with a newline (torn or truncated)") }
        var lines: [(offset: Int, fields: [Substring])] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            let line = String(decoding: bytes[start..<i], as: UTF8.self)
            lines.append((start, line.split(separator: " ", omittingEmptySubsequences: false)))
            start = i + 1
        }
        guard lines[0].fields.count == 2, lines[0].fields[0] == Self.magic else {
            throw corrupt(0, "first line is not '\(Self.magic) <version>'")
        }
        guard lines[0].fields[1] == "\(SSTableFormat.version)" else {
            throw corrupt(0, "format version \(lines[0].fields[1]), this build reads \(SSTableFormat.version)")
        }
        var entries: [SSTableComponent: Entry] = [:]
        for (offset, fields) in lines.dropFirst() {
            guard fields.count == 3,
                  let component = SSTableComponent(rawValue: String(fields[0])), component != .toc,
                  let size = Int(fields[1]), size >= 0,
                  fields[2].count == 8, let crc = UInt32(fields[2], radix: 16) else {
                throw corrupt(offset, "malformed line '\(fields.joined(separator: " "))'")
            }
            guard entries.updateValue(Entry(size: size, crc: crc), forKey: component) == nil else {
                throw corrupt(offset, "\(component.rawValue) listed twice")
            }
        }
        for component in SSTableComponent.listed where entries[component] == nil {
            throw corrupt(bytes.count, "does not list \(component.rawValue)")
        }
        return TableOfContents(entries: entries)
    }
}
