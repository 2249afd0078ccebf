import BasaltFileSystem

/// The files an SSTable is made of. Each is `<generation>-<rawValue>.db`, except the TOC, which is
/// `<generation>-TOC.txt` and is written last: its presence is what makes the other files an SSTable.
public enum SSTableComponent: String, CaseIterable, Hashable, Sendable {
    case data = "Data"
    case index = "Index"
    case summary = "Summary"
    case filter = "Filter"
    case statistics = "Statistics"
    case compressionInfo = "CompressionInfo"
    case toc = "TOC"

    /// The components the TOC lists (all but itself), in the order it lists them.
    public static let listed: [SSTableComponent] = [.data, .index, .summary, .filter, .statistics, .compressionInfo]

    var fileSuffix: String { self == .toc ? "-TOC.txt" : "-\(rawValue).db" }
}

/// Where one SSTable lives: a directory and a generation number unique within it.
public struct SSTableDescriptor: Hashable, Sendable, CustomStringConvertible {
    public var directory: String
    public var generation: UInt64

    public init(directory: String, generation: UInt64) {
        self.directory = directory
        self.generation = generation
    }

    public func path(_ component: SSTableComponent) -> String {
        "\(directory)/\(generation)\(component.fileSuffix)"
    }

    /// The TOC is written under this name, fsynced, then renamed into place, so a TOC is never torn
    /// (`FileSystem.writeAtomically` names its temporary file so).
    var temporaryTOCPath: String { path(.toc) + ".tmp" }

    /// Removes every file of this generation that exists, TOC first: a crash part-way leaves an
    /// incomplete generation (no TOC), which readers refuse and the engine deletes at startup, never
    /// a TOC that names files already gone. Missing files are not an error; other failures are
    /// ignored too, because the caller can do nothing better than retry at the next startup.
    public func deleteAllComponents(fileSystem: any FileSystem = PosixFileSystem()) {
        try? fileSystem.remove(temporaryTOCPath)
        try? fileSystem.remove(path(.toc))
        for component in SSTableComponent.listed { try? fileSystem.remove(path(component)) }
        try? fileSystem.syncDirectory(directory)
    }

    /// The generations with at least one file in `directory` (complete or not), in generation order.
    public static func list(in directory: String, fileSystem: any FileSystem = PosixFileSystem()) -> [SSTableDescriptor] {
        let names = (try? fileSystem.listDirectory(directory)) ?? []
        let generations = Set(names.compactMap(parseGeneration(fileName:)))
        return generations.sorted().map { SSTableDescriptor(directory: directory, generation: $0) }
    }

    /// The generation of a file named like a component of ours (`<digits>-<Component>.db`, the TOC or
    /// its temporary), nil for any other file.
    static func parseGeneration(fileName: String) -> UInt64? {
        guard let dash = fileName.firstIndex(of: "-"),
              let generation = UInt64(fileName[..<dash]) else { return nil }
        let suffix = fileName[dash...]
        let known = SSTableComponent.allCases.contains { suffix == $0.fileSuffix } || suffix == "-TOC.txt.tmp"
        return known ? generation : nil
    }

    public var description: String { "\(directory)/\(generation)" }
}
