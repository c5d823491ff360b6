import Foundation
import Testing
@testable import OrientirEvents

/// Fields read in place (``EventFields``) against the decoded ``Event``: every field of every type, on the valid
/// corpus and on a generated region.
@Suite struct EventFieldsTests {
    static let generated: [Event] = {
        var events: [Event] = []
        let parser = EventParser()
        var number = 0
        RegionGenerator(seed: 11, students: 40, years: 2).write { line in
            number += 1
            events.append(try! parser.parse(line: line, lineNumber: number, file: "generated"))
        }
        return events
    }()

    /// Checks each visited value against the located field of the same index.
    struct Checker: FieldVisitor {
        let fields: EventFields
        var index = 0
        var mismatches: [String] = []

        private mutating func next() -> EventField {
            defer { index += 1 }
            return EventField(type: fields.type, index: index)
        }

        private mutating func check(_ ok: Bool, _ what: @autoclosure () -> String) {
            if !ok { mismatches.append("\(fields.type.rawValue) field \(index - 1): \(what())") }
        }

        private func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }

        mutating func string(_ value: String?) {
            let field = next()
            check(fields.optionalBytes(field).map(text) == value, "string \(String(describing: value))")
        }

        mutating func integer(_ value: Int?) {
            let field = next()
            check((fields.isPresent(field) ? fields.integer(field) : nil) == value, "integer")
        }

        mutating func number(_ value: Double?) {
            let field = next()
            check((fields.isPresent(field) ? fields.number(field) : nil) == value, "number")
        }

        mutating func bool(_ value: Bool?) {
            let field = next()
            check((fields.isPresent(field) ? fields.bool(field) : nil) == value, "bool")
        }

        mutating func date(_ value: LocalDate?) {
            let field = next()
            check((fields.isPresent(field) ? fields.days(field) : nil) == value?.daysSinceEpoch, "date")
        }

        mutating func academicYear(_ value: AcademicYear) {
            let field = next()
            check(fields.startYear(field) == value.startYear, "academic year")
        }

        mutating func eventID(_ value: EventID) {
            let field = next()
            check(fields.isPresent(field), "event id")
        }

        mutating func enumeration<E: CatalogEnum>(_ value: E) {
            let field = next()
            check(fields.value(field, as: E.self) == value, "enumeration \(value)")
            check(fields.ordinal(field) == E.allCases.firstIndex(of: value), "ordinal of \(value)")
        }

        mutating func strings(_ value: [String]) {
            let field = next()
            check(fields.ids(field).map(text) == value, "list \(value)")
        }

        mutating func enumerations<E: CatalogEnum>(_ value: [E]) { _ = next() }
        mutating func directionMap(_ value: [Direction: Double]) { _ = next() }
        mutating func numberMap(_ value: [String: Double]) { _ = next() }
    }

    private func check(_ event: Event) throws -> [String] {
        let bytes = EventCodec.encode(event)
        return try bytes.withUnsafeBytes { payload in
            let encoded = try EncodedEvent(payload, id: event.id)
            var starts = [Int32](repeating: 0, count: max(1, event.type.fieldCount))
            let located = try starts.withUnsafeMutableBufferPointer { try encoded.locateFields(into: $0.baseAddress!) }
            return starts.withUnsafeBufferPointer { starts in
                let fields = encoded.fields(located: UnsafeBufferPointer(rebasing: starts[0..<located]))
                #expect(fields.type == event.type)
                #expect(encoded.regionBytes.elementsEqual(event.region.utf8))
                #expect(encoded.municipalityBytes.elementsEqual(event.municipality.utf8))
                #expect(encoded.occurredAtTime == event.occurredAt)
                if case .sealedPersonalData = event.data {
                    #expect(located == 0 && fields.isSealed)
                    return []
                }
                #expect(located == event.type.fieldCount && !fields.isSealed)
                var checker = Checker(fields: fields)
                _ = event.data.visitFields(&checker)
                #expect(checker.index == event.type.fieldCount)
                return checker.mismatches
            }
        }
    }

    @Test(arguments: EncodedEventTests.corpus)
    func corpusFieldsReadInPlace(event: Event) throws {
        #expect(try check(event) == [])
    }

    @Test func generatedRegionFieldsReadInPlace() throws {
        #expect(Set(Self.generated.map(\.type)).count > 20)
        for event in Self.generated {
            let mismatches = try check(event)
            #expect(mismatches == [], "\(event.ndjson())")
        }
    }

    @Test func fieldsAreResolvedByName() {
        let person = EventType.careerTrialCompleted.field("personId")
        #expect(person.type == .careerTrialCompleted)
        #expect(person.index == 1)
        #expect(EventType.careerTrialCompleted.fieldCount == 10)
    }

    @Test func damagedDataIsRefusedWhenLocated() throws {
        let event = EncodedEventTests.corpus.first { $0.type == .teamRegistered }!
        var bytes = EventCodec.encode(event)
        // Cut the last byte: the walk over the fields runs off the payload.
        bytes.removeLast()
        #expect(throws: EventCodecError.self) {
            try bytes.withUnsafeBytes { payload in
                var starts = [Int32](repeating: 0, count: event.type.fieldCount)
                _ = try starts.withUnsafeMutableBufferPointer {
                    try EncodedEvent(payload, id: event.id).locateFields(into: $0.baseAddress!)
                }
            }
        }
        // A byte too many: the walk ends before the payload does.
        bytes = EventCodec.encode(event) + [0]
        #expect(throws: EventCodecError.self) {
            try bytes.withUnsafeBytes { payload in
                var starts = [Int32](repeating: 0, count: event.type.fieldCount)
                _ = try starts.withUnsafeMutableBufferPointer {
                    try EncodedEvent(payload, id: event.id).locateFields(into: $0.baseAddress!)
                }
            }
        }
    }
}
