import BasaltReplication
import Foundation

extension RepairSummary {
    /// What `basalt admin repair` prints: a line per table, the totals, then any range that could
    /// not be repaired.
    public var text: String {
        var grid = TextTable(header: ["Table", "Ranges", "Differed", "Received", "Sent", "Rows in", "Rows out", "Bytes in",
                                       "Bytes out", "Trees"])
        for row in tables {
            grid.rows.append([
                "\(row.keyspace).\(row.table)", "\(row.rangesCompared)", "\(row.rangesDiffered)", "\(row.partitionsReceived)",
                "\(row.partitionsSent)", "\(row.rowsReceived)", "\(row.rowsSent)", AdminFormat.bytes(row.bytesReceived),
                AdminFormat.bytes(row.bytesSent), AdminFormat.bytes(row.treeBytes),
            ])
        }
        func total(_ value: (TableSummary) -> Int) -> Int { tables.reduce(0) { $0 + value($1) } }
        let streamed = total(\.bytesReceived) + total(\.bytesSent)
        let ranges = "ranges compared \(total(\.rangesCompared)), differed \(total(\.rangesDiffered))"
        let partitions = "partitions received \(total(\.partitionsReceived)), sent \(total(\.partitionsSent))"
        let rows = "rows received \(total(\.rowsReceived)), sent \(total(\.rowsSent))"
        let bytes = "streamed \(AdminFormat.bytes(streamed)), trees \(AdminFormat.bytes(total(\.treeBytes)))"
        let subject: String
        if let keyspace { subject = table.map { "\(keyspace).\($0)" } ?? keyspace } else { subject = "every keyspace" }
        var lines = [
            "Repair \(id.uuidString.lowercased()) of \(subject)" + (primaryOnly ? ", primary ranges" : ""),
            grid.text,
            "",
            [ranges, partitions, rows, bytes, AdminFormat.duration(seconds: durationSeconds)].joined(separator: "; "),
        ]
        if failures.isEmpty {
            lines.append("Repair completed successfully")
        } else {
            lines.append("Repair failed for \(failures.count) range\(failures.count == 1 ? "" : "s"):")
            lines += failures.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}

extension RepairHistoryReport {
    public var text: String {
        guard !repairs.isEmpty else { return "No repair has run on this node" }
        var table = TextTable(header: ["Id", "Started", "Keyspace", "Ranges", "Differed", "Streamed", "Duration", "Status"])
        let formatter = ISO8601DateFormatter()
        for repair in repairs {
            table.rows.append([
                repair.id.uuidString.lowercased(), formatter.string(from: Date(timeIntervalSince1970: repair.startedAt)),
                repair.keyspace.map { ks in repair.table.map { "\(ks).\($0)" } ?? ks } ?? "all",
                "\(repair.tables.reduce(0) { $0 + $1.rangesCompared })", "\(repair.tables.reduce(0) { $0 + $1.rangesDiffered })",
                AdminFormat.bytes(repair.tables.reduce(0) { $0 + $1.bytesReceived + $1.bytesSent }),
                AdminFormat.duration(seconds: repair.durationSeconds), repair.succeeded ? "SUCCESS" : "FAILED",
            ])
        }
        return table.text
    }
}
