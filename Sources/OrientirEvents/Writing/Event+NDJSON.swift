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
        buffer.reserve(64)
        buffer.append(#"{"id":""#)
        buffer.reserve(36)
        id.write(into: UnsafeMutableRawBufferPointer(start: buffer.base + buffer.count, count: 36))
        buffer.skip(36)
        buffer.append(#"","type":""#)
        buffer.append(type.nameBytes)
        buffer.append(#"","schema":"#)
        buffer.appendDecimal(schema)
        buffer.append(#","occurredAt":""#)
        occurredAt.write(into: &buffer)
        buffer.append(#"","region":"#)
        buffer.appendJSONString(region)
        buffer.append(#","municipality":"#)
        buffer.appendJSONString(municipality)
        if let source {
            buffer.append(#","source":"#)
            buffer.appendJSONString(source)
        }
        buffer.append(#","data":"#)
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
            buffer.append(readOut == .sealed ? #","sealed":true}"# : #","forgotten":true}"#)
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
        let name = fields[index].staticName
        index += 1
        buffer.pointee.reserve(name.utf8CodeUnitCount + 4)
        if !first { buffer.pointee.appendUnchecked(UInt8(ascii: ",")) }
        first = false
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
        buffer.pointee.append(name)
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
        buffer.pointee.appendUnchecked(UInt8(ascii: ":"))
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
        buffer.pointee.append(UInt8(ascii: "\""))
        value.write(into: &buffer.pointee)
        buffer.pointee.append(UInt8(ascii: "\""))
    }

    mutating func academicYear(_ value: AcademicYear) {
        key()
        buffer.pointee.append(UInt8(ascii: "\""))
        value.write(into: &buffer.pointee)
        buffer.pointee.append(UInt8(ascii: "\""))
    }

    mutating func eventID(_ value: EventID) {
        key()
        buffer.pointee.reserve(38)
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
        value.write(into: UnsafeMutableRawBufferPointer(start: buffer.pointee.base + buffer.pointee.count, count: 36))
        buffer.pointee.skip(36)
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
    }

    mutating func enumeration<E: CatalogEnum>(_ value: E) {
        key()
        appendEnum(value)
    }

    @inline(__always)
    private func appendEnum<E: CatalogEnum>(_ value: E) {
        let name = E.vocabulary.name(Int(value.ordinal))
        buffer.pointee.reserve(name.count + 2)
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
        buffer.pointee.append(name)
        buffer.pointee.appendUnchecked(UInt8(ascii: "\""))
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
                buffer.pointee.append(UInt8(ascii: "{"))
                var first = true
                for ordinal in Direction.ordinalsByName where present[Int(ordinal)] {
                    if !first { buffer.pointee.append(UInt8(ascii: ",")) }
                    first = false
                    appendEnum(Direction(validOrdinal: ordinal))
                    buffer.pointee.append(UInt8(ascii: ":"))
                    buffer.pointee.appendNumber(scores[Int(ordinal)])
                }
                buffer.pointee.append(UInt8(ascii: "}"))
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
