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
        var buffer: [UInt8] = []
        writeNDJSON(into: &buffer, sealedAs: readOut)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the canonical NDJSON line of the event to `buffer` (no line terminator).
    public func writeNDJSON(into buffer: inout [UInt8], sealedAs readOut: SealedReadOut = .sealed) {
        buffer.append(contentsOf: #"{"id":""#.utf8)
        let idStart = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: 36))
        buffer.withUnsafeMutableBytes { id.write(into: UnsafeMutableRawBufferPointer(rebasing: $0[idStart...])) }
        buffer.append(contentsOf: #"","type":""#.utf8)
        buffer.append(contentsOf: type.rawValue.utf8)
        buffer.append(contentsOf: #"","schema":"#.utf8)
        appendInteger(schema, to: &buffer)
        buffer.append(contentsOf: #","occurredAt":""#.utf8)
        occurredAt.write(into: &buffer)
        buffer.append(contentsOf: #"","region":"#.utf8)
        appendJSONString(region, to: &buffer)
        buffer.append(contentsOf: #","municipality":"#.utf8)
        appendJSONString(municipality, to: &buffer)
        if let source {
            buffer.append(contentsOf: #","source":"#.utf8)
            appendJSONString(source, to: &buffer)
        }
        buffer.append(contentsOf: #","data":"#.utf8)
        data.writeJSON(into: &buffer, sealedAs: readOut)
        buffer.append(UInt8(ascii: "}"))
    }
}

extension EventData {
    /// Appends the `data` object.
    func writeJSON(into buffer: inout [UInt8], sealedAs readOut: SealedReadOut) {
        if case .sealedPersonalData(let sealed) = self {
            buffer.append(contentsOf: #"{"personId":"#.utf8)
            appendJSONString(sealed.personId, to: &buffer)
            buffer.append(contentsOf: (readOut == .sealed ? #","sealed":true}"# : #","forgotten":true}"#).utf8)
            return
        }
        var writer = JSONFieldWriter(fields: type.fields, buffer: [])
        swap(&buffer, &writer.buffer)
        writer.buffer.append(UInt8(ascii: "{"))
        _ = visitFields(&writer)
        writer.buffer.append(UInt8(ascii: "}"))
        swap(&buffer, &writer.buffer)
    }
}

/// Writes visited fields as `"name":value` pairs, skipping absent optional ones.
struct JSONFieldWriter: FieldVisitor {
    let fields: [FieldSpec]
    var buffer: [UInt8]
    var index = 0
    var first = true

    init(fields: [FieldSpec], buffer: [UInt8]) {
        self.fields = fields
        self.buffer = buffer
    }

    /// Writes the key of the next field, or skips it when `present` is false.
    private mutating func key(_ present: Bool) -> Bool {
        defer { index += 1 }
        guard present else { return false }
        if !first { buffer.append(UInt8(ascii: ",")) }
        first = false
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: fields[index].nameBytes)
        buffer.append(contentsOf: #"":"#.utf8)
        return true
    }

    mutating func string(_ value: String?) {
        if key(value != nil) { appendJSONString(value!, to: &buffer) }
    }

    mutating func integer(_ value: Int?) {
        if key(value != nil) { appendInteger(value!, to: &buffer) }
    }

    mutating func number(_ value: Double?) {
        if key(value != nil) { appendNumber(value!, to: &buffer) }
    }

    mutating func bool(_ value: Bool?) {
        if key(value != nil) { buffer.append(contentsOf: (value! ? "true" : "false").utf8) }
    }

    mutating func date(_ value: LocalDate?) {
        if key(value != nil) { appendJSONString(value!.description, to: &buffer) }
    }

    mutating func academicYear(_ value: AcademicYear) {
        if key(true) { appendJSONString(value.description, to: &buffer) }
    }

    mutating func eventID(_ value: EventID) {
        if key(true) { appendJSONString(value.description, to: &buffer) }
    }

    mutating func enumeration<E: CatalogEnum>(_ value: E) {
        if key(true) { appendJSONString(value.rawValue, to: &buffer) }
    }

    mutating func strings(_ value: [String]) {
        guard key(true) else { return }
        buffer.append(UInt8(ascii: "["))
        for (offset, item) in value.enumerated() {
            if offset > 0 { buffer.append(UInt8(ascii: ",")) }
            appendJSONString(item, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    mutating func enumerations<E: CatalogEnum>(_ value: [E]) {
        strings(value.map(\.rawValue))
    }

    mutating func directionMap(_ value: [Direction: Double]) {
        numberMap(Dictionary(uniqueKeysWithValues: value.map { ($0.key.rawValue, $0.value) }))
    }

    mutating func numberMap(_ value: [String: Double]) {
        guard key(true) else { return }
        buffer.append(UInt8(ascii: "{"))
        for (offset, name) in value.keys.sorted(by: utf8Precedes).enumerated() {
            if offset > 0 { buffer.append(UInt8(ascii: ",")) }
            appendJSONString(name, to: &buffer)
            buffer.append(UInt8(ascii: ":"))
            appendNumber(value[name]!, to: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }
}

/// Byte order of UTF-8 (= code point order): the canonical order of map keys.
func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
func appendJSONString(_ text: String, to buffer: inout [UInt8]) {
    buffer.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
        case 0x0A: buffer.append(contentsOf: #"\n"#.utf8)
        case 0x0D: buffer.append(contentsOf: #"\r"#.utf8)
        case 0x09: buffer.append(contentsOf: #"\t"#.utf8)
        case 0x08: buffer.append(contentsOf: #"\b"#.utf8)
        case 0x0C: buffer.append(contentsOf: #"\f"#.utf8)
        case ..<0x20:
            let digits: StaticString = "0123456789abcdef"
            buffer.append(contentsOf: #"\u00"#.utf8)
            buffer.append(digits.utf8Start[Int(byte >> 4)])
            buffer.append(digits.utf8Start[Int(byte & 0xF)])
        default: buffer.append(byte)
        }
    }
    buffer.append(UInt8(ascii: "\""))
}

func appendInteger(_ value: Int, to buffer: inout [UInt8]) {
    if value >= 0, value < 10 {
        buffer.append(UInt8(ascii: "0") + UInt8(value))
    } else {
        buffer.append(contentsOf: String(value).utf8)
    }
}

/// Integral values without fraction (`6`, not `6.0`); others in Swift's shortest round-trip form.
func appendNumber(_ value: Double, to buffer: inout [UInt8]) {
    if let integer = exactInteger(value) {
        appendInteger(integer, to: &buffer)
    } else {
        buffer.append(contentsOf: value.description.utf8)
    }
}
