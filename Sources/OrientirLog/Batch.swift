import Crypto

/// Builds one batch: records are gathered uncompressed, then sealed into header + stored payload.
///
/// Its columns are buffers it shares with its copies: a builder is moved from owner to owner (the log, its
/// sealer's queue), never copied and used twice.
///
/// The records are laid out by column, which lets LZ4 find the repeats within each kind of field
/// (`Docs/LOG_FORMAT.md`, "Records"). Version 2, written here: a 12-byte prefix of three `u32` column offsets
/// (C, D, B), then column A (`varint recordedAt − minRecordedAt`, `varint streamVersion` per record), column C
/// (length-prefixed stream and content key per record), column D (length-prefixed payload per record), and last
/// column B, the ids: a width byte, then the ids back to back when all have that width (Orientir's 16-byte UUIDs),
/// or length-prefixed after a width of 0. Ids are random, so LZ4 stores columns A, C and D and the ids follow it
/// as they are: no time is spent looking for repeats that random bytes never have.
struct BatchBuilder {
    private var times = ColumnBuffer()
    private var ids = ColumnBuffer()
    private var streams = ColumnBuffer()
    private var payloads = ColumnBuffer(capacity: 256 << 10)
    private var records = ColumnBuffer(capacity: 256 << 10)
    private(set) var count = 0
    /// The length every id so far has had; 0 once two differ.
    private var idWidth = 0
    private(set) var minRecordedAt: Int64 = 0
    private(set) var maxRecordedAt: Int64 = 0
    /// 0 for LZ4's fast mode, 1…12 for LZ4HC.
    var compressionLevel: Int
    var compress: Bool

    static let prefixSize = 12

    init(compress: Bool = true, compressionLevel: Int = 0) {
        self.compress = compress
        self.compressionLevel = compressionLevel
    }

    mutating func reset() {
        times.removeAll()
        ids.removeAll()
        streams.removeAll()
        payloads.removeAll()
        count = 0
        idWidth = 0
    }

