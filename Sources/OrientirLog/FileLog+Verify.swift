/// What a full walk of the log found: counts, sizes and the head of the hash chain.
public struct LogReport: Sendable, Equatable {
    public var records: UInt64 = 0
    public var batches: Int = 0
    public var segments: Int = 0
    /// Bytes of the segment files.
    public var storedBytes: Int = 0
    /// Bytes of the batch payloads before compression.
    public var uncompressedBytes: Int = 0
    public var headHash: Digest32 = .zero
    public var firstRecordedAt: Int64?
    public var lastRecordedAt: Int64?

    /// Uncompressed payload bytes per stored byte.
    public var compressionRatio: Double {
        storedBytes == 0 ? 1 : Double(uncompressedBytes) / Double(storedBytes)
    }
}

extension FileLog {
    /// Checks every batch of every segment: header, CRC-32C, SHA-256, the hash chain, positions without gaps,
    /// and that every payload decompresses into exactly its records. Stops at the first fault with an error
    /// naming the segment file, the byte offset and the position.
    ///
    /// `upTo` stops after the batch that ends at that position (a checkpoint's), which must be a batch boundary.
    public func verify(upTo endPosition: UInt64? = nil) throws(LogError) -> LogReport {
        try walkAll(upTo: endPosition, deep: true)
    }

    /// Counts and sizes, reading headers only (no CRC or decompression).
    public func stats() throws(LogError) -> LogReport {
        try walkAll(upTo: nil, deep: false)
    }

    private func walkAll(upTo limit: UInt64?, deep: Bool) throws(LogError) -> LogReport {
        var report = LogReport()
        var expected: UInt64 = 0
        var previous = Digest32.zero
        var payload = BatchPayload()
        let files = segmentFiles()
        var reachedLimit = limit == 0
        for (index, file) in files.enumerated() where !reachedLimit {
            guard let first = Segment.position(ofFileName: String(file.path.split(separator: "/").last ?? "")) else { continue }
            guard first == expected else {
                throw LogError(.corrupt, "segment file is named for position \(first), but the log continues at \(expected)",
                               path: file.path, offset: 0, position: expected)
            }
            let segment = try Segment(directory: directory, firstPosition: first, writable: false)
            let size = index == files.count - 1 ? min(file.size, try FileIO.size(segment.fd, segment.path)) : file.size
            let mapped = try segment.map(upTo: size)
            var fault: LogError?
            let (_, stop) = Segment.walk(
                mapped.bytes, from: 0, expectedPosition: expected, previousHash: previous, checksums: deep
            ) { header, offset in
                guard fault == nil, !reachedLimit else { return }
                let batch = UnsafeRawBufferPointer(rebasing: mapped.bytes[offset..<offset + header.totalLength])
                if deep {
                    if BatchHeader.computeHash(batch) != header.hash {
                        fault = LogError(.corrupt, "SHA-256 of the batch does not match its header", path: segment.path,
                                         offset: offset, position: header.firstPosition)
                        return
                    }
                    let stored = UnsafeRawBufferPointer(rebasing: batch[BatchHeader.size...])
                    guard payload.load(header, stored: stored), payload.forEach(header, { _ in true }) else {
                        fault = LogError(.corrupt, "batch payload does not decode into \(header.recordCount) records",
                                         path: segment.path, offset: offset, position: header.firstPosition)
                        return
                    }
                }
                report.records += UInt64(header.recordCount)
                report.batches += 1
                report.uncompressedBytes += Int(header.uncompressedLength)
                report.headHash = header.hash
                if report.firstRecordedAt == nil { report.firstRecordedAt = header.minRecordedAt }
                report.lastRecordedAt = header.maxRecordedAt
                expected = header.endPosition
                previous = header.hash
                if let limit {
                    if header.endPosition == limit { reachedLimit = true }
                    if header.endPosition > limit {
                        fault = LogError(.notFound, "position \(limit) is not the end of a batch", position: limit)
                    }
                }
            }
            if let fault { throw fault }
            if let stop, !reachedLimit {
                throw LogError(.corrupt, stop.reason, path: segment.path, offset: stop.offset, position: expected)
            }
            report.segments += 1
            report.storedBytes += size
        }
        if let limit, !reachedLimit {
            throw LogError(.notFound, "the log ends at position \(expected), before \(limit)", position: limit)
        }
        return report
    }
}
