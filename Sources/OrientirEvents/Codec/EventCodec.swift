/// The compact binary encoding of an event for the log.
///
/// The event id and the stream are not in the payload: the log record carries them (``EventID/bytes``,
/// ``Event/stream``), so ``decode(_:id:)`` takes the id from the caller. The encoding is canonical: two events
/// equal as JSON values (key order, `6` vs `6.0`) encode to identical bytes.
///
/// Layout, format version 1 (varints are LEB128, signed ones zigzag):
///
/// | bytes | field |
/// |---|---|
/// | 1 | format version (1) |
/// | 1 | event type code (position in ``EventType/allCases``) |
/// | 1 | flags: bit 0 `source` present, bit 1 sealed `PersonalDataRecorded` |
/// | varint | `schema` |
/// | zigzag varint | `occurredAt` UTC epoch seconds |
/// | zigzag varint | offset minutes |
/// | 1 | offset style (0 `Z`, 1 `+`, 2 `-`) in bits 5–6, fraction digit count in bits 0–4 |
/// | varint | fraction digits as an integer, only if the count is not 0 |
/// | string | `region`, `municipality`, then `source` if present |
/// | 1 | presence bits of the type's optional fields, in catalog order |
/// | … | each present `data` field in catalog order |
///
/// Strings are a varint length and UTF-8 bytes. Field values: ids and text as strings; integers zigzag varints;
/// numbers a varint header (zigzag value × 2 when integral, else 1 and eight little-endian bytes of the double);
/// booleans and enum ordinals one byte; dates zigzag days since 1970-01-01; academic years zigzag start year;
/// event ids 16 bytes; lists a varint count and items; maps a varint count and entries sorted by key
/// (direction maps by ordinal, criteria by UTF-8 bytes). A sealed `PersonalDataRecorded` has, instead of fields,
/// `personId`, the sealed box and the content key, each length-prefixed.
public enum EventCodec {
    /// The format version written as the first byte.
    public static let formatVersion: UInt8 = 1

    /// Appends the encoding of `event` (without its id) to `buffer`.
    public static func encode(_ event: Event, into buffer: inout [UInt8]) {
        var writer = BinaryWriter(buffer: [])
        swap(&buffer, &writer.buffer)
        writer.byte(formatVersion)
        writer.byte(event.type.code)
        var flags: UInt8 = event.source == nil ? 0 : 1
        if case .sealedPersonalData = event.data { flags |= 2 }
        writer.byte(flags)
        writer.varint(UInt64(event.schema))
        let time = event.occurredAt
        writer.signed(time.epochSeconds)
        writer.signed(Int64(time.offsetMinutes))
        writer.byte(time.offsetStyle.rawValue << 5 | time.fractionDigits)
        if time.fractionDigits > 0 { writer.varint(time.fraction) }
        writer.string(event.region)
        writer.string(event.municipality)
        if let source = event.source { writer.string(source) }
        if case .sealedPersonalData(let sealed) = event.data {
            writer.string(sealed.personId)
            writer.bytes(sealed.box)
            writer.bytes(sealed.contentKey)
        } else {
            let maskPosition = writer.buffer.count
            writer.byte(0)
            var fields = BinaryFieldWriter(writer: writer, fields: event.type.fields)
            _ = event.data.visitFields(&fields)
            writer = fields.writer
            writer.buffer[maskPosition] = fields.presence
        }
        swap(&buffer, &writer.buffer)
    }

    /// The encoding of `event` (without its id).
    public static func encode(_ event: Event) -> [UInt8] {
        var buffer: [UInt8] = []
        encode(event, into: &buffer)
        return buffer
    }

