/// The strict, validating reader of one NDJSON line (EVENTS.md §1, §5, §6).
///
/// Hand-written over bytes: keys are compared as bytes, enum values become ordinals without creating strings,
/// and nothing of Foundation is used.
///
/// ```swift
/// let parser = EventParser()
/// let event = try parser.parse(line: bytes, lineNumber: 3, file: "region.ndjson")
/// ```
public struct EventParser: Sendable {
    public init() {}

    /// Parses and validates one line (no line terminator) into an event.
    public func parse(line: UnsafeRawBufferPointer, lineNumber: Int, file: String) throws(EventValidationError) -> Event {
        do throws(Violation) {
            return try parseEvent(line)
        } catch {
            throw error.located(file: file, line: lineNumber)
        }
    }

    /// Parses and validates one line given as bytes.
    public func parse(line: [UInt8], lineNumber: Int, file: String) throws(EventValidationError) -> Event {
        var violation: Violation?
        let event: Event? = line.withUnsafeBytes { bytes in
            do throws(Violation) { return try parseEvent(bytes) } catch {
                violation = error
                return nil
            }
        }
        if let event { return event }
        throw violation!.located(file: file, line: lineNumber)
    }

    /// Parses and validates one line given as a slice of bytes.
    public func parse(line: ArraySlice<UInt8>, lineNumber: Int, file: String) throws(EventValidationError) -> Event {
        var violation: Violation?
        let event: Event? = line.withUnsafeBytes { bytes in
            do throws(Violation) { return try parseEvent(bytes) } catch {
                violation = error
                return nil
            }
        }
        if let event { return event }
        throw violation!.located(file: file, line: lineNumber)
    }

    /// Parses and validates one line given as text.
    public func parse(line: String, lineNumber: Int, file: String) throws(EventValidationError) -> Event {
        try parse(line: Array(line.utf8), lineNumber: lineNumber, file: file)
    }

    func parseEvent(_ line: UnsafeRawBufferPointer) throws(Violation) -> Event {
        guard line.count > 0 else { throw Violation(.malformedJSON, "line", "invalid JSON: the line is empty") }
        var cursor = JSONCursor(line)
        try cursor.expect(UInt8(ascii: "{"), "")
        var seen: UInt8 = 0
        var id: EventID?
        var type: EventType?
        var schema = 1
        var schemaText = "1"
        var occurredAt: Timestamp?
        var region: String?
        var municipality: String?
        var source: String?
        var data: EventData?
        var deferredData: Int?
        cursor.skipWhitespace()
        if cursor.current == UInt8(ascii: "}") {
            cursor.position += 1
        } else {
            while true {
                cursor.skipWhitespace()
                guard cursor.current == UInt8(ascii: "\"") else { throw cursor.syntaxError("", "expected a key") }
                let keyToken = try cursor.readString("")
                try cursor.expect(UInt8(ascii: ":"), "")
                cursor.skipWhitespace()
                let key = try cursor.withDecoded(keyToken) { key throws(Violation) in EnvelopeKey(key) }
                guard let key else {
                    throw Violation(.unknownField, cursor.quoted(keyToken).dequoted, "unknown field")
                }
                guard seen & key.bit == 0 else { throw Violation(.repeatedKey, key.name, "the key is repeated") }
                seen |= key.bit
                switch key {
                case .id:
                    let token = try cursor.readStringValue("id")
                    id = try cursor.withDecoded(token) { text throws(Violation) in EventID(utf8: text) }
                    guard id != nil else {
                        throw Violation(.patternMismatch, "id", "\(cursor.quoted(token)) is not a lowercase UUID")
                    }
                case .type:
                    let token = try cursor.readStringValue("type")
                    type = try cursor.withDecoded(token) { text throws(Violation) in EventType(utf8: text) }
                    guard type != nil else {
                        throw Violation(.unknownEventType, "type", "\(cursor.quoted(token)) is not an event type")
                    }
                case .schema:
                    let token = try cursor.readNumberValue("schema")
                    schemaText = cursor.rawText(token.start, token.end)
                    guard let value = exactInteger(token.value) else {
                        throw Violation(.notAnInteger, "schema", "\(schemaText) must be an integer")
                    }
                    schema = value
                case .occurredAt:
                    let token = try cursor.readStringValue("occurredAt")
                    let parsed = try cursor.withDecoded(token) { text throws(Violation) in Timestamp.parse(text) }
                    switch parsed {
                    case .success(let timestamp): occurredAt = timestamp
                    case .failure(let failure):
                        throw Violation(
                            .invalidDateTime, "occurredAt",
                            "\(cursor.quoted(token)) is not an RFC 3339 date-time: \(failure.reason)")
                    }
                case .region:
                    let token = try cursor.readStringValue("region")
                    region = try cursor.patterned(token, "region", .region)
                case .municipality:
                    let token = try cursor.readStringValue("municipality")
                    municipality = try cursor.patterned(token, "municipality", .municipality)
                case .source:
                    let token = try cursor.readStringValue("source")
                    source = try cursor.text(token, "source")
                case .data:
                    if let type {
                        data = try cursor.readData(type)
                    } else {
                        deferredData = try cursor.skipValue("data")
                    }
                }
                cursor.skipWhitespace()
                if cursor.current == UInt8(ascii: ",") {
                    cursor.position += 1
                    continue
                }
                try cursor.expect(UInt8(ascii: "}"), "")
                break
            }
        }
        cursor.skipWhitespace()
        guard cursor.isAtEnd else { throw cursor.syntaxError("", "unexpected content after the event") }
        for key in EnvelopeKey.required where seen & key.bit == 0 {
            throw Violation(.missingField, key.name, "required field is missing")
        }
        guard let type else { preconditionFailure("type is required") }
        guard schema == type.currentSchemaVersion else {
            throw Violation(
                .unknownSchemaVersion, "schema",
                "\(schemaText) is not a known version of \(type) (known: \(type.currentSchemaVersion))")
        }
        if let deferredData {
            var dataCursor = JSONCursor(line, position: deferredData)
            data = try dataCursor.readData(type)
        }
        guard let id, let occurredAt, let region, let municipality, let data else {
            preconditionFailure("required envelope fields were checked")
        }
        return Event(
            id: id, schema: schema, occurredAt: occurredAt, region: region, municipality: municipality,
            source: source, data: data)
    }
}

