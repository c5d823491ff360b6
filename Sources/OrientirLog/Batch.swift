import Crypto

/// Builds one batch: records are gathered uncompressed, then sealed into header + stored payload.
///
/// The records are laid out by column, which lets LZ4 find the repeats within each kind of field
/// (`Docs/LOG_FORMAT.md`, "Records"): a 12-byte prefix of three `u32` column offsets, then
/// column A (`varint recordedAt − minRecordedAt`, `varint streamVersion` per record), column B (length-prefixed id
/// per record), column C (length-prefixed stream and content key per record), column D (length-prefixed payload
/// per record).
struct BatchBuilder {
    private var times: [UInt8] = []
    private var ids: [UInt8] = []
    private var streams: [UInt8] = []
    private var payloads: [UInt8] = []
    private var records: [UInt8] = []
    private(set) var count = 0
    private(set) var minRecordedAt: Int64 = 0
    private(set) var maxRecordedAt: Int64 = 0
    /// 0 for LZ4's fast mode, 1…12 for LZ4HC.
    var compressionLevel: Int
    var compress: Bool

    static let prefixSize = 12

    init(compress: Bool = true, compressionLevel: Int = 0) {
        self.compress = compress
        self.compressionLevel = compressionLevel
        payloads.reserveCapacity(256 << 10)
    }

    mutating func reset() {
        times.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
        streams.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Adds one record; `recordedAt` must not decrease within a batch.
    mutating func add(
        recordedAt: Int64, streamVersion: UInt64, id: UnsafeRawBufferPointer, stream: UnsafeRawBufferPointer,
        contentKey: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        if count == 0 { minRecordedAt = recordedAt }
        maxRecordedAt = recordedAt
        times.appendVarint(UInt64(recordedAt - minRecordedAt))
        times.appendVarint(streamVersion)
        ids.appendLengthPrefixed(id)
        streams.appendLengthPrefixed(stream)
        streams.appendLengthPrefixed(contentKey)
        payloads.appendLengthPrefixed(payload)
        count += 1
    }

    /// Seals the records into a batch appended to `output`; returns its header.
    mutating func seal(firstPosition: UInt64, previousHash: Digest32, into output: inout [UInt8]) -> BatchHeader {
        records.removeAll(keepingCapacity: true)
        let idStart = Self.prefixSize + times.count
        let streamStart = idStart + ids.count
        let payloadStart = streamStart + streams.count
        for offset in [idStart, streamStart, payloadStart] {
            withUnsafeBytes(of: UInt32(offset).littleEndian) { records.append(contentsOf: $0) }
        }
        records.append(contentsOf: times)
        records.append(contentsOf: ids)
        records.append(contentsOf: streams)
        records.append(contentsOf: payloads)

        let start = output.count
        let bound = LZ4.compressBound(records.count)
        output.append(contentsOf: repeatElement(0, count: BatchHeader.size + max(bound, records.count)))
        var storedLength = 0
        var codec = BatchHeader.Codec.raw
        output.withUnsafeMutableBytes { out in
            let payloadArea = UnsafeMutableRawBufferPointer(rebasing: out[(start + BatchHeader.size)...])
            records.withUnsafeBytes { source in
                if compress && records.count >= 64 {
                    let n = LZ4.compress(source, into: payloadArea, level: compressionLevel)
                    if n > 0 && n < records.count {
                        storedLength = n
                        codec = .lz4
                    }
                }
                if codec == .raw {
                    UnsafeMutableRawBufferPointer(rebasing: payloadArea[0..<records.count]).copyMemory(from: source)
                    storedLength = records.count
                }
            }
        }
        output.removeLast(output.count - (start + BatchHeader.size + storedLength))
        var header = BatchHeader(
            codec: codec, firstPosition: firstPosition, recordCount: UInt32(count),
            minRecordedAt: minRecordedAt, maxRecordedAt: maxRecordedAt,
            uncompressedLength: UInt32(records.count), storedLength: UInt32(storedLength),
            previousHash: previousHash, hash: .zero, crc: 0)
        output.withUnsafeMutableBytes { out in
            let batch = UnsafeMutableRawBufferPointer(rebasing: out[start...])
            header.write(to: batch)
            header.hash = BatchHeader.computeHash(UnsafeRawBufferPointer(batch))
            header.write(to: batch)
            header.crc = BatchHeader.computeCRC(UnsafeRawBufferPointer(batch))
            header.write(to: batch)
        }
        return header
    }
}

extension BatchHeader {
    /// SHA-256 over the header's first 76 bytes (which hold the previous hash) and the stored payload.
    static func computeHash(_ batch: UnsafeRawBufferPointer) -> Digest32 {
        var hasher = SHA256()
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: batch[0..<hashedPrefix]))
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: batch[size...]))
        return hasher.finalize().withUnsafeBytes { Digest32($0, at: 0) }
    }

    /// CRC-32C over the header's first 108 bytes and the stored payload.
    static func computeCRC(_ batch: UnsafeRawBufferPointer) -> UInt32 {
        let head = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: batch[0..<checksummedPrefix]))
        return CRC32C.update(head, UnsafeRawBufferPointer(rebasing: batch[size...]))
    }
}

