/// The writer's tables (every id, every stream's version) saved when a writer closes, so that the next writer
/// need not read the whole log to rebuild them.
///
/// A cache, never trusted on its own: it is used only when its CRC holds and it was saved at exactly the log's
/// current end (same end position, same head hash); otherwise the writer reads the log as if it were missing.
/// Layout (little-endian): `OWST`, u32 version 4, u64 end position, 32-byte head hash, u64 fingerprint key, u64 id
/// count, then per id its u64 fingerprint (`IDTable.fingerprint` under that key) and u64 position; u64 stream count, then
/// per stream u16 name length, the name, u64 version; finally a CRC-32C of everything before it.
enum WriterState {
    static let fileName = "writer.state"
    private static let magic = Array("OWST".utf8)
    private static let version: UInt32 = 4

    static func save(_ directory: String, end: UInt64, hash: Digest32, ids: IDTable, streams: StreamTable)
        throws(LogError)
    {
        // Not synced: a cache that is checked (CRC, end position, head hash) before it is used.
        try FileIO.writeAtomically(encode(end: end, hash: hash, ids: ids, streams: streams), to: directory + "/" + fileName,
                                   durable: false)
    }

    /// A state written ahead, beside the file in use, until `promoteStaged` puts it in place or `discardStaged`
    /// removes it. Never read as it is.
    static let stagedName = fileName + ".staged"

    static func stage(_ bytes: [UInt8], in directory: String) throws(LogError) {
        try FileIO.writeAtomically(bytes, to: directory + "/" + stagedName, durable: false)
    }

    static func promoteStaged(in directory: String) throws(LogError) {
        try FileIO.move(directory + "/" + stagedName, to: directory + "/" + fileName)
    }

    static func discardStaged(in directory: String) { try? FileIO.remove(directory + "/" + stagedName) }

    /// The file's bytes for the tables at `end` with head `hash`.
    static func encode(end: UInt64, hash: Digest32, ids: IDTable, streams: StreamTable) -> [UInt8] {
        var out = magic
        out.reserveCapacity(64 + ids.count * 16 + streams.count * 32)
        append(version, to: &out)
        append(end, to: &out)
        out.append(contentsOf: hash.bytes)
        append(ids.key, to: &out)
        append(UInt64(ids.count), to: &out)
        // The id entries straight into place: a million of them is 16 MB.
        let idStart = out.count
        out.append(contentsOf: repeatElement(0, count: ids.count * 16))
        out.withUnsafeMutableBytes { raw in
            var offset = idStart
            ids.forEach { fingerprint, position in
                raw.storeBytes(of: fingerprint.littleEndian, toByteOffset: offset, as: UInt64.self)
                raw.storeBytes(of: position.littleEndian, toByteOffset: offset + 8, as: UInt64.self)
                offset += 16
            }
        }
        append(UInt64(streams.count), to: &out)
        streams.forEach { name, version in
            let bytes = Array(name.utf8)
            append(UInt16(bytes.count), to: &out)
            out.append(contentsOf: bytes)
            append(version, to: &out)
        }
        append(CRC32C.checksum(out), to: &out)
        return out
    }

    /// The saved tables if the file checks out and was saved at `end` with `hash`; nil otherwise.
    static func load(_ directory: String, end: UInt64, hash: Digest32) -> (IDTable, StreamTable)? {
        guard let bytes = try? FileIO.readFile(directory + "/" + fileName), bytes.count > 60,
            bytes.prefix(4).elementsEqual(magic)
        else { return nil }
        return bytes.withUnsafeBytes { raw -> (IDTable, StreamTable)? in
            let body = UnsafeRawBufferPointer(rebasing: raw[0..<raw.count - 4])
            guard CRC32C.checksum(body) == raw.loadUnaligned(fromByteOffset: raw.count - 4, as: UInt32.self).littleEndian,
                raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian == version,
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian == end,
                Digest32(raw, at: 16) == hash
            else { return nil }
            var offset = 48
            func u64() -> UInt64? {
                guard offset + 8 <= body.count else { return nil }
                defer { offset += 8 }
                return UInt64(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            }
            guard let key = u64(), key != 0, let idCount = u64(), idCount <= UInt64(body.count / 16), idCount <= end
            else { return nil }
            var ids = IDTable(capacity: Int(idCount), key: key)
            for _ in 0..<idCount {
                guard let fingerprint = u64(), fingerprint != 0, let position = u64(), position < end else { return nil }
                ids.insert(fingerprint, position)
            }
            guard let streamCount = u64() else { return nil }
            var streams = StreamTable(capacity: Int(min(streamCount, UInt64(body.count))))
            for _ in 0..<streamCount {
                guard offset + 2 <= body.count else { return nil }
                let length = Int(UInt16(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                offset += 2
                guard offset + length <= body.count else { return nil }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: body[offset..<offset + length]), as: UTF8.self)
                offset += length
                guard let version = u64() else { return nil }
                streams[name] = version
            }
            return offset == body.count ? (ids, streams) : nil
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
