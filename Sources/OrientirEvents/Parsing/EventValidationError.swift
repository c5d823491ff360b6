/// Why a line (NDJSON or CSV) is not a valid event: the file, line, field and rule, in the form
/// `region.ndjson:12: data.hours: 0 must be greater than 0`.
///
/// Match on ``code``:
/// ```swift
/// do { _ = try parser.parse(line: bytes, lineNumber: 12, file: "region.ndjson") }
/// catch let error where error.code == .outOfRange { … }
/// ```
public struct EventValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of rule that was broken.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case malformedJSON = "malformed JSON"
            case invalidUTF8 = "invalid UTF-8"
            case repeatedKey = "repeated key"
            case missingField = "missing field"
            case unknownField = "unknown field"
            case wrongType = "wrong type"
            case nullValue = "null value"
            case unknownEventType = "unknown event type"
            case unknownSchemaVersion = "unknown schema version"
            case unknownEnumValue = "unknown enum value"
            case patternMismatch = "pattern mismatch"
            case outOfRange = "out of range"
            case notAnInteger = "not an integer"
            case emptyString = "empty string"
            case stringTooLong = "string too long"
            case invalidDateTime = "invalid date-time"
            case invalidDate = "invalid date"
            case invalidAcademicYear = "invalid academic year"
            case totalMismatch = "total mismatch"
            case repeatedMember = "repeated member"
            case emptyList = "empty list"
            case malformedCSV = "malformed CSV"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// Not RFC 8259 JSON, or more than one value on the line.
        public static let malformedJSON = Code(.malformedJSON)
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A key appears twice in one object.
        public static let repeatedKey = Code(.repeatedKey)
        public static let missingField = Code(.missingField)
        public static let unknownField = Code(.unknownField)
        public static let wrongType = Code(.wrongType)
        /// `null` anywhere: optional fields are left out instead.
        public static let nullValue = Code(.nullValue)
        public static let unknownEventType = Code(.unknownEventType)
        public static let unknownSchemaVersion = Code(.unknownSchemaVersion)
        public static let unknownEnumValue = Code(.unknownEnumValue)
        /// An id, code, region, municipality or UUID breaks its pattern.
        public static let patternMismatch = Code(.patternMismatch)
        public static let outOfRange = Code(.outOfRange)
        /// A number that must be an integer has a fractional part.
        public static let notAnInteger = Code(.notAnInteger)
        public static let emptyString = Code(.emptyString)
        /// More than 500 characters (Unicode scalars).
        public static let stringTooLong = Code(.stringTooLong)
        /// `occurredAt` is not RFC 3339.
        public static let invalidDateTime = Code(.invalidDateTime)
        public static let invalidDate = Code(.invalidDate)
        public static let invalidAcademicYear = Code(.invalidAcademicYear)
        /// `total` is not the sum of `criteria`.
        public static let totalMismatch = Code(.totalMismatch)
        /// `memberIds` lists someone twice.
        public static let repeatedMember = Code(.repeatedMember)
        /// `memberIds` is empty.
        public static let emptyList = Code(.emptyList)
        /// A CSV row or header is malformed.
        public static let malformedCSV = Code(.malformedCSV)
    }

    public let code: Code
    /// The file the line came from, as given to the parser.
    public let file: String
    /// 1-based line number (blank lines count).
    public let line: Int
    /// Path of the field, e.g. `data.hours`, `data.memberIds[2]`; `line` when no field is concerned.
    public let field: String
    /// The broken rule in plain words, e.g. `0 must be greater than 0`.
    public let rule: String

    public init(code: Code, file: String, line: Int, field: String, rule: String) {
        self.code = code
        self.file = file
        self.line = line
        self.field = field
        self.rule = rule
    }

    public var description: String { "\(file):\(line): \(field): \(rule)" }
}

/// A broken rule before the file and line are known.
struct Violation: Error {
    let code: EventValidationError.Code
    let field: String
    let rule: String

    init(_ code: EventValidationError.Code, _ field: String, _ rule: String) {
        self.code = code
        self.field = field
        self.rule = rule
    }

    func located(file: String, line: Int) -> EventValidationError {
        EventValidationError(code: code, file: file, line: line, field: field, rule: rule)
    }
}