/// Four cursors walking a batch's columns side by side, one record at a time.
struct RecordCursor {
    private var times: ByteCursor
    private var ids: ByteCursor
    private var streams: ByteCursor
    private var payloads: ByteCursor
    private let header: BatchHeader
    private(set) var index = 0

    /// Nil when the column offsets do not fit the records.
    init?(_ records: UnsafeRawBufferPointer, header: BatchHeader) {
        guard records.count >= BatchBuilder.prefixSize else { return nil }
        let a = Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        let b = Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let c = Int(UInt32(littleEndian: records.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        guard BatchBuilder.prefixSize <= a, a <= b, b <= c, c <= records.count else { return nil }
        times = ByteCursor(UnsafeRawBufferPointer(rebasing: records[BatchBuilder.prefixSize..<a]))
        ids = ByteCursor(UnsafeRawBufferPointer(rebasing: records[a..<b]))
        streams = ByteCursor(UnsafeRawBufferPointer(rebasing: records[b..<c]))
        payloads = ByteCursor(UnsafeRawBufferPointer(rebasing: records[c...]))
        self.header = header
    }

    /// The next record, nil at the end or when a field does not parse (`isComplete` tells which).
    @inline(__always)
    mutating func next() -> RecordView? {
        guard index < Int(header.recordCount),
            let delta = times.varint(), let version = times.varint(), let id = ids.lengthPrefixed(),
            let stream = streams.lengthPrefixed(), let key = streams.lengthPrefixed(),
            let payload = payloads.lengthPrefixed(), delta <= UInt64(Int64.max - header.minRecordedAt)
        else { return nil }
        defer { index += 1 }
        return RecordView(
            position: header.firstPosition + UInt64(index), recordedAt: header.minRecordedAt + Int64(delta),
            streamVersion: version, id: id, stream: stream, contentKey: key, payload: payload)
    }

    /// Whether every record was read and every column was used up exactly.
    var isComplete: Bool {
        index == Int(header.recordCount) && times.isAtEnd && ids.isAtEnd && streams.isAtEnd && payloads.isAtEnd
    }
}

/// The records of one batch, decompressed into a reusable buffer.
struct BatchPayload {
    private(set) var buffer: [UInt8] = []

    /// Decompresses (or copies) the stored payload; false when LZ4 rejects it.
    mutating func load(_ header: BatchHeader, stored: UnsafeRawBufferPointer) -> Bool {
        let length = Int(header.uncompressedLength)
        if buffer.count < length { buffer = [UInt8](repeating: 0, count: max(length, buffer.count * 2)) }
        return buffer.withUnsafeMutableBytes { out in
            let target = UnsafeMutableRawBufferPointer(rebasing: out[0..<length])
            switch header.codec {
            case .raw:
                target.copyMemory(from: stored)
                return true
            case .lz4:
                return LZ4.decompress(stored, into: target)
            }
        }
    }

    /// Visits each record until `body` returns false; false when the records do not parse or do not number
    /// `header.recordCount`.
    func forEach(_ header: BatchHeader, _ body: (RecordView) throws -> Bool) rethrows -> Bool {
        try buffer.withUnsafeBytes { raw in
            let records = UnsafeRawBufferPointer(rebasing: raw[0..<Int(header.uncompressedLength)])
            guard var cursor = RecordCursor(records, header: header) else { return false }
            while let record = cursor.next() {
                if try !body(record) { return true }
            }
            return cursor.isComplete
        }
    }
}
