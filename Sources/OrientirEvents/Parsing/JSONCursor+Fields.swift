/// Reading the values of envelope and `data` fields by the rules of their kind.
extension JSONCursor {
    /// The error for a value of the wrong JSON type (or `null`) at the current position.
    mutating func wrongType(_ path: String, _ expected: String) -> Violation {
        skipWhitespace()
        if current == UInt8(ascii: "n"), (try? readLiteral("null", path)) != nil {
            return Violation(.nullValue, path, "null is not allowed (an optional field is left out)")
        }
        let start = position
        do throws(Violation) {
            try skipValue(path)
        } catch {
            return error
        }
        return Violation(.wrongType, path, "\(rawText(start, position)) must be \(expected)")
    }

    mutating func readStringValue(_ path: @autoclosure () -> String) throws(Violation) -> StringToken {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw wrongType(path(), "a string") }
        return try readString(path())
    }

    mutating func readNumberValue(_ path: @autoclosure () -> String) throws(Violation) -> NumberToken {
        skipWhitespace()
        let byte = current
        guard byte == UInt8(ascii: "-") || (byte &- UInt8(ascii: "0")) < 10 else { throw wrongType(path(), "a number") }
        return try readNumber(path())
    }

    /// A string that must match `pattern`.
    func patterned(_ token: StringToken, _ path: @autoclosure () -> String, _ pattern: Pattern) throws(Violation)
        -> String
    {
        try withDecoded(token) { text throws(Violation) in
            guard pattern.matches(text) else {
                throw Violation(.patternMismatch, path(), "\(quoted(token)) does not match \(pattern.name) \(pattern.text)")
            }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// A free-text string: non-empty, at most 500 Unicode scalars.
    func text(_ token: StringToken, _ path: @autoclosure () -> String) throws(Violation) -> String {
        try withDecoded(token) { text throws(Violation) in
            try checkLength(token, text, path())
            return String(decoding: text, as: UTF8.self)
        }
    }

    func checkLength(_ token: StringToken, _ text: UnsafeRawBufferPointer, _ path: @autoclosure () -> String)
        throws(Violation)
    {
        guard text.count > 0 else { throw Violation(.emptyString, path(), "must not be empty") }
        if token.scalars > maximumTextLength {
            throw Violation(
                .stringTooLong, path(), "is \(token.scalars) characters long, more than \(maximumTextLength)")
        }
    }

    func enumeration(_ token: StringToken, _ vocabulary: VocabularyRef, _ path: @autoclosure () -> String)
        throws(Violation) -> UInt8
    {
        try withDecoded(token) { text throws(Violation) in
            guard let ordinal = vocabulary.vocabulary.ordinal(of: text) else {
                throw Violation(
                    .unknownEnumValue, path(), "\(quoted(token)) is not one of \(vocabulary.vocabulary.listing)")
            }
            return ordinal
        }
    }

    // MARK: data

    /// Reads the `data` object of `type`, validating every field, and builds the typed payload.
    mutating func readData(_ type: EventType) throws(Violation) -> EventData {
        let fields = type.fields
        return try FieldValues.withSlots(count: fields.count) { values throws(Violation) in
            try readObject(fields, into: values)
            if type == .projectScored { try checkTotal(values) }
            return EventData.make(type, values)
        }
    }

    mutating func readObject(_ fields: [FieldSpec], into values: FieldValues) throws(Violation) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw wrongType("data", "an object") }
        position += 1
        var seen: UInt64 = 0
        var expected = 0
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw syntaxError("data", "expected a key") }
                let keyToken = try readString("data")
                try expect(UInt8(ascii: ":"), "data")
                // Keys usually come in catalog order: try the field after the previous one first.
                let index = try withDecoded(keyToken) { key throws(Violation) in
                    fields.withUnsafeBufferPointer { table -> Int? in
                        @inline(__always) func matches(_ candidate: Int) -> Bool {
                            let name = table[candidate].staticName
                            return name.utf8CodeUnitCount == key.count
                                && bytesEqual(name.utf8Start, key.baseAddress!, key.count)
                        }
                        if expected < table.count, matches(expected) { return expected }
                        for candidate in 0..<table.count where matches(candidate) { return candidate }
                        return nil
                    }
                }
                guard let index else {
                    throw Violation(.unknownField, "data." + quoted(keyToken).dropFirst().dropLast(), "unknown field")
                }
                let field = fields[index]
                guard seen & (1 << UInt64(index)) == 0 else {
                    throw Violation(.repeatedKey, "data." + field.name, "the key is repeated")
                }
                seen |= 1 << UInt64(index)
                expected = index + 1
                values.slots[index] = try readField(field)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), "data")
                break
            }
        }
        for (index, field) in fields.enumerated() where !field.isOptional && seen & (1 << UInt64(index)) == 0 {
            throw Violation(.missingField, "data." + field.name, "required field is missing")
        }
    }

    mutating func readField(_ field: FieldSpec) throws(Violation) -> Slot {
        let path = { "data." + field.name }
        switch field.kind {
        case .id:
            return .string(try patterned(try readStringValue(path()), path(), .id))
        case .text:
            return .string(try text(try readStringValue(path()), path()))
        case .municipalityId:
            return .string(try patterned(try readStringValue(path()), path(), .municipality))
        case .date:
            let token = try readStringValue(path())
            let date = try withDecoded(token) { text throws(Violation) in LocalDate(utf8: text) }
            guard let date else {
                throw Violation(.invalidDate, path(), "\(quoted(token)) is not a calendar date YYYY-MM-DD")
            }
            return .date(date)
        case .academicYear:
            let token = try readStringValue(path())
            let year = try withDecoded(token) { text throws(Violation) in AcademicYear(utf8: text) }
            guard let year else {
                throw Violation(
                    .invalidAcademicYear, path(),
                    "\(quoted(token)) is not an academic year YYYY-YY whose second part follows the first")
            }
            return .academicYear(year)
        case .eventID:
            let token = try readStringValue(path())
            let id = try withDecoded(token) { text throws(Violation) in EventID(utf8: text) }
            guard let id else { throw Violation(.patternMismatch, path(), "\(quoted(token)) is not a lowercase UUID") }
            return .eventID(id)
        case .bool:
            skipWhitespace()
            if current == UInt8(ascii: "t"), (try? readLiteral("true", path())) != nil { return .bool(true) }
            if current == UInt8(ascii: "f"), (try? readLiteral("false", path())) != nil { return .bool(false) }
            throw wrongType(path(), "a boolean")
        case .integer(let minimum, let maximum):
            let token = try readNumberValue(path())
            guard let value = exactInteger(token.value) else {
                throw Violation(.notAnInteger, path(), "\(rawText(token.start, token.end)) must be an integer")
            }
            if let minimum, value < minimum {
                throw Violation(.outOfRange, path(), "\(rawText(token.start, token.end)) must be at least \(minimum)")
            }
            if let maximum, value > maximum {
                throw Violation(.outOfRange, path(), "\(rawText(token.start, token.end)) must be at most \(maximum)")
            }
            return .integer(value)
        case .number(let range):
            return .number(try readRangedNumber(range, path()))
        case .enumeration(let vocabulary):
            return .ordinal(try enumeration(try readStringValue(path()), vocabulary, path()))
        case .idList, .memberList:
            var ids: [String] = []
            try readArray(path()) { cursor, index throws(Violation) in
                let itemPath = { "\(path())[\(index)]" }
                ids.append(try cursor.patterned(try cursor.readStringValue(itemPath()), itemPath(), .id))
            }
            if case .memberList = field.kind {
                guard !ids.isEmpty else { throw Violation(.emptyList, path(), "must list at least one person") }
                if let repeated = firstRepeated(ids) {
                    throw Violation(.repeatedMember, path(), "\"\(repeated)\" is listed twice")
                }
            }
            return .strings(ids)
        case .enumList(let vocabulary):
            var ordinals: [UInt8] = []
            try readArray(path()) { cursor, index throws(Violation) in
                let itemPath = { "\(path())[\(index)]" }
                ordinals.append(try cursor.enumeration(try cursor.readStringValue(itemPath()), vocabulary, itemPath()))
            }
            return .ordinals(ordinals)
        case .directionMap(let range):
            var map: [Direction: Double] = [:]
            try readMap(path()) { cursor, key throws(Violation) in
                let ordinal = try cursor.enumeration(key, VocabularyRef(Direction.vocabulary), path())
                let direction = Direction(validOrdinal: ordinal)
                let itemPath = { path() + "." + direction.rawValue }
                guard map[direction] == nil else { throw Violation(.repeatedKey, itemPath(), "the key is repeated") }
                map[direction] = try cursor.readRangedNumber(range, itemPath())
            }
            return .directionMap(map)
        case .criteriaMap(let range):
            var map: [String: Double] = [:]
            try readMap(path()) { cursor, key throws(Violation) in
                let name = try cursor.text(key, path() + " key")
                let itemPath = { path() + "." + name }
                guard map[name] == nil else { throw Violation(.repeatedKey, itemPath(), "the key is repeated") }
                map[name] = try cursor.readRangedNumber(range, itemPath())
            }
            return .numberMap(map)
        }
    }

    mutating func readRangedNumber(_ range: NumberRange, _ path: @autoclosure () -> String) throws(Violation) -> Double {
        let token = try readNumberValue(path())
        if let rule = range.violation(token.value) {
            // Report the number as written: `0.0 must be greater than 0`.
            let written = rawText(token.start, token.end)
            let shown = formatNumber(token.value)
            throw Violation(.outOfRange, path(), written + rule.dropFirst(shown.count))
        }
        return token.value
    }

    mutating func readArray(
        _ path: @autoclosure () -> String, _ item: (inout JSONCursor, Int) throws(Violation) -> Void
    ) throws(Violation) {
        skipWhitespace()
        guard current == UInt8(ascii: "[") else { throw wrongType(path(), "an array") }
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return
        }
        var index = 0
        while true {
            try item(&self, index)
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "]"), path())
            return
        }
    }

    mutating func readMap(
        _ path: @autoclosure () -> String, _ entry: (inout JSONCursor, StringToken) throws(Violation) -> Void
    ) throws(Violation) {
        skipWhitespace()
        guard current == UInt8(ascii: "{") else { throw wrongType(path(), "an object") }
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw syntaxError(path(), "expected a key") }
            let key = try readString(path())
            try expect(UInt8(ascii: ":"), path())
            try entry(&self, key)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(UInt8(ascii: "}"), path())
            return
        }
    }

    /// `total` of `ProjectScored` must equal the sum of `criteria` within 1e-9.
    func checkTotal(_ values: FieldValues) throws(Violation) {
        guard case .numberMap(let criteria) = values.slots[4], case .number(let total) = values.slots[5] else { return }
        let sum = criteria.keys.sorted().reduce(0.0) { $0 + criteria[$1]! }
        guard abs(sum - total) <= 1e-9 else {
            throw Violation(
                .totalMismatch, "data.total", "\(formatNumber(total)) is not the sum of criteria (\(formatNumber(sum)))")
        }
    }
}

/// Strings longer than this many Unicode scalars are rejected (EVENTS.md §6 "Text").
let maximumTextLength = 500

/// The first element that occurs twice, if any.
func firstRepeated(_ ids: [String]) -> String? {
    if ids.count <= 16 {
        for index in ids.indices.dropFirst() where ids[..<index].contains(ids[index]) { return ids[index] }
        return nil
    }
    var seen = Set<String>()
    for id in ids where !seen.insert(id).inserted { return id }
    return nil
}
