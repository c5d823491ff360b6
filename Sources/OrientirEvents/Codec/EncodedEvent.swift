/// An event in its binary encoding (``EventCodec``), read in place: the envelope is parsed, `data` stays binary
/// until it is decoded into an ``Event`` or rendered as NDJSON straight from the bytes (no strings, no arrays).
///
/// It views the bytes it was made from: use it only while they are alive (e.g. inside a log read's closure).
///
/// ```swift
/// let encoded = try EncodedEvent(record.payload, id: id)
/// if encoded.type == .careerTrialCompleted { try lines.append(encoded) }
/// ```
public struct EncodedEvent {
    /// The id, from the log record (it is not in the payload).
    public let id: EventID
    public let type: EventType
    let schema: Int
    let occurredAt: Timestamp
    let region: UnsafeRawBufferPointer
    let municipality: UnsafeRawBufferPointer
    let source: UnsafeRawBufferPointer?
    /// The `personId` of a sealed `PersonalDataRecorded`; `nil` for every other event.
    let sealedPersonIdBytes: UnsafeRawBufferPointer?
    /// Positioned after the envelope (and a sealed event's `personId`): the rest of the payload.
    let rest: BinaryReader

    /// Parses the envelope of `bytes`, an encoding made by ``EventCodec/encode(_:into:)``; `id` comes from the
    /// log record.
    public init(_ bytes: UnsafeRawBufferPointer, id: EventID) throws(EventCodecError) {
        var reader = BinaryReader(bytes: bytes)
        let version = try reader.byte()
        guard version == EventCodec.formatVersion else { throw EventCodecError("unknown format version \(version)") }
        let code = try reader.byte()
        guard Int(code) < EventType.count else { throw EventCodecError("unknown event type code \(code)") }
        type = EventType(validCode: code)
        let flags = try reader.byte()
        schema = Int(truncatingIfNeeded: try reader.varint())
        let epochSeconds = try reader.signed()
        let offsetMinutes = Int(try reader.signed())
        let timeBits = try reader.byte()
        let fractionDigits = timeBits & 0x1F
        guard let style = Timestamp.OffsetStyle(rawValue: timeBits >> 5), fractionDigits <= 18 else {
            throw EventCodecError("invalid timestamp")
        }
        let fraction = fractionDigits > 0 ? try reader.varint() : 0
        occurredAt = Timestamp(
            epochSeconds: epochSeconds, offsetMinutes: offsetMinutes, fraction: fraction,
            fractionDigits: fractionDigits, offsetStyle: style)
        region = try reader.span()
        municipality = try reader.span()
        source = flags & 1 != 0 ? try reader.span() : nil
        if flags & 2 != 0 {
            guard type == .personalDataRecorded else { throw EventCodecError("sealed data on \(type)") }
            sealedPersonIdBytes = try reader.span()
        } else {
            sealedPersonIdBytes = nil
        }
        self.id = id
        rest = reader
    }

    /// The bytes it was parsed from.
    public var bytes: UnsafeRawBufferPointer { rest.bytes }

    /// The same event on `copy`, an identical copy of its bytes: every view moved from the bytes it was parsed from
    /// (which need no longer be alive: only their address is used). Cheaper than parsing the envelope again.
    public func moved(to copy: UnsafeRawBufferPointer) -> EncodedEvent {
        let original = rest.bytes
        precondition(original.count == copy.count, "a moved event's copy must be its bytes")
        let delta = (copy.baseAddress.map { Int(bitPattern: $0) } ?? 0) - (original.baseAddress.map { Int(bitPattern: $0) } ?? 0)
        func move(_ span: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            guard let base = span.baseAddress else { return span }
            return UnsafeRawBufferPointer(start: base.advanced(by: delta), count: span.count)
        }
        var reader = BinaryReader(bytes: copy)
        reader.position = rest.position
        return EncodedEvent(
            id: id, type: type, schema: schema, occurredAt: occurredAt, region: move(region),
            municipality: move(municipality), source: source.map(move), sealedPersonIdBytes: sealedPersonIdBytes.map(move),
            rest: reader)
    }

    private init(
        id: EventID, type: EventType, schema: Int, occurredAt: Timestamp, region: UnsafeRawBufferPointer,
        municipality: UnsafeRawBufferPointer, source: UnsafeRawBufferPointer?,
        sealedPersonIdBytes: UnsafeRawBufferPointer?, rest: BinaryReader
    ) {
        self.id = id
        self.type = type
        self.schema = schema
        self.occurredAt = occurredAt
        self.region = region
        self.municipality = municipality
        self.source = source
        self.sealedPersonIdBytes = sealedPersonIdBytes
        self.rest = rest
    }

    /// The person whose personal data this sealed `PersonalDataRecorded` holds; `nil` for every other event.
    public var sealedPersonId: String? {
        sealedPersonIdBytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The event, with its strings and `data` built.
    public func decoded() throws(EventCodecError) -> Event {
        var reader = rest
        let data: EventData
        if let sealedPersonIdBytes {
            data = .sealedPersonalData(
                SealedPersonalData(
                    personId: String(decoding: sealedPersonIdBytes, as: UTF8.self), box: try reader.byteArray(),
                    contentKey: try reader.byteArray()))
        } else {
            data = try reader.data(type)
        }
        try reader.expectEnd()
        return Event(
            id: id, schema: schema, occurredAt: occurredAt, region: String(decoding: region, as: UTF8.self),
            municipality: String(decoding: municipality, as: UTF8.self),
            source: source.map { String(decoding: $0, as: UTF8.self) }, data: data)
    }
}
