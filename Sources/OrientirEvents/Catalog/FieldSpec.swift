/// One field of a type's `data`: its name, what it holds and the rules it obeys.
///
/// Plain data (no reference counting), so tables are read in hot loops without retains.
struct FieldSpec: Sendable {
    let staticName: StaticString
    let kind: FieldKind
    let isOptional: Bool

    init(_ name: StaticString, _ kind: FieldKind, optional: Bool = false) {
        self.staticName = name
        self.kind = kind
        self.isOptional = optional
    }

    var name: String { staticName.description }

    /// The UTF-8 bytes of the name.
    @inline(__always)
    var nameBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: staticName.utf8Start, count: staticName.utf8CodeUnitCount)
    }
}

/// What a field holds (EVENTS.md §3, §5, §6).
enum FieldKind: Sendable {
    /// `^[A-Za-z0-9._:-]{1,64}$`
    case id
    /// Non-empty, at most 500 Unicode scalars.
    case text
    /// `^[a-z0-9-]{2,40}$`
    case municipalityId
    /// `YYYY-MM-DD`, a real calendar date.
    case date
    /// `YYYY-YY`, second part the first plus one.
    case academicYear
    /// A lowercase canonical UUID naming another event.
    case eventID
    case bool
    /// A number with an integral value, within the bounds.
    case integer(minimum: Int?, maximum: Int?)
    case number(NumberRange)
    case enumeration(VocabularyRef)
    /// A list of ids, possibly empty, repeats allowed.
    case idList
    /// `memberIds`: at least one id, no repeats.
    case memberList
    case enumList(VocabularyRef)
    /// `interests`: direction → number.
    case directionMap(NumberRange)
    /// `criteria`: name (text) → number.
    case criteriaMap(NumberRange)
}

/// Bounds of a number field.
struct NumberRange: Sendable {
    let minimum: Double?
    let exclusiveMinimum: Bool
    let maximum: Double?

    static let unbounded = NumberRange(minimum: nil, exclusiveMinimum: false, maximum: nil)

    static func closed(_ minimum: Double, _ maximum: Double) -> NumberRange {
        NumberRange(minimum: minimum, exclusiveMinimum: false, maximum: maximum)
    }

    static func positive(atMost maximum: Double) -> NumberRange {
        NumberRange(minimum: 0, exclusiveMinimum: true, maximum: maximum)
    }

    /// The rule `value` breaks, or `nil`.
    func violation(_ value: Double) -> String? {
        if let minimum {
            if exclusiveMinimum, !(value > minimum) {
                return "\(formatNumber(value)) must be greater than \(formatNumber(minimum))"
            }
            if !exclusiveMinimum, !(value >= minimum) {
                return "\(formatNumber(value)) must be at least \(formatNumber(minimum))"
            }
        }
        if let maximum, !(value <= maximum) {
            return "\(formatNumber(value)) must be at most \(formatNumber(maximum))"
        }
        return nil
    }
}

/// The parsed value of one field, before it is moved into its struct.
enum Slot {
    case absent
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case ordinal(UInt8)
    case date(LocalDate)
    case academicYear(AcademicYear)
    case eventID(EventID)
    case strings([String])
    case ordinals([UInt8])
    case directionMap([Direction: Double])
    case numberMap([String: Double])
}

/// Where a payload's initializer takes its field values from, field by field in catalog order (`index` is the
/// position in the type's field table). Implemented by the parser's validated slots and by the binary decoder.
protocol FieldSource {
    func take(_ index: Int) -> String
    func take(_ index: Int) -> String?
    func take(_ index: Int) -> Int
    func take(_ index: Int) -> Int?
    func take(_ index: Int) -> Double
    func take(_ index: Int) -> Double?
    func take(_ index: Int) -> Bool
    func take(_ index: Int) -> Bool?
    func take(_ index: Int) -> LocalDate?
    func take(_ index: Int) -> AcademicYear
    func take(_ index: Int) -> EventID
    func take(_ index: Int) -> [String]
    func take(_ index: Int) -> [Direction: Double]
    func take(_ index: Int) -> [String: Double]
    func take<E: CatalogEnum>(_ index: Int) -> E
    func take<E: CatalogEnum>(_ index: Int) -> [E]
}

/// Validated slots of one `data` object, indexed like the type's field table. Taking a value moves it out of
/// its slot (leaving it absent), so no reference counting is spent on the way into the payload.
struct FieldValues: FieldSource {
    let slots: UnsafeMutableBufferPointer<Slot>

