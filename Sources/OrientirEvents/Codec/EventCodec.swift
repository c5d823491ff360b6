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
        ByteBuffer.withScratch(size: 512) { scratch in
            encode(event, to: &scratch)
            buffer.append(scratch)
        }
    }

    /// The encoding of `event` (without its id).
    public static func encode(_ event: Event) -> [UInt8] {
        ByteBuffer.withScratch(size: 512) { scratch in
            encode(event, to: &scratch)
            return [UInt8](UnsafeBufferPointer(start: scratch.base.assumingMemoryBound(to: UInt8.self), count: scratch.count))
        }
    }

    static func encode(_ event: Event, to writer: inout ByteBuffer) {
        let time = event.occurredAt
        writer.reserve(3 + 10 + 10 + 3 + 1 + 10)
        writer.appendUnchecked(formatVersion)
        writer.appendUnchecked(event.type.code)
        var flags: UInt8 = event.source == nil ? 0 : 1
        if case .sealedPersonalData = event.data { flags |= 2 }
        writer.appendUnchecked(flags)
        writer.varint(UInt64(truncatingIfNeeded: event.schema))
        writer.signed(time.epochSeconds)
        writer.signed(Int64(time.offsetMinutes))
        writer.appendUnchecked(time.offsetStyle.rawValue << 5 | time.fractionDigits)
        if time.fractionDigits > 0 { writer.varint(time.fraction) }
        writer.string(event.region)
        writer.string(event.municipality)
        if let source = event.source { writer.string(source) }
        if case .sealedPersonalData(let sealed) = event.data {
            writer.string(sealed.personId)
            writer.bytes(sealed.box)
            writer.bytes(sealed.contentKey)
        } else {
            let maskPosition = writer.count
            writer.append(0)
            let presence = withUnsafeMutablePointer(to: &writer) { pointer in
                var fields = BinaryFieldWriter(writer: pointer, fields: event.type.fields)
                _ = event.data.visitFields(&fields)
                return fields.presence
            }
            writer.set(presence, at: maskPosition)
        }
    }

    /// Decodes an event encoded by ``encode(_:into:)``; `id` comes from the log record.
    public static func decode(_ bytes: UnsafeRawBufferPointer, id: EventID) throws(EventCodecError) -> Event {
        try EncodedEvent(bytes, id: id).decoded()
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

/// The binary primitives, written into a ``ByteBuffer``.
extension ByteBuffer {
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        reserve(10)
        var value = value
        while value >= 0x80 {
            appendUnchecked(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        appendUnchecked(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    @inline(__always)
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(UnsafeRawBufferPointer($0)) }
    }

    /// A string given as its UTF-8 bytes.
    @inline(__always)
    mutating func string(_ utf8: UnsafeRawBufferPointer) {
        varint(UInt64(utf8.count))
        append(utf8)
    }

    /// An event id: its 16 bytes, big-endian halves.
    @inline(__always)
    mutating func eventID(_ value: EventID) {
        reserve(16)
        base.storeBytes(of: value.high.bigEndian, toByteOffset: count, as: UInt64.self)
        base.storeBytes(of: value.low.bigEndian, toByteOffset: count + 8, as: UInt64.self)
        skip(16)
    }

    mutating func bytes(_ value: [UInt8]) {
        varint(UInt64(value.count))
        value.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    mutating func number(_ value: Double) {
        if let integer = exactInteger(value) {
            varint(UInt64(bitPattern: Int64(integer << 1 ^ integer >> 63)) << 1)
        } else {
            reserve(9)
            appendUnchecked(1)
            base.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: count, as: UInt64.self)
            skip(8)
        }
    }
}

/// Writes visited fields; absent optional fields only clear their presence bit.
struct BinaryFieldWriter: FieldVisitor {
    let writer: UnsafeMutablePointer<ByteBuffer>
    let fields: UnsafeBufferPointer<FieldSpec>
    var index = 0
    var optionalIndex = 0
    var presence: UInt8 = 0

    init(writer: UnsafeMutablePointer<ByteBuffer>, fields: [FieldSpec]) {
        self.writer = writer
        // Field tables are static constants: their storage lives for the whole process.
        self.fields = fields.withUnsafeBufferPointer { $0 }
    }

    @inline(__always)
    private mutating func present(_ isPresent: Bool) -> Bool {
        if fields[index].isOptional {
            if isPresent { presence |= 1 << UInt8(optionalIndex) }
            optionalIndex += 1
        }
        index += 1
        return isPresent
    }

    mutating func string(_ value: String?) {
        if present(value != nil) { writer.pointee.string(value!) }
    }

    mutating func integer(_ value: Int?) {
        if present(value != nil) { writer.pointee.signed(Int64(value!)) }
    }

    mutating func number(_ value: Double?) {
        if present(value != nil) { writer.pointee.number(value!) }
    }

    mutating func bool(_ value: Bool?) {
        if present(value != nil) { writer.pointee.append(value! ? 1 : 0) }
    }

    mutating func date(_ value: LocalDate?) {
        if present(value != nil) { writer.pointee.signed(Int64(value!.daysSinceEpoch)) }
    }

    mutating func academicYear(_ value: AcademicYear) {
        if present(true) { writer.pointee.signed(Int64(value.startYear)) }
    }

    mutating func eventID(_ value: EventID) {
        if present(true) { writer.pointee.eventID(value) }
    }

    mutating func enumeration<E: CatalogEnum>(_ value: E) {
        if present(true) { writer.pointee.append(value.ordinal) }
    }

    mutating func strings(_ value: [String]) {
        guard present(true) else { return }
        writer.pointee.varint(UInt64(value.count))
        for item in value { writer.pointee.string(item) }
    }

    mutating func enumerations<E: CatalogEnum>(_ value: [E]) {
        guard present(true) else { return }
        writer.pointee.varint(UInt64(value.count))
        for item in value { writer.pointee.append(item.ordinal) }
    }

    mutating func directionMap(_ value: [Direction: Double]) {
        guard present(true) else { return }
        writer.pointee.varint(UInt64(value.count))
        // Gather by ordinal, then write in ordinal order.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Direction.caseCount) { scores in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: Direction.caseCount) { present in
                present.initialize(repeating: false)
                for (direction, score) in value {
                    let ordinal = Int(direction.ordinal)
                    scores[ordinal] = score
                    present[ordinal] = true
                }
                for ordinal in 0..<Direction.caseCount where present[ordinal] {
                    writer.pointee.append(UInt8(truncatingIfNeeded: ordinal))
                    writer.pointee.number(scores[ordinal])
                }
            }
        }
    }

    mutating func numberMap(_ value: [String: Double]) {
        guard present(true) else { return }
        writer.pointee.varint(UInt64(value.count))
        for name in value.keys.sorted(by: utf8Precedes) {
            writer.pointee.string(name)
            writer.pointee.number(value[name]!)
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

    /// Throws unless every byte was read.
    func expectEnd() throws(EventCodecError) {
        guard isAtEnd else { throw EventCodecError("\(bytes.count - position) bytes after the event") }
    }

    @inline(__always)
    mutating func byte() throws(EventCodecError) -> UInt8 {
        guard position < bytes.count else { throw EventCodecError("truncated") }
        let value = bytes.baseAddress.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)
        position += 1
        return value
    }

    @inline(__always)
    mutating func varint() throws(EventCodecError) -> UInt64 {
        // One-byte fast path: most lengths, ordinals and small numbers.
        if position < bytes.count {
            let first = bytes.baseAddress.unsafelyUnwrapped.load(fromByteOffset: position, as: UInt8.self)
            if first < 0x80 {
                position += 1
                return UInt64(first)
            }
        }
        return try varintSlow()
    }

    private mutating func varintSlow() throws(EventCodecError) -> UInt64 {
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

    @inline(__always)
    mutating func span() throws(EventCodecError) -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(bytes.count - position) else { throw EventCodecError("truncated") }
        let count = Int(length)
        let span = UnsafeRawBufferPointer(start: bytes.baseAddress.unsafelyUnwrapped + position, count: count)
        position += count
        return span
    }

    @inline(__always)
    mutating func string() throws(EventCodecError) -> String {
        String(decoding: try span(), as: UTF8.self)
    }

    mutating func byteArray() throws(EventCodecError) -> [UInt8] {
        Array(try span())
    }

    @inline(__always)
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

    @inline(__always)
    mutating func eventID() throws(EventCodecError) -> EventID {
        guard bytes.count - position >= 16 else { throw EventCodecError("truncated") }
        let high = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        let low = bytes.loadUnaligned(fromByteOffset: position + 8, as: UInt64.self)
        position += 16
        return EventID(high: UInt64(bigEndian: high), low: UInt64(bigEndian: low))
    }

    @inline(__always)
    mutating func ordinal(count: Int) throws(EventCodecError) -> UInt8 {
        let value = try byte()
        guard Int(value) < count else { throw EventCodecError("enum ordinal \(value) out of range") }
        return value
    }

    @inline(__always)
    mutating func listCount() throws(EventCodecError) -> Int {
        let count = try varint()
        guard count <= UInt64(bytes.count - position) else { throw EventCodecError("truncated") }
        return Int(count)
    }

    /// Reads the presence byte and the fields of `type`, straight into the payload.
    mutating func data(_ type: EventType) throws(EventCodecError) -> EventData {
        let presence = try byte()
        var state = BinaryFieldSource.State(reader: self, presence: presence)
        let data = withUnsafeMutablePointer(to: &state) { EventData.make(type, BinaryFieldSource(state: $0)) }
        if let error = state.error { throw error }
        self = state.reader
        return data
    }
}

/// Reads field values in catalog order for a payload initializer. The initializer cannot throw, so the first
/// failure is recorded (later reads return placeholders) and ``BinaryReader/data(_:)`` throws it afterwards.
struct BinaryFieldSource: FieldSource {
    struct State {
        var reader: BinaryReader
        let presence: UInt8
        var optionalIndex: UInt8 = 0
        var error: EventCodecError?

        init(reader: BinaryReader, presence: UInt8) {
            self.reader = reader
            self.presence = presence
        }
    }

    let state: UnsafeMutablePointer<State>

    @inline(__always)
    private func read<T>(_ placeholder: T, _ body: (inout BinaryReader) throws(EventCodecError) -> T) -> T {
        guard state.pointee.error == nil else { return placeholder }
        do {
            return try body(&state.pointee.reader)
        } catch {
            state.pointee.error = error
            return placeholder
        }
    }

    /// Whether the next optional field is present.
    @inline(__always)
    private func isPresent() -> Bool {
        let bit = state.pointee.optionalIndex
        state.pointee.optionalIndex = bit &+ 1
        return state.pointee.presence & (1 << bit) != 0
    }

    func take(_ index: Int) -> String { read("") { reader throws(EventCodecError) in try reader.string() } }
    func take(_ index: Int) -> String? { isPresent() ? (take(index) as String) : nil }

    func take(_ index: Int) -> Int {
        read(0) { reader throws(EventCodecError) in Int(truncatingIfNeeded: try reader.signed()) }
    }
    func take(_ index: Int) -> Int? { isPresent() ? (take(index) as Int) : nil }

    func take(_ index: Int) -> Double { read(0) { reader throws(EventCodecError) in try reader.number() } }
    func take(_ index: Int) -> Double? { isPresent() ? (take(index) as Double) : nil }

    func take(_ index: Int) -> Bool { read(false) { reader throws(EventCodecError) in try reader.byte() != 0 } }
    func take(_ index: Int) -> Bool? { isPresent() ? (take(index) as Bool) : nil }

    func take(_ index: Int) -> LocalDate? {
        guard isPresent() else { return nil }
        return read(LocalDate(daysSinceEpoch: 0)) { reader throws(EventCodecError) in
            LocalDate(daysSinceEpoch: Int(truncatingIfNeeded: try reader.signed()))
        }
    }

    func take(_ index: Int) -> AcademicYear {
        read(AcademicYear(startYear: 0)) { reader throws(EventCodecError) in
            AcademicYear(startYear: Int(truncatingIfNeeded: try reader.signed()))
        }
    }

    func take(_ index: Int) -> EventID {
        read(EventID(high: 0, low: 0)) { reader throws(EventCodecError) in try reader.eventID() }
    }

    func take(_ index: Int) -> [String] {
        read([]) { reader throws(EventCodecError) in
            let count = try reader.listCount()
            var items: [String] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try reader.string()) }
            return items
        }
    }

    func take(_ index: Int) -> [Direction: Double] {
        read([:]) { reader throws(EventCodecError) in
            let count = try reader.listCount()
            var map: [Direction: Double] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let direction = Direction(validOrdinal: try reader.ordinal(count: Direction.caseCount))
                map[direction] = try reader.number()
            }
            return map
        }
    }

    func take(_ index: Int) -> [String: Double] {
        read([:]) { reader throws(EventCodecError) in
            let count = try reader.listCount()
            var map: [String: Double] = [:]
            map.reserveCapacity(count)
            for _ in 0..<count {
                let name = try reader.string()
                map[name] = try reader.number()
            }
            return map
        }
    }

    func take<E: CatalogEnum>(_ index: Int) -> E {
        let ordinal = read(0) { reader throws(EventCodecError) in try reader.ordinal(count: E.vocabulary.count) }
        return E(validOrdinal: ordinal)
    }

    func take<E: CatalogEnum>(_ index: Int) -> [E] {
        read([]) { reader throws(EventCodecError) in
            let count = try reader.listCount()
            let cases = E.vocabulary.count
            var items: [E] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(E(validOrdinal: try reader.ordinal(count: cases))) }
            return items
        }
    }
}
