import Crypto

/// Builds one batch: records are appended uncompressed, then sealed into header + stored payload.
///
/// Record layout inside the (decompressed) payload, one after another:
/// `varint recordedAt - minRecordedAt`, `varint streamVersion`, then four length-prefixed byte strings
/// (`varint length` + bytes): id, stream, content key, payload.
struct BatchBuilder {
    private(set) var records: [UInt8] = []
    private(set) var count = 0
    private(set) var minRecordedAt: Int64 = 0
    private(set) var maxRecordedAt: Int64 = 0
    var compress = true

    init(compress: Bool = true) {
        self.compress = compress
        records.reserveCapacity(256 << 10)
    }

    var isEmpty: Bool { count == 0 }
    var byteCount: Int { records.count }

    mutating func reset() {
        records.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Adds one record; all records of a batch share `recordedAt`'s base, so it must not decrease.
    mutating func add(
        recordedAt: Int64, streamVersion: UInt64, id: UnsafeRawBufferPointer, stream: UnsafeRawBufferPointer,
        contentKey: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        if count == 0 { minRecordedAt = recordedAt }
        maxRecordedAt = recordedAt
        records.appendVarint(UInt64(recordedAt - minRecordedAt))
        records.appendVarint(streamVersion)
        records.appendLengthPrefixed(id)
        records.appendLengthPrefixed(stream)
        records.appendLengthPrefixed(contentKey)
        records.appendLengthPrefixed(payload)
        count += 1
    }

    /// Seals the records into a batch appended to `output`; returns its header.
    func seal(firstPosition: UInt64, previousHash: Digest32, into output: inout [UInt8]) -> BatchHeader {
        let start = output.count
        let bound = LZ4.compressBound(records.count)
        output.append(contentsOf: repeatElement(0, count: BatchHeader.size + max(bound, records.count)))
        var storedLength = 0
        var codec = BatchHeader.Codec.raw
        output.withUnsafeMutableBytes { out in
            let payloadArea = UnsafeMutableRawBufferPointer(rebasing: out[(start + BatchHeader.size)...])
            records.withUnsafeBytes { source in
                if compress && records.count >= 64 {
                    let n = LZ4.compress(source, into: payloadArea)
                    if n > 0 && n < records.count {
                        storedLength = n
                        codec = .lz4
                    }
                }
                if codec == .raw {
                    payloadArea.copyMemory(from: source)
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

    /// Visits each record; false when the records do not parse or do not number `header.recordCount`.
    func forEach(_ header: BatchHeader, _ body: (RecordView) throws -> Bool) rethrows -> Bool {
        try buffer.withUnsafeBytes { raw in
            var cursor = ByteCursor(UnsafeRawBufferPointer(rebasing: raw[0..<Int(header.uncompressedLength)]))
            var position = header.firstPosition
            for _ in 0..<header.recordCount {
                guard let delta = cursor.varint(), let version = cursor.varint(),
                    let id = cursor.lengthPrefixed(), let stream = cursor.lengthPrefixed(),
                    let key = cursor.lengthPrefixed(), let payload = cursor.lengthPrefixed(),
                    delta <= UInt64(Int64.max - header.minRecordedAt)
                else { return false }
                let view = RecordView(
                    position: position, recordedAt: header.minRecordedAt + Int64(delta), streamVersion: version,
                    id: id, stream: stream, contentKey: key, payload: payload)
                if try !body(view) { return true }
                position += 1
            }
            return cursor.isAtEnd
        }
    }
}
