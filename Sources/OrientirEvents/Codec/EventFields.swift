/// A field of one event type's `data`, by its place in the catalog order: resolved once by name, then read in place
/// from any encoded event of that type through ``EventFields``.
///
/// ```swift
/// static let trialPerson = EventType.careerTrialCompleted.field("personId")
/// …
/// let person = logged.fields.bytes(Self.trialPerson)   // UTF-8 bytes of the id, nothing allocated
/// ```
public struct EventField: Sendable, Hashable {
    public let type: EventType
    let index: Int
}

extension EventType {
    /// The field of this type's `data` named `name`; traps for a name the catalog does not give this type (field
    /// names are constants of the code that reads them, not input).
    public func field(_ name: String) -> EventField {
        guard let index = fields.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(rawValue) has no data field \(name)")
        }
        return EventField(type: self, index: index)
    }

    /// The number of fields of this type's `data` (the catalog's, optional ones included).
    public var fieldCount: Int { fields.count }
}

/// The `data` fields of an encoded event, located once by ``EncodedEvent/locateFields(into:)`` and read in place:
/// ids and text as byte spans, numbers, ordinals and days as integers. Nothing is allocated and no `Event` is built,
/// which is what lets a projection fold a million events a second.
///
/// Locating walks the whole payload and checks its structure (lengths within the bytes, ordinals within their
/// vocabularies, nothing left over), so the reads here cannot run off the payload. A sealed `PersonalDataRecorded`
/// has no fields located: its data is a sealed box.
///
/// It views the payload and the located starts it was made from: use it only while they are alive.
public struct EventFields {
    public let type: EventType
    /// The whole encoded payload.
    let bytes: UnsafeRawBufferPointer
    /// Where each field's value starts in `bytes`, in catalog order; -1 for an absent optional field. Empty for a
    /// sealed event.
    let starts: UnsafeBufferPointer<Int32>
    /// Whether the data is a sealed box (a sealed `PersonalDataRecorded`): then no field can be read.
    public let isSealed: Bool

    @inline(__always)
    private func reader(_ field: EventField) -> BinaryReader {
        precondition(field.type == type, "a field of \(field.type.rawValue) read on \(type.rawValue)")
        precondition(!isSealed && field.index < starts.count, "a field read on a sealed event (check isSealed)")
        let start = Int(starts[field.index])
        precondition(start >= 0, "absent optional field read without isPresent")
        var reader = BinaryReader(bytes: bytes)
        reader.position = start
        return reader
    }

    /// Whether the field is in the event (required fields always are).
    @inline(__always)
    public func isPresent(_ field: EventField) -> Bool {
        precondition(field.type == type, "a field of \(field.type.rawValue) read on \(type.rawValue)")
        precondition(!isSealed && field.index < starts.count, "a field read on a sealed event (check isSealed)")
        return starts[field.index] >= 0
    }

    /// The UTF-8 bytes of an id, text or municipality id field.
    @inline(__always)
    public func bytes(_ field: EventField) -> UnsafeRawBufferPointer {
        var reader = reader(field)
        return try! reader.span()
    }

    /// The bytes of the field if present, else `nil`.
    @inline(__always)
    public func optionalBytes(_ field: EventField) -> UnsafeRawBufferPointer? {
        isPresent(field) ? bytes(field) : nil
    }

    @inline(__always)
    public func integer(_ field: EventField) -> Int {
        var reader = reader(field)
        return Int(truncatingIfNeeded: try! reader.signed())
    }

    @inline(__always)
    public func number(_ field: EventField) -> Double {
        var reader = reader(field)
        return try! reader.number()
    }

    @inline(__always)
    public func bool(_ field: EventField) -> Bool {
        var reader = reader(field)
        return try! reader.byte() != 0
    }

    /// An enumeration field's value.
    @inline(__always)
    public func value<E: CatalogEnum>(_ field: EventField, as type: E.Type = E.self) -> E {
        var reader = reader(field)
        return E(validOrdinal: try! reader.byte())
    }

