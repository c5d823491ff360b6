/// How a sealed `PersonalDataRecorded` reads out: its data becomes `{"personId":…,"sealed":true}` or,
/// once the person's key is destroyed, `{"personId":…,"forgotten":true}`.
public enum SealedReadOut: Sendable {
    case sealed
    case forgotten
}

extension Event {
    /// The canonical NDJSON line of the event (no line terminator): envelope keys in the order
    /// id, type, schema, occurredAt, region, municipality, source, data; `data` keys in catalog order, map keys
    /// sorted by their UTF-8 bytes; integral numbers without fraction, others in shortest round-trip form.
    public func ndjson(sealedAs readOut: SealedReadOut = .sealed) -> String {
        ByteBuffer.withScratch { buffer in
            write(into: &buffer, sealedAs: readOut)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
    }

    /// Appends the canonical NDJSON line of the event to `buffer` (no line terminator).
    public func writeNDJSON(into buffer: inout [UInt8], sealedAs readOut: SealedReadOut = .sealed) {
        ByteBuffer.withScratch { scratch in
            write(into: &scratch, sealedAs: readOut)
            buffer.append(scratch)
        }
    }

    func write(into buffer: inout ByteBuffer, sealedAs readOut: SealedReadOut) {
        var region = region, municipality = municipality, source = source
        region.withUTF8 { region in
            municipality.withUTF8 { municipality in
                func envelope(_ source: UnsafeRawBufferPointer?) {
                    buffer.appendEnvelope(
                        id: id, type: type, schema: schema, occurredAt: occurredAt, region: UnsafeRawBufferPointer(region),
                        municipality: UnsafeRawBufferPointer(municipality), source: source)
                }
                if source == nil { envelope(nil) } else { source!.withUTF8 { envelope(UnsafeRawBufferPointer($0)) } }
            }
        }
        data.writeJSON(into: &buffer, sealedAs: readOut)
        buffer.append(UInt8(ascii: "}"))
    }
}

extension EventData {
    /// Appends the `data` object.
    func writeJSON(into buffer: inout [UInt8], sealedAs readOut: SealedReadOut) {
        ByteBuffer.withScratch { scratch in
            writeJSON(into: &scratch, sealedAs: readOut)
            buffer.append(scratch)
        }
    }

