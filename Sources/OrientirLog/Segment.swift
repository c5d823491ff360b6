#if canImport(Glibc)
import Glibc
#endif

/// One sparse index entry: the batch at `offset` starts at `position`, its records recorded from `minRecordedAt`.
struct IndexEntry: Equatable, Sendable {
    var position: UInt64
    var offset: Int
    var minRecordedAt: Int64
}

/// How a walk over a segment's batches ended early.
struct WalkStop: Error {
    enum Kind: Equatable {
        /// Fewer bytes remain than the header or its declared payload need: a write cut short.
        case truncated
        case badHeader(BatchHeader.ReadFailure)
        case badChecksum
        case badPayload
        case positionGap(expected: UInt64, found: UInt64)
        case brokenChain
    }
    var kind: Kind
    var offset: Int

    var reason: String {
        switch kind {
        case .truncated: "batch cut short (torn write)"
        case .badHeader(let failure): "unreadable batch header (\(failure))"
        case .badChecksum: "CRC-32C mismatch"
        case .badPayload: "records do not decode"
        case .positionGap(let expected, let found): "batch starts at position \(found), expected \(expected)"
        case .brokenChain: "hash chain broken: previous-hash field does not match the batch before"
        }
    }
}

/// A segment file: batches from `firstPosition`, named by that position in 20 zero-padded digits.
final class Segment: @unchecked Sendable {
    static let fileExtension = "log"
    static let positionIndexExtension = "pidx"
    static let timeIndexExtension = "tidx"
    /// A new index entry once this many bytes follow the previous one.
    static let indexIntervalBytes = 4096

    let firstPosition: UInt64
    let path: String
    let fd: Int32
    /// Bytes of whole, accepted batches; readers never look past it.
    var size: Int
    var endPosition: UInt64
    var lastHash: Digest32
    var lastRecordedAt: Int64?
    var index: [IndexEntry] = []

    static func fileName(_ position: UInt64) -> String {
        let digits = String(position)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + fileExtension
    }

    /// The first position a segment file name stands for, nil for other files.
    static func position(ofFileName name: String) -> UInt64? {
        guard name.hasSuffix("." + fileExtension) else { return nil }
        let stem = name.dropLast(fileExtension.count + 1)
        guard stem.count == 20, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(stem)
    }

    init(directory: String, firstPosition: UInt64, writable: Bool, create: Bool = false) throws(LogError) {
        self.firstPosition = firstPosition
        path = directory + "/" + Segment.fileName(firstPosition)
        fd = try FileIO.open(path, (writable ? O_RDWR : O_RDONLY) | (create ? O_CREAT | O_EXCL : 0))
        size = try FileIO.size(fd, path)
        endPosition = firstPosition
        lastHash = .zero
    }

    deinit { close(fd) }

    var positionIndexPath: String { String(path.dropLast(Segment.fileExtension.count)) + Segment.positionIndexExtension }
    var timeIndexPath: String { String(path.dropLast(Segment.fileExtension.count)) + Segment.timeIndexExtension }

    func map(upTo count: Int) throws(LogError) -> MappedFile { try MappedFile(fd: fd, count: count, path: path) }