    /// An enumeration field's position in its vocabulary (its `allCases` index).
    @inline(__always)
    public func ordinal(_ field: EventField) -> Int {
        var reader = reader(field)
        return Int(try! reader.byte())
    }

    /// A date field as days since 1970-01-01.
    @inline(__always)
    public func days(_ field: EventField) -> Int {
        var reader = reader(field)
        return Int(truncatingIfNeeded: try! reader.signed())
    }

    /// An academic year field's start year.
    @inline(__always)
    public func startYear(_ field: EventField) -> Int {
        var reader = reader(field)
        return Int(truncatingIfNeeded: try! reader.signed())
    }

    /// The ids of an id list field, each as UTF-8 bytes, in order.
    @inline(__always)
    public func ids(_ field: EventField) -> IDSpans {
        var reader = reader(field)
        let count = try! reader.listCount()
        return IDSpans(reader: reader, remaining: count)
    }
}

/// The items of an id list, read in place.
public struct IDSpans: Sequence, IteratorProtocol {
    var reader: BinaryReader
    var remaining: Int

    public mutating func next() -> UnsafeRawBufferPointer? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        return try! reader.span()
    }
}

extension EncodedEvent {
    /// Walks `data`, checking its structure, and writes where each field's value starts (relative to the payload)
    /// into `starts`, which has room for ``EventType/fieldCount`` entries; -1 for an absent optional field.
    /// Returns the number written: the field count, or 0 for a sealed event.
    public func locateFields(into starts: UnsafeMutablePointer<Int32>) throws(EventCodecError) -> Int {
        var reader = rest
        if sealedPersonIdBytes != nil {
            _ = try reader.span()  // the sealed box
            _ = try reader.span()  // the content key
            try reader.expectEnd()
            return 0
        }
        let presence = try reader.byte()
        var optionalIndex: UInt8 = 0
        var index = 0
        // Field tables are static constants: their storage lives for the whole process.
        for field in type.fields.withUnsafeBufferPointer({ $0 }) {
            defer { index += 1 }
            if field.isOptional {
                let isPresent = presence & (1 << optionalIndex) != 0
                optionalIndex &+= 1
                if !isPresent {
                    starts[index] = -1
                    continue
                }
            }
            starts[index] = Int32(truncatingIfNeeded: reader.position)
            try reader.skipValue(field.kind)
        }
        try reader.expectEnd()
        return index
    }

    /// The fields of this event located by ``locateFields(into:)`` into `starts`.
    public func fields(located starts: UnsafeBufferPointer<Int32>) -> EventFields {
        EventFields(type: type, bytes: rest.bytes, starts: starts, isSealed: sealedPersonIdBytes != nil)
    }

    /// When the event happened, as written.
    public var occurredAtTime: Timestamp { occurredAt }
    /// The envelope's `region`, UTF-8.
    public var regionBytes: UnsafeRawBufferPointer { region }
    /// The envelope's `municipality`, UTF-8.
    public var municipalityBytes: UnsafeRawBufferPointer { municipality }
}

extension BinaryReader {
    /// Steps over one value of `kind`, checking what a later in-place read relies on.
    @inline(__always)
    mutating func skipValue(_ kind: FieldKind) throws(EventCodecError) {
        switch kind {
        case .id, .text, .municipalityId:
            _ = try span()
        case .date, .academicYear, .integer:
            _ = try signed()
        case .eventID:
            _ = try eventID()
        case .bool:
            _ = try byte()
        case .number:
            _ = try number()
        case .enumeration(let names):
            _ = try ordinal(count: names.vocabulary.count)
        case .idList, .memberList:
            for _ in 0..<(try listCount()) { _ = try span() }
        case .enumList(let names):
            for _ in 0..<(try listCount()) { _ = try ordinal(count: names.vocabulary.count) }
        case .directionMap:
            for _ in 0..<(try listCount()) {
                _ = try ordinal(count: Direction.caseCount)
                _ = try number()
            }
        case .criteriaMap:
            for _ in 0..<(try listCount()) {
                _ = try span()
                _ = try number()
            }
        }
    }
}