    /// Appends the `data` object.
    func writeJSON(into buffer: inout ByteBuffer, sealedAs readOut: SealedReadOut) {
        if case .sealedPersonalData(let sealed) = self {
            buffer.append(#"{"personId":"#)
            buffer.appendJSONString(sealed.personId)
            buffer.append(readOut.closingMark)
            return
        }
        buffer.append(UInt8(ascii: "{"))
        withUnsafeMutablePointer(to: &buffer) { pointer in
            var writer = JSONFieldWriter(buffer: pointer, fields: type.fields)
            _ = visitFields(&writer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

extension SealedReadOut {
    /// What follows `personId` in the `data` of a sealed `PersonalDataRecorded`.
    var closingMark: StaticString { self == .sealed ? #","sealed":true}"# : #","forgotten":true}"# }
}

extension ByteBuffer {
    /// Appends every envelope key up to and including `"data":`; the caller writes the `data` object and the
    /// closing brace. Shared by the `Event` writer and the transcoder of encoded events.
    @inline(__always)
    mutating func appendEnvelope(
        id: EventID, type: EventType, schema: Int, occurredAt: Timestamp, region: UnsafeRawBufferPointer,
        municipality: UnsafeRawBufferPointer, source: UnsafeRawBufferPointer?
    ) {
        appendEnvelopeHead(id: id, type: type, schema: schema, occurredAt: occurredAt)
        appendJSONString(region)
        append(#","municipality":"#)
        appendJSONString(municipality)
        if let source {
            append(#","source":"#)
            appendJSONString(source)
        }
        append(#","data":"#)
    }

    /// Appends the envelope keys before `region`, ending with `"region":`.
    @inline(__always)
    private mutating func appendEnvelopeHead(id: EventID, type: EventType, schema: Int, occurredAt: Timestamp) {
        reserve(64)
        append(#"{"id":""#)
        reserve(36)
        id.write(into: UnsafeMutableRawBufferPointer(start: base + count, count: 36))
        skip(36)
        append(#"","type":""#)
        append(type.nameBytes)
        append(#"","schema":"#)
        appendDecimal(schema)
        append(#","occurredAt":""#)
        occurredAt.write(into: &self)
        append(#"","region":"#)
    }

    /// Appends the `"name":` of a `data` field, after a comma unless it is the first.
    @inline(__always)
    mutating func appendKey(_ name: StaticString, first: Bool) {
        reserve(name.utf8CodeUnitCount + 4)
        if !first { appendUnchecked(UInt8(ascii: ",")) }
        appendUnchecked(UInt8(ascii: "\""))
        append(name)
        appendUnchecked(UInt8(ascii: "\""))
        appendUnchecked(UInt8(ascii: ":"))
    }

    /// Appends a vocabulary name (an enum value) as a JSON string; names need no escaping.
    @inline(__always)
    mutating func appendQuotedName(_ name: UnsafeRawBufferPointer) {
        reserve(name.count + 2)
        appendUnchecked(UInt8(ascii: "\""))
        append(name)
        appendUnchecked(UInt8(ascii: "\""))
    }

    @inline(__always)
    mutating func appendQuoted(_ date: LocalDate) {
        append(UInt8(ascii: "\""))
        date.write(into: &self)
        append(UInt8(ascii: "\""))
    }

    @inline(__always)
    mutating func appendQuoted(_ year: AcademicYear) {
        append(UInt8(ascii: "\""))
        year.write(into: &self)
        append(UInt8(ascii: "\""))
    }

    @inline(__always)
    mutating func appendQuoted(_ id: EventID) {
        reserve(38)
        appendUnchecked(UInt8(ascii: "\""))
        id.write(into: UnsafeMutableRawBufferPointer(start: base + count, count: 36))
        skip(36)
        appendUnchecked(UInt8(ascii: "\""))
    }

    /// Appends an `interests` object from scores gathered by direction ordinal: keys in the UTF-8 order of the
    /// names, only the directions marked present.
    mutating func appendDirectionScores(_ scores: UnsafeMutableBufferPointer<Double>,
                                        present: UnsafeMutableBufferPointer<Bool>) {
        append(UInt8(ascii: "{"))
        var first = true
        for ordinal in Direction.ordinalsByName where present[Int(ordinal)] {
            if !first { append(UInt8(ascii: ",")) }
            first = false
            appendQuotedName(Direction.vocabulary.name(Int(ordinal)))
            append(UInt8(ascii: ":"))
            appendNumber(scores[Int(ordinal)])
        }
        append(UInt8(ascii: "}"))
    }
}

extension EventType {
    /// The UTF-8 bytes of the raw value.
    @inline(__always)
    var nameBytes: UnsafeRawBufferPointer { EventType.names.name(Int(code)) }
}

/// Writes visited fields as `"name":value` pairs, skipping absent optional ones.
struct JSONFieldWriter: FieldVisitor {
    let buffer: UnsafeMutablePointer<ByteBuffer>
    let fields: UnsafeBufferPointer<FieldSpec>
    var index = 0
    var first = true

    init(buffer: UnsafeMutablePointer<ByteBuffer>, fields: [FieldSpec]) {
        self.buffer = buffer
        // Field tables are static constants: their storage lives for the whole process.
        self.fields = fields.withUnsafeBufferPointer { $0 }
    }

    /// Writes the key of the next field.
    @inline(__always)
    private mutating func key() {
        buffer.pointee.appendKey(fields[index].staticName, first: first)
        index += 1
        first = false
    }

    @inline(__always)
    private mutating func skip() { index += 1 }

    mutating func string(_ value: String?) {
        guard let value else { return skip() }
        key()
        buffer.pointee.appendJSONString(value)
    }

    mutating func integer(_ value: Int?) {
        guard let value else { return skip() }
        key()
        buffer.pointee.appendDecimal(value)
    }

    mutating func number(_ value: Double?) {
        guard let value else { return skip() }
        key()
        buffer.pointee.appendNumber(value)
    }

    mutating func bool(_ value: Bool?) {
        guard let value else { return skip() }
        key()
        buffer.pointee.append(value ? "true" : "false")
    }

    mutating func date(_ value: LocalDate?) {
        guard let value else { return skip() }
        key()
        buffer.pointee.appendQuoted(value)
    }

    mutating func academicYear(_ value: AcademicYear) {
        key()
        buffer.pointee.appendQuoted(value)
    }

    mutating func eventID(_ value: EventID) {
        key()
        buffer.pointee.appendQuoted(value)
    }

    mutating func enumeration<E: CatalogEnum>(_ value: E) {
        key()
        appendEnum(value)
    }

    @inline(__always)
    private func appendEnum<E: CatalogEnum>(_ value: E) {
        buffer.pointee.appendQuotedName(E.vocabulary.name(Int(value.ordinal)))
    }

    mutating func strings(_ value: [String]) {
        key()
        buffer.pointee.append(UInt8(ascii: "["))
        for (offset, item) in value.enumerated() {
            if offset > 0 { buffer.pointee.append(UInt8(ascii: ",")) }
            buffer.pointee.appendJSONString(item)
        }
        buffer.pointee.append(UInt8(ascii: "]"))
    }

    mutating func enumerations<E: CatalogEnum>(_ value: [E]) {
        key()
        buffer.pointee.append(UInt8(ascii: "["))
        for (offset, item) in value.enumerated() {
            if offset > 0 { buffer.pointee.append(UInt8(ascii: ",")) }
            appendEnum(item)
        }
        buffer.pointee.append(UInt8(ascii: "]"))
    }

    mutating func directionMap(_ value: [Direction: Double]) {
        key()
        // Gather by ordinal, then write in the UTF-8 order of the names.
        withUnsafeTemporaryAllocation(of: Double.self, capacity: Direction.caseCount) { scores in
            withUnsafeTemporaryAllocation(of: Bool.self, capacity: Direction.caseCount) { present in
                present.initialize(repeating: false)
                for (direction, score) in value {
                    let ordinal = Int(direction.ordinal)
                    scores[ordinal] = score
                    present[ordinal] = true
                }
                buffer.pointee.appendDirectionScores(scores, present: present)
            }
        }
    }

    mutating func numberMap(_ value: [String: Double]) {
        key()
        buffer.pointee.append(UInt8(ascii: "{"))
        for (offset, name) in value.keys.sorted(by: utf8Precedes).enumerated() {
            if offset > 0 { buffer.pointee.append(UInt8(ascii: ",")) }
            buffer.pointee.appendJSONString(name)
            buffer.pointee.append(UInt8(ascii: ":"))
            buffer.pointee.appendNumber(value[name]!)
        }
        buffer.pointee.append(UInt8(ascii: "}"))
    }
}

extension Direction {
    static let caseCount = allCases.count
    /// Ordinals in the UTF-8 order of the raw values: the canonical order of `interests` keys.
    static let ordinalsByName: [UInt8] = allCases.sorted { utf8Precedes($0.rawValue, $1.rawValue) }.map(\.ordinal)
}

/// Byte order of UTF-8 (= code point order): the canonical order of map keys.
func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
    ByteBuffer.withScratch(size: 256) { scratch in
        scratch.appendJSONString(text)
        buffer.append(scratch)
    }
}

func appendInteger(_ value: Int, to buffer: inout [UInt8]) {
    ByteBuffer.withScratch(size: 32) { scratch in
        scratch.appendDecimal(value)
        buffer.append(scratch)
    }
}

/// Integral values without fraction (`6`, not `6.0`); others in Swift's shortest round-trip form.
func appendNumber(_ value: Double, to buffer: inout [UInt8]) {
    ByteBuffer.withScratch(size: 64) { scratch in
        scratch.appendNumber(value)
        buffer.append(scratch)
    }
}
