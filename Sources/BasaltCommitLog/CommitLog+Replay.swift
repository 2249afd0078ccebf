import BasaltCore

/// Replay: reading back the segments that were in the directory when the log was opened.
extension CommitLog {
    /// Applies every readable record of the segments found at startup, oldest first, with the position
    /// just after each (as `append` returned it). Damage is reported, never skipped silently, and never
    /// stops the replay: see `CommitLogReplayReport` and docs/formats/commitlog.md. Rethrows what
    /// `apply` throws (stopping there); throws `CommitLogError.io` when a file cannot be read.
    public func replay(_ apply: (Mutation, CommitLogPosition) throws -> Void) throws -> CommitLogReplayReport {
        monitor.lock()
        let segments = existing
        monitor.unlock()

        var report = CommitLogReplayReport()
        var damages: [Damage] = []
        // Unreadable bytes at the end of the newest segment with data so far: a torn write if nothing
        // follows in a later segment, a corruption if something does.
        var tail: Damage?
        var frames = 0
        var frameBytes = 0
        defer {
            monitor.lock()
            counters.recordsReplayed += report.recordsReplayed
            monitor.unlock()
        }
        for segment in segments {
            let (image, size) = try SegmentDirectory.read(segment.path, fileSystem: fileSystem)
            report.segmentsRead += 1
            guard let image else {
                damages.append(Damage(segment: segment, offset: 0, length: size,
                                      reason: .segmentTooLarge(size: size, limit: SegmentLayout.maximumSegmentSize)))
                continue
            }
            try image.withUnsafeBytes { bytes in
                // Without a trustworthy header, lengths are bounded only by the segment itself; each record
                // is still checked by its own checksums.
                var limit = SegmentLayout.maximumSegmentSize
                switch SegmentHeader.decode(bytes, expectedID: segment.id) {
                case let .success(header):
                    limit = Int(header.maximumRecordSize)
                case let .failure(reason):
                    // An all-zero file is a segment whose creation a crash interrupted: nothing was lost.
                    if bytes.allSatisfy({ $0 == 0 }) { return }
                    damages.append(Damage(segment: segment, offset: 0, length: min(bytes.count, SegmentHeader.size), reason: reason))
                }
                var scanner = SegmentScanner(bytes: bytes, start: min(SegmentHeader.size, bytes.count), limit: limit)
                while let event = scanner.next() {
                    if let earlier = tail {
                        damages.append(earlier)
                        tail = nil
                    }
                    switch event {
                    case let .record(payload, end):
                        frames += 1
                        frameBytes += end - payload.lowerBound + RecordFrame.headerSize
                        let mutation: Mutation
                        do throws(DecodeError) {
                            mutation = try DataCodec.decodeMutation([UInt8](UnsafeRawBufferPointer(rebasing: bytes[payload])))
                        } catch {
                            let start = payload.lowerBound - RecordFrame.headerSize
                            damages.append(Damage(segment: segment, offset: start, length: end - start,
                                                  reason: .undecodableMutation(error)))
                            continue
                        }
                        let position = CommitLogPosition(segment: segment.id, offset: UInt32(end))
                        try apply(mutation, position)
                        report.recordsReplayed += 1
                        report.bytesReplayed += end - payload.lowerBound + RecordFrame.headerSize
                        report.lastPosition = position
                    case let .damage(offset, length, reason):
                        damages.append(Damage(segment: segment, offset: offset, length: length, reason: reason))
                    case let .damagedTail(offset, length, reason):
                        tail = Damage(segment: segment, offset: offset, length: length, reason: reason)
                    }
                }
            }
        }
        if let tail {
            report.truncatedTails.append(CommitLogTruncatedTail(path: tail.segment.path, segment: tail.segment.id, offset: tail.offset,
                                                                bytesDropped: tail.length, reason: tail.reason))
        }
        let averageFrame = frames == 0 ? 0 : frameBytes / frames
        report.corruptions = damages.map { $0.corruption(averageFrame: averageFrame) }
        return report
    }
}

/// An unreadable region found by replay, before its cost in records is estimated.
private struct Damage {
    var segment: ExistingSegment
    var offset: Int
    var length: Int
    var reason: CommitLogCorruption.Reason

    func corruption(averageFrame: Int) -> CommitLogCorruption {
        let lost: Int
        switch reason {
        case .badHeader: lost = 0
        case .undecodableMutation: lost = 1
        default: lost = averageFrame == 0 ? 1 : max(1, (length + averageFrame / 2) / averageFrame)
        }
        return CommitLogCorruption(path: segment.path, segment: segment.id, offset: offset, bytesSkipped: length,
                                   reason: reason, recordsLost: lost)
    }
}