    /// Decodes an event encoded by ``encode(_:into:)``; `id` comes from the log record.
    public static func decode(_ bytes: UnsafeRawBufferPointer, id: EventID) throws(EventCodecError) -> Event {
        var reader = BinaryReader(bytes: bytes)
        let version = try reader.byte()
        guard version == formatVersion else { throw EventCodecError("unknown format version \(version)") }
        let code = try reader.byte()
        guard Int(code) < EventType.allCases.count else { throw EventCodecError("unknown event type code \(code)") }
        let type = EventType.allCases[Int(code)]
        let flags = try reader.byte()
        let schema = Int(try reader.varint())
        let epochSeconds = try reader.signed()
        let offsetMinutes = Int(try reader.signed())
        let timeBits = try reader.byte()
        let fractionDigits = timeBits & 0x1F
        guard let style = Timestamp.OffsetStyle(rawValue: timeBits >> 5), fractionDigits <= 18 else {
            throw EventCodecError("invalid timestamp")
        }
        let fraction = fractionDigits > 0 ? try reader.varint() : 0
        let occurredAt = Timestamp(
            epochSeconds: epochSeconds, offsetMinutes: offsetMinutes, fraction: fraction,
            fractionDigits: fractionDigits, offsetStyle: style)
        let region = try reader.string()
        let municipality = try reader.string()
        let source = flags & 1 != 0 ? try reader.string() : nil
        let data: EventData
        if flags & 2 != 0 {
            guard type == .personalDataRecorded else { throw EventCodecError("sealed data on \(type)") }
            data = .sealedPersonalData(
                SealedPersonalData(personId: try reader.string(), box: try reader.byteArray(), contentKey: try reader.byteArray()))
        } else {
            data = try reader.data(type)
        }
        guard reader.isAtEnd else { throw EventCodecError("\(bytes.count - reader.position) bytes after the event") }
        return Event(
            id: id, schema: schema, occurredAt: occurredAt, region: region, municipality: municipality,
            source: source, data: data)
    }