/// The keys of the envelope, each a bit of a `seen` mask.
enum EnvelopeKey: UInt8, CaseIterable {
    case id, type, schema, occurredAt, region, municipality, source, data

    static let required: [EnvelopeKey] = [.id, .type, .occurredAt, .region, .municipality, .data]

    var bit: UInt8 { 1 << rawValue }
    var name: String { "\(self)" }

    init?(_ key: UnsafeRawBufferPointer) {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            key.count == literal.utf8CodeUnitCount && bytesEqual(key.baseAddress!, literal.utf8Start, key.count)
        }
        switch key.count {
        case 2 where equals("id"): self = .id
        case 4 where equals("type"): self = .type
        case 4 where equals("data"): self = .data
        case 6 where equals("schema"): self = .schema
        case 6 where equals("region"): self = .region
        case 6 where equals("source"): self = .source
        case 10 where equals("occurredAt"): self = .occurredAt
        case 12 where equals("municipality"): self = .municipality
        default: return nil
        }
    }
}

extension EventType {
    /// Raw values as bytes, in `allCases` order.
    static let names = Vocabulary(rawValues: allCases.map(\.rawValue))

    init?(utf8 text: UnsafeRawBufferPointer) {
        guard let code = EventType.names.ordinal(of: text) else { return nil }
        self.init(validCode: code)
    }
}

/// Character classes of the patterns, as 128-bit masks over ASCII.
enum Pattern {
    /// `^[A-Za-z0-9._:-]{1,64}$`
    case id
    /// `^[a-z0-9-]{2,40}$`
    case municipality
    /// `^[0-9]{2}$`
    case region

    var text: String {
        switch self {
        case .id: "^[A-Za-z0-9._:-]{1,64}$"
        case .municipality: "^[a-z0-9-]{2,40}$"
        case .region: "^[0-9]{2}$"
        }
    }

    var name: String {
        switch self {
        case .id: "the id pattern"
        case .municipality: "the municipality pattern"
        case .region: "the region pattern"
        }
    }

    @inline(__always)
    func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let (low, high, minimum, maximum): (UInt64, UInt64, Int, Int) =
            switch self {
            case .id: (0x7ff600000000000, 0x7fffffe87fffffe, 1, 64)
            case .municipality: (0x3ff200000000000, 0x7fffffe00000000, 2, 40)
            case .region: (0x3ff000000000000, 0, 2, 2)
            }
        guard bytes.count >= minimum, bytes.count <= maximum else { return false }
        for byte in bytes {
            let allowed: Bool =
                if byte < 64 { (low >> UInt64(byte)) & 1 == 1 }
                else if byte < 128 { (high >> UInt64(byte &- 64)) & 1 == 1 }
                else { false }
            if !allowed { return false }
        }
        return true
    }
}

/// The value of `value` as an `Int` if it is integral and exactly representable, else `nil`.
@inline(__always)
func exactInteger(_ value: Double) -> Int? {
    guard value == value.rounded(.towardZero), abs(value) <= 9_007_199_254_740_992 else { return nil }
    return Int(value)
}

extension String {
    /// The text between the quotes of a quoted message fragment.
    fileprivate var dequoted: String { String(dropFirst().dropLast()) }
}
