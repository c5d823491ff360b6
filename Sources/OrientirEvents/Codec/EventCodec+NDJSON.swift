/// An NDJSON line validated and encoded straight from its bytes by ``EventCodec/encode(line:)``.
public struct EncodedLine: Sendable {
    public let id: EventID
    public let type: EventType
    /// The ``Event/stream`` of the line's event.
    public let stream: String
    /// What ``EventCodec/encode(_:)`` makes of the line's event.
    public let payload: [UInt8]
}

extension EventCodec {
    /// Validates `line` by the rules of ``EventParser`` and encodes it as ``encode(_:)`` encodes the parsed event,
    /// without building the ``Event``: the fast path of `orientir ingest`.
    ///
    /// `nil` for every line the parser rejects, and for valid lines left to the parser: strings with escapes,
    /// `data` before `type`, `ProjectScored` (its criteria map and total rule), lists of 128 items or more and
    /// member lists of more than 16. Parse a `nil` line with ``EventParser``: it makes the event or the exact
    /// error, so every message comes from one place.
    ///
    /// ```swift
    /// if let encoded = EventCodec.encode(line: bytes) {
    ///     store(encoded.id, encoded.stream, encoded.payload)
    /// } else {
    ///     let event = try EventParser().parse(line: bytes, lineNumber: number, file: name)
    /// }
    /// ```
    public static func encode(line: UnsafeRawBufferPointer) -> EncodedLine? {
        var encoder = LineEncoder(cursor: JSONCursor(line))
        return ByteBuffer.withScratch(size: 512) { data in encoder.encode(data: &data) }
    }
}

/// Reads one line with a ``JSONCursor``, writing the `data` fields as it goes; the envelope is written last,
/// in front of them, once all of it is known. Any failure declines the line (`nil`).
private struct LineEncoder {
    var cursor: JSONCursor

    mutating func encode(data: inout ByteBuffer) -> EncodedLine? {
        guard cursor.bytes.count > 0, (try? cursor.expect(UInt8(ascii: "{"), "")) != nil else { return nil }
        var seen: UInt8 = 0
        var id: EventID?
        var type: EventType?
        var schema = 1
        var occurredAt: Timestamp?
        var region: UnsafeRawBufferPointer?
        var municipality: UnsafeRawBufferPointer?
        var source: UnsafeRawBufferPointer?
        var stream: String?
        while true {
            cursor.skipWhitespace()
            guard let key = plainString(), (try? cursor.expect(UInt8(ascii: ":"), "")) != nil,
                let key = EnvelopeKey(key), seen & key.bit == 0
            else { return nil }
            seen |= key.bit
            switch key {
            case .id:
                guard let text = plainString(), let value = EventID(utf8: text) else { return nil }
                id = value
            case .type:
                guard let text = plainString(), let value = EventType(utf8: text) else { return nil }
                type = value
            case .schema:
                guard let token = try? cursor.readNumberValue(""), let value = exactInteger(token.value) else {
                    return nil
                }
                schema = value
            case .occurredAt:
                guard let text = plainString(), case .success(let value) = Timestamp.parse(text) else { return nil }
                occurredAt = value
            case .region:
                guard let text = plainString(), Pattern.region.matches(text) else { return nil }
                region = text
            case .municipality:
                guard let text = plainString(), Pattern.municipality.matches(text) else { return nil }
                municipality = text
            case .source:
                guard let text = freeText() else { return nil }
                source = text
            case .data:
                guard let type, let name = encodeData(type, into: &data) else { return nil }
                stream = name
            }
            cursor.skipWhitespace()
            if cursor.current == UInt8(ascii: ",") {
                cursor.position += 1
                continue
            }
            guard (try? cursor.expect(UInt8(ascii: "}"), "")) != nil else { return nil }
            break
        }
        cursor.skipWhitespace()
        guard cursor.isAtEnd, let id, let type, let occurredAt, let region, let municipality, let stream,
            schema == type.currentSchemaVersion
        else { return nil }
        return ByteBuffer.withScratch(size: 512) { writer in
            writer.reserve(3 + 10 + 10 + 3 + 1 + 10)
            writer.appendUnchecked(EventCodec.formatVersion)
            writer.appendUnchecked(type.code)
            writer.appendUnchecked(source == nil ? 0 : 1)
            writer.varint(UInt64(truncatingIfNeeded: schema))
            writer.signed(occurredAt.epochSeconds)
            writer.signed(Int64(occurredAt.offsetMinutes))
            writer.appendUnchecked(occurredAt.offsetStyle.rawValue << 5 | occurredAt.fractionDigits)
            if occurredAt.fractionDigits > 0 { writer.varint(occurredAt.fraction) }
            writer.string(region)
            writer.string(municipality)
            if let source { writer.string(source) }
            writer.append(data.bytes)
            // Copied from raw bytes, for the reason given in `EventID.bytes`.
            let payload = [UInt8](UnsafeRawBufferPointer(start: writer.base, count: writer.count))
            return EncodedLine(id: id, type: type, stream: stream, payload: payload)
        }
    }

