/// One field of a type's `data`: its name, what it holds and the rules it obeys.
struct FieldSpec: Sendable {
    let name: String
    let nameBytes: [UInt8]
    let kind: FieldKind
    let isOptional: Bool

    init(_ name: String, _ kind: FieldKind, optional: Bool = false) {
        self.name = name
        self.nameBytes = Array(name.utf8)
        self.kind = kind
        self.isOptional = optional
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
    case enumeration(Vocabulary)
    /// A list of ids, possibly empty, repeats allowed.
    case idList
    /// `memberIds`: at least one id, no repeats.
    case memberList
    case enumList(Vocabulary)
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

/// Validated slots of one `data` object, indexed like the type's field table.
struct FieldValues {
    let slots: UnsafeMutableBufferPointer<Slot>

    /// Runs `body` with `count` absent slots on the stack.
    static func withSlots<R, E: Error>(
        count: Int, _ body: (FieldValues) throws(E) -> R
    ) throws(E) -> R {
        try withUnsafeTemporaryAllocation(of: Slot.self, capacity: max(count, 1)) { buffer throws(E) in
            buffer.initialize(repeating: .absent)
            defer { buffer.deinitialize() }
            return try body(FieldValues(slots: buffer))
        }
    }

    func take<T: SlotConvertible>(_ index: Int) -> T {
        T(slot: slots[index])
    }

    func take<E: CatalogEnum>(_ index: Int) -> E {
        guard case .ordinal(let ordinal) = slots[index] else { preconditionFailure("slot \(index) is not an enum") }
        return E.allCases[Int(ordinal)]
    }

    func take<E: CatalogEnum>(_ index: Int) -> [E] {
        guard case .ordinals(let ordinals) = slots[index] else { preconditionFailure("slot \(index) is not a list") }
        return ordinals.map { E.allCases[Int($0)] }
    }
}

/// A Swift type a validated slot converts to.
protocol SlotConvertible {
    init(slot: Slot)
}

extension Optional: SlotConvertible where Wrapped: SlotConvertible {
    init(slot: Slot) {
        if case .absent = slot { self = nil } else { self = Wrapped(slot: slot) }
    }
}

extension String: SlotConvertible {
    init(slot: Slot) {
        guard case .string(let value) = slot else { preconditionFailure("not a string slot") }
        self = value
    }
}

extension Int: SlotConvertible {
    init(slot: Slot) {
        guard case .integer(let value) = slot else { preconditionFailure("not an integer slot") }
        self = value
    }
}

extension Double: SlotConvertible {
    init(slot: Slot) {
        guard case .number(let value) = slot else { preconditionFailure("not a number slot") }
        self = value
    }
}

extension Bool: SlotConvertible {
    init(slot: Slot) {
        guard case .bool(let value) = slot else { preconditionFailure("not a bool slot") }
        self = value
    }
}

extension LocalDate: SlotConvertible {
    init(slot: Slot) {
        guard case .date(let value) = slot else { preconditionFailure("not a date slot") }
        self = value
    }
}

extension AcademicYear: SlotConvertible {
    init(slot: Slot) {
        guard case .academicYear(let value) = slot else { preconditionFailure("not an academic year slot") }
        self = value
    }
}

extension EventID: SlotConvertible {
    init(slot: Slot) {
        guard case .eventID(let value) = slot else { preconditionFailure("not an event id slot") }
        self = value
    }
}

extension Array: SlotConvertible where Element == String {
    init(slot: Slot) {
        guard case .strings(let value) = slot else { preconditionFailure("not a list slot") }
        self = value
    }
}

extension Dictionary: SlotConvertible where Key: SlotMapKey, Value == Double {
    init(slot: Slot) {
        self = Key.map(from: slot)
    }
}

/// Keys of the two maps of the catalog (`interests`, `criteria`).
protocol SlotMapKey: Hashable {
    static func map(from slot: Slot) -> [Self: Double]
}

extension Direction: SlotMapKey {
    static func map(from slot: Slot) -> [Direction: Double] {
        guard case .directionMap(let value) = slot else { preconditionFailure("not a direction map slot") }
        return value
    }
}

extension String: SlotMapKey {
    static func map(from slot: Slot) -> [String: Double] {
        guard case .numberMap(let value) = slot else { preconditionFailure("not a number map slot") }
        return value
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
    init(_ values: FieldValues)
    func visitFields(_ visitor: inout some FieldVisitor)
}

/// Shortest text of a number: integral values without fraction, others as Swift's shortest round-trip form.
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
        return String(Int64(value))
    }
    return "\(value)"
}