    /// Decodes an event from bytes; `id` comes from the log record.
    public static func decode(_ bytes: [UInt8], id: EventID) throws(EventCodecError) -> Event {
        let result: Result<Event, EventCodecError> = bytes.withUnsafeBytes { buffer in
            do throws(EventCodecError) { return .success(try decode(buffer, id: id)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Bytes that are not an encoded event (a damaged or foreign payload).
public struct EventCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    init(_ reason: String) { self.reason = reason }

    public var description: String { "cannot decode event: \(reason)" }
}

struct BinaryWriter {
    var buffer: [UInt8]

    @inline(__always)
    mutating func byte(_ value: UInt8) { buffer.append(value) }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    @inline(__always)
    mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            buffer.append(contentsOf: utf8)
        }
    }

    mutating func bytes(_ value: [UInt8]) {
        varint(UInt64(value.count))
        buffer.append(contentsOf: value)
    }

    mutating func number(_ value: Double) {
        if let integer = exactInteger(value) {
            varint(UInt64(bitPattern: Int64(integer << 1 ^ integer >> 63)) << 1)
        } else {
            byte(1)
            var bits = value.bitPattern
            for _ in 0..<8 {
                byte(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
            }
        }
    }
}

/// Writes visited fields; absent optional fields only clear their presence bit.
struct BinaryFieldWriter: FieldVisitor {
    var writer: BinaryWriter
    let fields: [FieldSpec]
    var index = 0
    var optionalIndex = 0
    var presence: UInt8 = 0

    init(writer: BinaryWriter, fields: [FieldSpec]) {
        self.writer = writer
        self.fields = fields
    }

    private mutating func present(_ isPresent: Bool) -> Bool {
        defer { index += 1 }
        if fields[index].isOptional {
            if isPresent { presence |= 1 << UInt8(optionalIndex) }
            optionalIndex += 1
        }
        return isPresent
    }

    mutating func string(_ value: String?) {
        if present(value != nil) { writer.string(value!) }
    }

    mutating func integer(_ value: Int?) {
        if present(value != nil) { writer.signed(Int64(value!)) }
    }

    mutating func number(_ value: Double?) {
        if present(value != nil) { writer.number(value!) }
    }

    mutating func bool(_ value: Bool?) {
        if present(value != nil) { writer.byte(value! ? 1 : 0) }
    }

    mutating func date(_ value: LocalDate?) {
        if present(value != nil) { writer.signed(Int64(value!.daysSinceEpoch)) }
    }

    mutating func academicYear(_ value: AcademicYear) {
        if present(true) { writer.signed(Int64(value.startYear)) }
    }

    mutating func eventID(_ value: EventID) {
        guard present(true) else { return }
        for shift in stride(from: 56, through: 0, by: -8) { writer.byte(UInt8(truncatingIfNeeded: value.high >> shift)) }
        for shift in stride(from: 56, through: 0, by: -8) { writer.byte(UInt8(truncatingIfNeeded: value.low >> shift)) }
    }

    mutating func enumeration<E: CatalogEnum>(_ value: E) {
        if present(true) { writer.byte(value.ordinal) }
    }

    mutating func strings(_ value: [String]) {
        guard present(true) else { return }
        writer.varint(UInt64(value.count))
        for item in value { writer.string(item) }
    }

    mutating func enumerations<E: CatalogEnum>(_ value: [E]) {
        guard present(true) else { return }
        writer.varint(UInt64(value.count))
        for item in value { writer.byte(item.ordinal) }
    }

    mutating func directionMap(_ value: [Direction: Double]) {
        guard present(true) else { return }
        writer.varint(UInt64(value.count))
        for (direction, score) in value.sorted(by: { $0.key.ordinal < $1.key.ordinal }) {
            writer.byte(direction.ordinal)
            writer.number(score)
        }
    }

    mutating func numberMap(_ value: [String: Double]) {
        guard present(true) else { return }
        writer.varint(UInt64(value.count))
        for name in value.keys.sorted(by: utf8Precedes) {
            writer.string(name)
            writer.number(value[name]!)
        }
    }
}

struct BinaryReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    @inline(__always)
    mutating func byte() throws(EventCodecError) -> UInt8 {
        guard position < bytes.count else { throw EventCodecError("truncated") }
        defer { position += 1 }
        return bytes[position]
    }

    @inline(__always)
    mutating func varint() throws(EventCodecError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 64 else { throw EventCodecError("varint too long") }
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    @inline(__always)
    mutating func signed() throws(EventCodecError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func span() throws(EventCodecError) -> UnsafeRawBufferPointer {
        let count = Int(try varint())
        guard count <= bytes.count - position else { throw EventCodecError("truncated") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func string() throws(EventCodecError) -> String {
        String(decoding: try span(), as: UTF8.self)
    }

    mutating func byteArray() throws(EventCodecError) -> [UInt8] {
        Array(try span())
    }

    mutating func number() throws(EventCodecError) -> Double {
        let header = try varint()
        guard header & 1 == 1 else {
            let zigzag = header >> 1
            return Double(Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1))
        }
        guard bytes.count - position >= 8 else { throw EventCodecError("truncated") }
        let bits = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return Double(bitPattern: UInt64(littleEndian: bits))
    }

    mutating func ordinal(_ vocabulary: Vocabulary) throws(EventCodecError) -> UInt8 {
        let value = try byte()
        guard Int(value) < vocabulary.names.count else { throw EventCodecError("enum ordinal \(value) out of range") }
        return value
    }

    mutating func data(_ type: EventType) throws(EventCodecError) -> EventData {
        let fields = type.fields
        let presence = try byte()
        return try FieldValues.withSlots(count: fields.count) { values throws(EventCodecError) in
            var optionalIndex = 0
            for (index, field) in fields.enumerated() {
                if field.isOptional {
                    defer { optionalIndex += 1 }
                    if presence & (1 << UInt8(optionalIndex)) == 0 { continue }
                }
                values.slots[index] = try slot(field.kind)
            }
            return EventData.make(type, values)
        }
    }

    mutating func slot(_ kind: FieldKind) throws(EventCodecError) -> Slot {
        switch kind {
        case .id, .text, .municipalityId:
            return .string(try string())
        case .date:
            return .date(LocalDate(daysSinceEpoch: Int(try signed())))
        case .academicYear:
            return .academicYear(AcademicYear(startYear: Int(try signed())))
        case .eventID:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for _ in 0..<8 { high = high << 8 | UInt64(try byte()) }
            for _ in 0..<8 { low = low << 8 | UInt64(try byte()) }
            return .eventID(EventID(high: high, low: low))
        case .bool:
            return .bool(try byte() != 0)
        case .integer:
            return .integer(Int(try signed()))
        case .number:
            return .number(try number())
        case .enumeration(let vocabulary):
            return .ordinal(try ordinal(vocabulary))
        case .idList, .memberList:
            let count = Int(try varint())
            guard count <= bytes.count - position else { throw EventCodecError("truncated") }
            var items: [String] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try string()) }
            return .strings(items)
        case .enumList(let vocabulary):
            let count = Int(try varint())
            guard count <= bytes.count - position else { throw EventCodecError("truncated") }
            var items: [UInt8] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try ordinal(vocabulary)) }
            return .ordinals(items)
        case .directionMap:
            let count = Int(try varint())
            guard count <= bytes.count - position else { throw EventCodecError("truncated") }
            var map: [Direction: Double] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let direction = Direction.allCases[Int(try ordinal(Direction.vocabulary))]
                map[direction] = try number()
            }
            return .directionMap(map)
        case .criteriaMap:
            let count = Int(try varint())
            guard count <= bytes.count - position else { throw EventCodecError("truncated") }
            var map: [String: Double] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let name = try string()
                map[name] = try number()
            }
            return .numberMap(map)
        }
    }
}
