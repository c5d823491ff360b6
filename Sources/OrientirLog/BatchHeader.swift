/// The fixed 112-byte little-endian header in front of every record batch.
///
/// The layout is specified in `Docs/LOG_FORMAT.md`; each field has a named offset here:
///
/// ```
/// offset size field
///      0    4 magic "OBT1" (0x4F 0x42 0x54 0x31)
///      4    1 format version (2; version 1 is still read)
///      5    1 codec (0 raw, 1 LZ4)
///      6    2 reserved, 0
///      8    8 first position
///     16    4 record count
///     20    8 min recordedAt (µs since 1970-01-01T00:00:00Z)
///     28    8 max recordedAt
///     36    4 uncompressed payload length
///     40    4 stored payload length
///     44   32 SHA-256 of the previous batch (zeros for the first batch of the log)
///     76   32 SHA-256 of this batch: over bytes 0..<76 of the header, then the stored payload
///    108    4 CRC-32C over bytes 0..<108 of the header, then the stored payload
/// ```
struct BatchHeader: Equatable, Sendable {
    static let magic: UInt32 = 0x3154_424F  // "OBT1" read little-endian
    /// The version new batches are written in: it fixes the record layout and how the LZ4 codec stores it.
    static let formatVersion: UInt8 = 2
    /// Versions a reader accepts.
    static let readableVersions: ClosedRange<UInt8> = 1...2
    static let size = 112

    enum Offset {
        static let magic = 0
        static let version = 4
        static let codec = 5
        static let reserved = 6
        static let firstPosition = 8
        static let recordCount = 16
        static let minRecordedAt = 20
        static let maxRecordedAt = 28
        static let uncompressedLength = 36
        static let storedLength = 40
        static let previousHash = 44
        static let hash = 76
        static let crc = 108
    }

    /// Bytes of the header covered by the hash (everything before the hash itself).
    static let hashedPrefix = Offset.hash
    /// Bytes of the header covered by the CRC (everything before the CRC itself).
    static let checksummedPrefix = Offset.crc
    /// Largest payload a batch may declare; guards readers against absurd lengths.
    static let maxPayloadLength = 64 << 20

    enum Codec: UInt8, Sendable {
        case raw = 0
        case lz4 = 1
    }

    var version: UInt8 = formatVersion
    var codec: Codec
    var firstPosition: UInt64
    var recordCount: UInt32
    var minRecordedAt: Int64
    var maxRecordedAt: Int64
    var uncompressedLength: UInt32
    var storedLength: UInt32
    var previousHash: Digest32
    var hash: Digest32
    var crc: UInt32

    var totalLength: Int { Self.size + Int(storedLength) }
    var endPosition: UInt64 { firstPosition + UInt64(recordCount) }

    func write(to buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: Self.magic.littleEndian, toByteOffset: Offset.magic, as: UInt32.self)
        buffer.storeBytes(of: version, toByteOffset: Offset.version, as: UInt8.self)
        buffer.storeBytes(of: codec.rawValue, toByteOffset: Offset.codec, as: UInt8.self)
        buffer.storeBytes(of: UInt16(0), toByteOffset: Offset.reserved, as: UInt16.self)
        buffer.storeBytes(of: firstPosition.littleEndian, toByteOffset: Offset.firstPosition, as: UInt64.self)
        buffer.storeBytes(of: recordCount.littleEndian, toByteOffset: Offset.recordCount, as: UInt32.self)
        buffer.storeBytes(of: minRecordedAt.littleEndian, toByteOffset: Offset.minRecordedAt, as: Int64.self)
        buffer.storeBytes(of: maxRecordedAt.littleEndian, toByteOffset: Offset.maxRecordedAt, as: Int64.self)
        buffer.storeBytes(of: uncompressedLength.littleEndian, toByteOffset: Offset.uncompressedLength, as: UInt32.self)
        buffer.storeBytes(of: storedLength.littleEndian, toByteOffset: Offset.storedLength, as: UInt32.self)
        previousHash.write(to: buffer, at: Offset.previousHash)
        hash.write(to: buffer, at: Offset.hash)
        buffer.storeBytes(of: crc.littleEndian, toByteOffset: Offset.crc, as: UInt32.self)
    }

    /// Why a header could not be read.
    enum ReadFailure: Error, Equatable {
        case badMagic, badVersion, badCodec, badLength
    }

    /// Reads the fixed fields; checks magic, version, codec and length sanity, not the CRC.
    static func read(from bytes: UnsafeRawBufferPointer) -> Result<BatchHeader, ReadFailure> {
        precondition(bytes.count >= size)
        func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard load(Offset.magic, UInt32.self) == magic else { return .failure(.badMagic) }
        let version = load(Offset.version, UInt8.self)
        guard readableVersions.contains(version) else { return .failure(.badVersion) }
        guard let codec = Codec(rawValue: load(Offset.codec, UInt8.self)) else { return .failure(.badCodec) }
        let header = BatchHeader(
            version: version,
            codec: codec,
            firstPosition: load(Offset.firstPosition, UInt64.self),
            recordCount: load(Offset.recordCount, UInt32.self),
            minRecordedAt: load(Offset.minRecordedAt, Int64.self),
            maxRecordedAt: load(Offset.maxRecordedAt, Int64.self),
            uncompressedLength: load(Offset.uncompressedLength, UInt32.self),
            storedLength: load(Offset.storedLength, UInt32.self),
            previousHash: Digest32(bytes, at: Offset.previousHash),
            hash: Digest32(bytes, at: Offset.hash),
            crc: load(Offset.crc, UInt32.self))
        guard header.recordCount > 0,
            Int(header.uncompressedLength) <= maxPayloadLength, Int(header.storedLength) <= maxPayloadLength,
            codec != .raw || header.uncompressedLength == header.storedLength
        else { return .failure(.badLength) }
        return .success(header)
    }
}

/// A 32-byte SHA-256 digest held inline.
public struct Digest32: Hashable, Sendable, CustomStringConvertible {
    var a: UInt64, b: UInt64, c: UInt64, d: UInt64

    public static let zero = Digest32(a: 0, b: 0, c: 0, d: 0)

    init(a: UInt64, b: UInt64, c: UInt64, d: UInt64) {
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        a = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        b = bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)
        c = bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)
        d = bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)
    }

    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 64 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            guard let high = Self.nibble(utf8[2 * i]), let low = Self.nibble(utf8[2 * i + 1]) else { return nil }
            bytes[i] = high << 4 | low
        }
        self = bytes.withUnsafeBytes { Digest32($0, at: 0) }
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.storeBytes(of: a, toByteOffset: offset, as: UInt64.self)
        buffer.storeBytes(of: b, toByteOffset: offset + 8, as: UInt64.self)
        buffer.storeBytes(of: c, toByteOffset: offset + 16, as: UInt64.self)
        buffer.storeBytes(of: d, toByteOffset: offset + 24, as: UInt64.self)
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        out.withUnsafeMutableBytes { write(to: $0, at: 0) }
        return out
    }

    /// Lowercase hexadecimal, as `verify` prints it.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