    /// Adds one record; `recordedAt` must not decrease within a batch.
    mutating func add(
        recordedAt: Int64, streamVersion: UInt64, id: UnsafeRawBufferPointer, stream: UnsafeRawBufferPointer,
        contentKey: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        if count == 0 {
            minRecordedAt = recordedAt
            idWidth = id.count
        } else if id.count != idWidth {
            idWidth = 0
        }
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
        layOutRecords()
        let source = records.bytes
        let idStart = Int(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
        let compressible = UnsafeRawBufferPointer(rebasing: source[0..<idStart])
        let idColumn = UnsafeRawBufferPointer(rebasing: source[idStart...])

        let start = output.count
        let bound = Self.lengthFieldSize + LZ4.compressBound(compressible.count) + idColumn.count
        output.append(contentsOf: repeatElement(0, count: BatchHeader.size + max(bound, source.count)))
        var storedLength = 0
        var codec = BatchHeader.Codec.raw
        output.withUnsafeMutableBytes { out in
            let payloadArea = UnsafeMutableRawBufferPointer(rebasing: out[(start + BatchHeader.size)...])
            if compress && source.count >= 64 {
                let blockArea = UnsafeMutableRawBufferPointer(rebasing: payloadArea[Self.lengthFieldSize...])
                let n = LZ4.compress(compressible, into: blockArea, level: compressionLevel)
                if n > 0 && Self.lengthFieldSize + n + idColumn.count < source.count {
                    payloadArea.storeBytes(of: UInt32(n).littleEndian, toByteOffset: 0, as: UInt32.self)
                    UnsafeMutableRawBufferPointer(rebasing: blockArea[n..<n + idColumn.count]).copyMemory(from: idColumn)
                    storedLength = Self.lengthFieldSize + n + idColumn.count
                    codec = .lz4
                }
            }
            if codec == .raw {
                UnsafeMutableRawBufferPointer(rebasing: payloadArea[0..<source.count]).copyMemory(from: source)
                storedLength = source.count
            }
        }
        output.removeLast(output.count - (start + BatchHeader.size + storedLength))
        var header = BatchHeader(
            codec: codec, firstPosition: firstPosition, recordCount: UInt32(count),
            minRecordedAt: minRecordedAt, maxRecordedAt: maxRecordedAt,
            uncompressedLength: UInt32(source.count), storedLength: UInt32(storedLength),
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

    /// Bytes of the `u32` in front of an LZ4-stored version-2 payload: the length of its LZ4 block.
    static let lengthFieldSize = 4

    /// Writes the version-2 record layout into `records`: prefix, columns A, C, D, then the id column.
    private mutating func layOutRecords() {
        records.removeAll()
        let streamStart = Self.prefixSize + times.count
        let payloadStart = streamStart + streams.count
        let idStart = payloadStart + payloads.count
        for offset in [streamStart, payloadStart, idStart] {
            withUnsafeBytes(of: UInt32(offset).littleEndian) { records.append($0) }
        }
        records.append(times.bytes)
        records.append(streams.bytes)
        records.append(payloads.bytes)
        // Ids of one width lose their length prefixes (one byte each: ids are at most 32 bytes).
        let width = idWidth > 0 && idWidth <= RecordDraft.maxIDLength ? idWidth : 0
        records.append(UInt8(width))
        if width == 0 {
            records.append(ids.bytes)
        } else {
            let prefixed = ids.bytes
            for k in 0..<count {
                records.append(UnsafeRawBufferPointer(rebasing: prefixed[(k * (width + 1) + 1)...].prefix(width)))
            }
        }
    }
}

/// One column of a batch being laid out: a growable byte buffer written with plain stores (one capacity check
/// per field, no per-byte bounds or uniqueness checks). A builder and its columns belong to one thread at a time.
final class ColumnBuffer {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 16 << 10) {
        self.capacity = max(capacity, 64)
        base = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The bytes written so far; valid until the next change.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func removeAll() { count = 0 }

    @inline(__always)
    private func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        var grown = capacity * 2
        while grown < count + more { grown *= 2 }
        let moved = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
        moved.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = moved
        capacity = grown
    }

    @inline(__always)
    func appendVarint(_ value: UInt64) {
        reserve(10)
        var v = value
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            v >>= 7
        }
        base.storeBytes(of: UInt8(v), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    func appendLengthPrefixed(_ bytes: UnsafeRawBufferPointer) {
        appendVarint(UInt64(bytes.count))
        append(bytes)
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
    /// The length of every id, or 0 when each has its length in front (always so in version 1).
    private let idWidth: Int
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
        if header.version == 1 {
            // Columns A, B (ids, length-prefixed), C, D.
            ids = ByteCursor(UnsafeRawBufferPointer(rebasing: records[a..<b]))
            idWidth = 0
            streams = ByteCursor(UnsafeRawBufferPointer(rebasing: records[b..<c]))
            payloads = ByteCursor(UnsafeRawBufferPointer(rebasing: records[c...]))
        } else {
            // Columns A, C, D, then B: a width byte and the ids.
            guard c < records.count, records[c] <= UInt8(RecordDraft.maxIDLength) else { return nil }
            streams = ByteCursor(UnsafeRawBufferPointer(rebasing: records[a..<b]))
            payloads = ByteCursor(UnsafeRawBufferPointer(rebasing: records[b..<c]))
            idWidth = Int(records[c])
            ids = ByteCursor(UnsafeRawBufferPointer(rebasing: records[(c + 1)...]))
        }
        self.header = header
    }

    /// The next record, nil at the end or when a field does not parse (`isComplete` tells which).
    @inline(__always)
    mutating func next() -> RecordView? {
        guard index < Int(header.recordCount),
            let delta = times.varint(), let version = times.varint(),
            let id = idWidth > 0 ? ids.slice(idWidth) : ids.lengthPrefixed(),
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
            case .lz4 where header.version == 1:
                return LZ4.decompress(stored, into: target)
            case .lz4:
                // A u32 block length, the LZ4 block (everything before the id column), the id column as it is.
                let lengthField = BatchBuilder.lengthFieldSize
                guard stored.count >= lengthField else { return false }
                let blockLength = Int(UInt32(littleEndian: stored.loadUnaligned(as: UInt32.self)))
                guard blockLength <= stored.count - lengthField else { return false }
                let idColumn = UnsafeRawBufferPointer(rebasing: stored[(lengthField + blockLength)...])
                guard idColumn.count <= length else { return false }
                let blockEnd = length - idColumn.count
                guard LZ4.decompress(UnsafeRawBufferPointer(rebasing: stored[lengthField..<lengthField + blockLength]),
                                     into: UnsafeMutableRawBufferPointer(rebasing: target[0..<blockEnd]))
                else { return false }
                UnsafeMutableRawBufferPointer(rebasing: target[blockEnd...]).copyMemory(from: idColumn)
                return true
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