    /// The bytes of a string value without escapes (they are left to the parser).
    private mutating func plainString() -> UnsafeRawBufferPointer? {
        guard let token = try? cursor.readStringValue(""), !token.hasEscapes else { return nil }
        return cursor.span(of: token)
    }

    /// A string value that is valid free text: not empty, at most 500 Unicode scalars.
    private mutating func freeText() -> UnsafeRawBufferPointer? {
        guard let token = try? cursor.readStringValue(""), !token.hasEscapes, token.end > token.start,
            token.scalars <= maximumTextLength
        else { return nil }
        return cursor.span(of: token)
    }

    /// Writes the presence byte and the fields of `type`'s `data` in catalog order; returns the stream.
    private mutating func encodeData(_ type: EventType, into writer: inout ByteBuffer) -> String? {
        guard type != .projectScored else { return nil }
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "{") else { return nil }
        cursor.position += 1
        // Field tables are static constants: their storage lives for the whole process.
        let fields = type.fields.withUnsafeBufferPointer { $0 }
        let rule = StreamRule.rules[Int(type.code)]
        var streamKey = UnsafeRawBufferPointer(start: nil, count: 0)
        var teamParticipant = false
        var seen: UInt64 = 0
        var inOrder = true
        var expected = 0
        writer.append(0)
        let start = writer.count
        // Where each field's bytes were written, in the order the keys came.
        let spans = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: max(fields.count, 1)) { spans in
            let walked = forEachElement(close: UInt8(ascii: "}")) { encoder in
                guard let key = encoder.plainString(), (try? encoder.cursor.expect(UInt8(ascii: ":"), "")) != nil,
                    let index = Self.index(of: key, in: fields, expected: expected), seen & (1 << UInt64(index)) == 0
                else { return false }
                seen |= 1 << UInt64(index)
                if index < expected { inOrder = false }
                expected = index + 1
                var text = UnsafeRawBufferPointer(start: nil, count: 0)
                var ordinal: UInt8 = 0
                let fieldStart = writer.count
                guard encoder.encodeField(fields[index].kind, into: &writer, text: &text, ordinal: &ordinal) else {
                    return false
                }
                spans[index] = fieldStart..<writer.count
                if index == rule.field { streamKey = text }
                if index == rule.teamField { teamParticipant = ordinal == ParticipantKind.team.ordinal }
                return true
            }
            guard walked else { return false }
            if !inOrder { Self.reorder(&writer, from: start, spans: spans, seen: seen, fields: fields.count) }
            return true
        }
        guard spans else { return nil }
        var presence: UInt8 = 0
        var optionalBit: UInt8 = 0
        for (index, field) in fields.enumerated() {
            let isPresent = seen & (1 << UInt64(index)) != 0
            if field.isOptional {
                if isPresent { presence |= 1 << optionalBit }
                optionalBit += 1
            } else if !isPresent {
                return nil
            }
        }
        writer.set(presence, at: start - 1)
        return rule.stream(key: streamKey, team: teamParticipant)
    }

    /// Puts the fields written from `start` in the order their keys came into catalog order.
    private static func reorder(
        _ writer: inout ByteBuffer, from start: Int, spans: UnsafeMutableBufferPointer<Range<Int>>, seen: UInt64,
        fields: Int
    ) {
        let end = writer.count
        writer.reserve(end - start)
        for index in 0..<fields where seen & (1 << UInt64(index)) != 0 {
            writer.append(UnsafeRawBufferPointer(rebasing: writer.bytes[spans[index]]))
        }
        writer.base.advanced(by: start).copyMemory(from: writer.base.advanced(by: end), byteCount: end - start)
        writer.truncate(to: end)
    }

    /// The position of the field named `key`; keys usually come in catalog order, so `expected` is tried first.
    private static func index(of key: UnsafeRawBufferPointer, in fields: UnsafeBufferPointer<FieldSpec>, expected: Int)
        -> Int?
    {
        guard let base = key.baseAddress else { return nil }
        @inline(__always) func matches(_ candidate: Int) -> Bool {
            let name = fields[candidate].staticName
            return name.utf8CodeUnitCount == key.count && bytesEqual(name.utf8Start, base, key.count)
        }
        if expected < fields.count, matches(expected) { return expected }
        for candidate in 0..<fields.count where matches(candidate) { return candidate }
        return nil
    }

    /// Reads and writes one value of `kind`; `text` is set to a string's bytes, `ordinal` to an enum's ordinal.
    private mutating func encodeField(
        _ kind: FieldKind, into writer: inout ByteBuffer, text: inout UnsafeRawBufferPointer, ordinal: inout UInt8
    ) -> Bool {
        switch kind {
        case .id, .municipalityId:
            guard let value = plainString(), (kind.isMunicipality ? Pattern.municipality : .id).matches(value) else {
                return false
            }
            writer.string(value)
            text = value
        case .text:
            guard let value = freeText() else { return false }
            writer.string(value)
        case .date:
            guard let value = plainString(), let date = LocalDate(utf8: value) else { return false }
            writer.signed(Int64(date.daysSinceEpoch))
        case .academicYear:
            guard let value = plainString(), let year = AcademicYear(utf8: value) else { return false }
            writer.signed(Int64(year.startYear))
        case .eventID:
            guard let value = plainString(), let id = EventID(utf8: value) else { return false }
            writer.eventID(id)
        case .bool:
            cursor.skipWhitespace()
            if cursor.current == UInt8(ascii: "t"), (try? cursor.readLiteral("true", "")) != nil {
                writer.append(1)
            } else if cursor.current == UInt8(ascii: "f"), (try? cursor.readLiteral("false", "")) != nil {
                writer.append(0)
            } else {
                return false
            }
        case .integer(let minimum, let maximum):
            guard let token = try? cursor.readNumberValue(""), let value = exactInteger(token.value),
                minimum.map({ value >= $0 }) ?? true, maximum.map({ value <= $0 }) ?? true
            else { return false }
            writer.signed(Int64(value))
        case .number(let range):
            guard let value = rangedNumber(range) else { return false }
            writer.number(value)
        case .enumeration(let vocabulary):
            guard let value = plainString(), let found = vocabulary.vocabulary.ordinal(of: value) else { return false }
            writer.append(found)
            ordinal = found
        case .idList, .memberList:
            let start = writer.count
            guard let count = encodeList(into: &writer, { encoder, writer in
                guard let value = encoder.plainString(), Pattern.id.matches(value) else { return false }
                writer.string(value)
                return true
            }) else { return false }
            if case .memberList = kind {
                guard count > 0, count <= 16, !Self.hasRepeatedString(writer, from: start + 1, count: count) else {
                    return false
                }
            }
        case .enumList(let vocabulary):
            let found = encodeList(into: &writer) { encoder, writer in
                guard let value = encoder.plainString(), let found = vocabulary.vocabulary.ordinal(of: value) else {
                    return false
                }
                writer.append(found)
                return true
            }
            guard found != nil else { return false }
        case .directionMap(let range):
            return encodeDirectionMap(range, into: &writer)
        case .criteriaMap:
            return false
        }
        return true
    }

    private mutating func rangedNumber(_ range: NumberRange) -> Double? {
        guard let token = try? cursor.readNumberValue(""), range.violation(token.value) == nil else { return nil }
        return token.value
    }

    /// Walks the elements of the array or object just opened (its opening byte read), up to `close`: `element`
    /// reads one (a value, or a key, its colon and value); false on its refusal or on anything but a comma or
    /// `close` after it.
    private mutating func forEachElement(close: UInt8, _ element: (inout LineEncoder) -> Bool) -> Bool {
        cursor.skipWhitespace()
        if cursor.current == close {
            cursor.position += 1
            return true
        }
        while true {
            cursor.skipWhitespace()
            guard element(&self) else { return false }
            cursor.skipWhitespace()
            if cursor.current == UInt8(ascii: ",") {
                cursor.position += 1
                continue
            }
            return (try? cursor.expect(close, "")) != nil
        }
    }

    /// Reads an array with `item`, writing its count (below 128, so one byte) and then its items.
    private mutating func encodeList(
        into writer: inout ByteBuffer, _ item: (inout LineEncoder, inout ByteBuffer) -> Bool
    ) -> Int? {
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "[") else { return nil }
        cursor.position += 1
        let countPosition = writer.count
        writer.append(0)
        var count = 0
        let walked = forEachElement(close: UInt8(ascii: "]")) { encoder in
            count += 1
            return item(&encoder, &writer)
        }
        guard walked else { return nil }
        guard count < 0x80 else { return nil }
        writer.set(UInt8(count), at: countPosition)
        return count
    }

    /// Whether two of the `count` strings written from `start` (ids: one length byte, then the bytes) are equal.
    private static func hasRepeatedString(_ writer: ByteBuffer, from start: Int, count: Int) -> Bool {
        let base = writer.bytes.baseAddress!
        var offset = start
        for _ in 0..<count {
            let length = Int(base.load(fromByteOffset: offset, as: UInt8.self))
            var earlier = start
            while earlier < offset {
                let earlierLength = Int(base.load(fromByteOffset: earlier, as: UInt8.self))
                if earlierLength == length, bytesEqual(base + earlier + 1, base + offset + 1, length) { return true }
                earlier += 1 + earlierLength
            }
            offset += 1 + length
        }
        return false
    }

    /// `interests`: written as its count and entries by direction ordinal, as the binary codec orders them.
    private mutating func encodeDirectionMap(_ range: NumberRange, into writer: inout ByteBuffer) -> Bool {
        cursor.skipWhitespace()
        guard cursor.current == UInt8(ascii: "{") else { return false }
        cursor.position += 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: Direction.caseCount) { scores in
            var present: UInt64 = 0
            var count = 0
            let walked = forEachElement(close: UInt8(ascii: "}")) { encoder in
                guard let key = encoder.plainString(), let ordinal = Direction.vocabulary.ordinal(of: key),
                    present & (1 << UInt64(ordinal)) == 0, (try? encoder.cursor.expect(UInt8(ascii: ":"), "")) != nil,
                    let score = encoder.rangedNumber(range)
                else { return false }
                present |= 1 << UInt64(ordinal)
                scores[Int(ordinal)] = score
                count += 1
                return true
            }
            guard walked else { return false }
            writer.varint(UInt64(count))
            for ordinal in 0..<Direction.caseCount where present & (1 << UInt64(ordinal)) != 0 {
                writer.append(UInt8(truncatingIfNeeded: ordinal))
                writer.number(scores[ordinal])
            }
            return true
        }
    }
}