    /// Walks batch headers from `offset`, checking each CRC when `checksums` is set, and calls `body` per batch.
    /// Returns the offset after the last good batch, and why it stopped before `bytes.count` if it did.
    static func walk(
        _ bytes: UnsafeRawBufferPointer, from offset: Int, expectedPosition: UInt64?, previousHash: Digest32?,
        checksums: Bool, _ body: (BatchHeader, Int) throws -> Void = { _, _ in }
    ) rethrows -> (end: Int, stop: WalkStop?) {
        var offset = offset
        var expected = expectedPosition
        var previous = previousHash
        while offset < bytes.count {
            guard bytes.count - offset >= BatchHeader.size else { return (offset, WalkStop(kind: .truncated, offset: offset)) }
            let header: BatchHeader
            switch BatchHeader.read(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + BatchHeader.size])) {
            case .success(let h): header = h
            case .failure(let failure): return (offset, WalkStop(kind: .badHeader(failure), offset: offset))
            }
            guard bytes.count - offset >= header.totalLength else {
                return (offset, WalkStop(kind: .truncated, offset: offset))
            }
            let batch = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + header.totalLength])
            if checksums && BatchHeader.computeCRC(batch) != header.crc {
                return (offset, WalkStop(kind: .badChecksum, offset: offset))
            }
            if let e = expected, header.firstPosition != e {
                return (offset, WalkStop(kind: .positionGap(expected: e, found: header.firstPosition), offset: offset))
            }
            if let p = previous, header.previousHash != p {
                return (offset, WalkStop(kind: .brokenChain, offset: offset))
            }
            try body(header, offset)
            expected = header.endPosition
            previous = header.hash
            offset += header.totalLength
        }
        return (offset, nil)
    }

    /// Adds the batch at `offset` to the sparse index when far enough from the last entry.
    func noteBatch(_ header: BatchHeader, at offset: Int) {
        if index.isEmpty || offset - index[index.count - 1].offset >= Segment.indexIntervalBytes {
            index.append(IndexEntry(position: header.firstPosition, offset: offset, minRecordedAt: header.minRecordedAt))
        }
        endPosition = header.endPosition
        lastHash = header.hash
        lastRecordedAt = header.maxRecordedAt
    }

    /// The offset of the last indexed batch at or before `position`.
    func offset(forPosition position: UInt64) -> Int { Self.offset(in: index, forPosition: position) }

    /// As `offset(forPosition:)`, in an index taken earlier (readers work on a snapshot while the writer adds).
    static func offset(in index: [IndexEntry], forPosition position: UInt64) -> Int {
        var low = 0, high = index.count
        while low < high {
            let mid = (low + high) / 2
            if index[mid].position <= position { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : index[low - 1].offset
    }

    /// The offset of the last indexed batch whose records all come at or after an earlier one recorded before
    /// `instant`, in an index taken earlier.
    static func offset(in index: [IndexEntry], forInstant instant: Int64) -> Int {
        var low = 0, high = index.count
        while low < high {
            let mid = (low + high) / 2
            if index[mid].minRecordedAt < instant { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? 0 : index[low - 1].offset
    }

    // MARK: index files

    /// Writes the sparse index as two files; they are caches, rebuilt whenever they do not check out.
    func writeIndexFiles() throws(LogError) {
        var positions = [UInt8]()
        var times = [UInt8]()
        positions.reserveCapacity(index.count * 16)
        times.reserveCapacity(index.count * 16)
        for entry in index {
            withUnsafeBytes(of: entry.position.littleEndian) { positions.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(entry.offset).littleEndian) { positions.append(contentsOf: $0) }
            withUnsafeBytes(of: entry.minRecordedAt.littleEndian) { times.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(entry.offset).littleEndian) { times.append(contentsOf: $0) }
        }
        // Not synced: caches, checked entry by entry against the segment before they are used.
        try FileIO.writeAtomically(positions, to: positionIndexPath, durable: false)
        try FileIO.writeAtomically(times, to: timeIndexPath, durable: false)
    }

    /// Loads the index files if both exist and every entry points at a batch that matches it; nil otherwise.
    func loadIndexFiles(_ bytes: UnsafeRawBufferPointer) -> [IndexEntry]? {
        guard let positions = try? FileIO.readFile(positionIndexPath),
            let times = try? FileIO.readFile(timeIndexPath),
            positions.count == times.count, positions.count % 16 == 0, !positions.isEmpty
        else { return nil }
        var entries: [IndexEntry] = []
        var lastOffset = -1
        for i in stride(from: 0, to: positions.count, by: 16) {
            let (position, offset, time, timeOffset) = positions.withUnsafeBytes { p in
                times.withUnsafeBytes { t in
                    (UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt64.self)),
                     UInt64(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)),
                     Int64(littleEndian: t.loadUnaligned(fromByteOffset: i, as: Int64.self)),
                     UInt64(littleEndian: t.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)))
                }
            }
            guard offset == timeOffset, offset < UInt64(bytes.count), Int(offset) > lastOffset,
                bytes.count - Int(offset) >= BatchHeader.size,
                case .success(let header) = BatchHeader.read(
                    from: UnsafeRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset) + BatchHeader.size])),
                header.firstPosition == position, header.minRecordedAt == time
            else { return nil }
            lastOffset = Int(offset)
            entries.append(IndexEntry(position: position, offset: Int(offset), minRecordedAt: time))
        }
        guard entries[0].offset == 0, entries[0].position == firstPosition else { return nil }
        return entries
    }
}
