/// Constants of the on-disk format (docs/formats/sstable.md). Bump `version` on any layout change:
/// readers refuse versions they do not know rather than misread them.
public enum SSTableFormat {
    public static let version: UInt16 = 1

    /// Limits on lengths read from disk, so a corrupt file cannot make a reader allocate without bound.
    static let maximumChunkSize = 4 << 20
    static let minimumChunkSize = 64
    static let maximumSmallComponentSize = 1 << 30
    static let maximumTOCSize = 4096
    static let maximumSummaryInterval = 1 << 16
    /// An index segment holds `summaryInterval` entries; its frame may not exceed this.
    static let maximumIndexSegmentSize = 256 << 20
}