extension FieldKind {
    fileprivate var isMunicipality: Bool {
        if case .municipalityId = self { return true }
        return false
    }
}

/// How ``EventData/stream`` names a type's stream, taken from the line: a prefix and the field that follows it.
private struct StreamRule: Sendable {
    let prefix: StaticString
    /// The field whose value completes the name; -1 when the name is the prefix alone.
    let field: Int
    /// `participantKind` of `CompetitionResultRecorded`: a team's result goes to the team's stream.
    let teamField: Int

    func stream(key: UnsafeRawBufferPointer, team: Bool) -> String {
        let prefix = team ? StreamRule.teamPrefix : prefix
        let length = prefix.utf8CodeUnitCount
        return String(unsafeUninitializedCapacity: length + key.count) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: prefix.utf8Start, byteCount: length)
            if let base = key.baseAddress {
                (UnsafeMutableRawPointer(buffer.baseAddress!) + length).copyMemory(from: base, byteCount: key.count)
            }
            return length + key.count
        }
    }

    static let teamPrefix: StaticString = "team-"

    /// Indexed by type code.
    static let rules: [StreamRule] = EventType.allCases.map { type in
        let (prefix, field): (StaticString, StaticString) =
            switch type {
            case .municipalityRegistered: ("municipality-", "municipalityId")
            case .organisationRegistered: ("org-", "orgId")
            case .professionListed: ("profession-", "professionCode")
            case .agreementSigned, .agreementEnded: ("org-", "partnerOrgId")
            case .programmeLaunched: ("programme-", "programmeId")
            case .competitionResultRecorded: ("person-", "participantId")
            case .mentorshipStarted, .mentorshipEnded: ("mentorship-", "mentorshipId")
            case .teamRegistered, .teamMemberJoined, .teamMemberLeft, .projectSubmitted, .projectScored,
                .teamAdvanced:
                ("team-", "teamId")
            case .staffingDemandDeclared: ("org-", "employerOrgId")
            case .surveyAnswered: ("survey-", "surveyId")
            case .eventRetracted: ("retractions", "")
            case .studentEnrolled, .staffMemberRegistered, .mentorRegistered, .expertRegistered,
                .personalDataRecorded, .subjectForgotten, .diagnosticCompleted, .individualRouteSet,
                .programmeEnrolled, .programmeCompleted, .careerTrialCompleted, .activityAttended,
                .teacherTrainingCompleted, .experienceShared, .graduateDestinationRecorded:
                ("person-", "personId")
            }
        func index(_ name: StaticString) -> Int {
            type.fields.firstIndex { $0.name == name.description } ?? -1
        }
        return StreamRule(
            prefix: prefix, field: index(field),
            teamField: type == .competitionResultRecorded ? index("participantKind") : -1)
    }
}