    /// Runs `body` with `count` absent slots on the stack.
    @inline(__always)
    static func withSlots<R, E: Error>(
        count: Int, _ body: (FieldValues) throws(E) -> R
    ) throws(E) -> R {
        try withUnsafeTemporaryAllocation(of: Slot.self, capacity: max(count, 1)) { buffer throws(E) in
            buffer.initialize(repeating: .absent)
            defer { buffer.deinitialize() }
            return try body(FieldValues(slots: buffer))
        }
    }

    @inline(__always)
    private func move(_ index: Int) -> Slot {
        let pointer = slots.baseAddress! + index
        let slot = pointer.move()
        pointer.initialize(to: .absent)
        return slot
    }

    func take(_ index: Int) -> String {
        guard case .string(let value) = move(index) else { preconditionFailure("not a string slot") }
        return value
    }

    func take(_ index: Int) -> String? {
        switch move(index) {
        case .absent: return nil
        case .string(let value): return value
        default: preconditionFailure("not a string slot")
        }
    }

    func take(_ index: Int) -> Int {
        guard case .integer(let value) = slots[index] else { preconditionFailure("not an integer slot") }
        return value
    }

    func take(_ index: Int) -> Int? {
        switch slots[index] {
        case .absent: return nil
        case .integer(let value): return value
        default: preconditionFailure("not an integer slot")
        }
    }

    func take(_ index: Int) -> Double {
        guard case .number(let value) = slots[index] else { preconditionFailure("not a number slot") }
        return value
    }

    func take(_ index: Int) -> Double? {
        switch slots[index] {
        case .absent: return nil
        case .number(let value): return value
        default: preconditionFailure("not a number slot")
        }
    }

    func take(_ index: Int) -> Bool {
        guard case .bool(let value) = slots[index] else { preconditionFailure("not a bool slot") }
        return value
    }

    func take(_ index: Int) -> Bool? {
        switch slots[index] {
        case .absent: return nil
        case .bool(let value): return value
        default: preconditionFailure("not a bool slot")
        }
    }

    func take(_ index: Int) -> LocalDate? {
        switch slots[index] {
        case .absent: return nil
        case .date(let value): return value
        default: preconditionFailure("not a date slot")
        }
    }

    func take(_ index: Int) -> AcademicYear {
        guard case .academicYear(let value) = slots[index] else { preconditionFailure("not an academic year slot") }
        return value
    }

    func take(_ index: Int) -> EventID {
        guard case .eventID(let value) = slots[index] else { preconditionFailure("not an event id slot") }
        return value
    }

    func take(_ index: Int) -> [String] {
        guard case .strings(let value) = move(index) else { preconditionFailure("not a list slot") }
        return value
    }

    func take(_ index: Int) -> [Direction: Double] {
        guard case .directionMap(let value) = move(index) else { preconditionFailure("not a direction map slot") }
        return value
    }

    func take(_ index: Int) -> [String: Double] {
        guard case .numberMap(let value) = move(index) else { preconditionFailure("not a number map slot") }
        return value
    }

    func take<E: CatalogEnum>(_ index: Int) -> E {
        guard case .ordinal(let ordinal) = slots[index] else { preconditionFailure("slot \(index) is not an enum") }
        return E(validOrdinal: ordinal)
    }

    func take<E: CatalogEnum>(_ index: Int) -> [E] {
        guard case .ordinals(let ordinals) = move(index) else { preconditionFailure("slot \(index) is not a list") }
        return ordinals.map { E(validOrdinal: $0) }
    }
}

/// Receives the fields of one payload in catalog order; absent optional fields arrive as `nil`.
protocol FieldVisitor {
    mutating func string(_ value: String?)
    mutating func integer(_ value: Int?)
    mutating func number(_ value: Double?)
    mutating func bool(_ value: Bool?)
    mutating func date(_ value: LocalDate?)
    mutating func academicYear(_ value: AcademicYear)
    mutating func eventID(_ value: EventID)
    mutating func enumeration<E: CatalogEnum>(_ value: E)
    mutating func strings(_ value: [String])
    mutating func enumerations<E: CatalogEnum>(_ value: [E])
    mutating func directionMap(_ value: [Direction: Double])
    mutating func numberMap(_ value: [String: Double])
}

/// A catalog payload: built from validated slots, visited field by field in catalog order.
protocol CatalogPayload: EventPayload {
    static var fields: [FieldSpec] { get }
    init(_ values: some FieldSource)
    func visitFields(_ visitor: inout some FieldVisitor)
}

/// Shortest text of a number: integral values without fraction, others as Swift's shortest round-trip form.
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
        return String(Int64(value))
    }
    return "\(value)"
}
