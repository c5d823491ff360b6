/// Rendering an encoded event as NDJSON straight from its bytes: the same text as
/// `decoded().ndjson(sealedAs:)` (the tests hold the two equal), without building strings, arrays or an ``Event``.
/// Both walk the type's field table in catalog order; this one reads each value with the codec's primitive for its
/// ``FieldKind`` and writes it as ``JSONFieldWriter`` writes it.
extension EncodedEvent {
    /// Appends the canonical NDJSON line (no line terminator); on a damaged payload throws, having appended part
    /// of a line.
    func write(into buffer: inout ByteBuffer, sealedAs readOut: SealedReadOut) throws(EventCodecError) {
        buffer.appendEnvelope(
            id: id, type: type, schema: schema, occurredAt: occurredAt, region: region, municipality: municipality,
            source: source)
        var reader = rest
        if let sealedPersonIdBytes {
            _ = try reader.span()  // the sealed box
            _ = try reader.span()  // the content key
            buffer.append(#"{"personId":"#)
            buffer.appendJSONString(sealedPersonIdBytes)
            buffer.append(readOut.closingMark)
        } else {
            try reader.transcodeData(type, into: &buffer)
        }
        try reader.expectEnd()
        buffer.append(UInt8(ascii: "}"))
    }
}

extension BinaryReader {
    /// Reads the presence byte and the fields of `type`, writing them as the JSON `data` object.
    mutating func transcodeData(_ type: EventType, into buffer: inout ByteBuffer) throws(EventCodecError) {
        let presence = try byte()
        var optionalIndex: UInt8 = 0
        var first = true
        buffer.append(UInt8(ascii: "{"))
        // Field tables are static constants: their storage lives for the whole process.
        for field in type.fields.withUnsafeBufferPointer({ $0 }) {
            if field.isOptional {
                let isPresent = presence & (1 << optionalIndex) != 0
                optionalIndex &+= 1
                if !isPresent { continue }
            }
            buffer.appendKey(field.staticName, first: first)
            first = false
            try transcodeValue(field.kind, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    @inline(__always)
    private mutating func transcodeValue(_ kind: FieldKind, into buffer: inout ByteBuffer) throws(EventCodecError) {
        switch kind {
        case .id, .text, .municipalityId:
            buffer.appendJSONString(try span())
        case .date:
            buffer.appendQuoted(LocalDate(daysSinceEpoch: Int(truncatingIfNeeded: try signed())))
        case .academicYear:
            buffer.appendQuoted(AcademicYear(startYear: Int(truncatingIfNeeded: try signed())))
        case .eventID:
            buffer.appendQuoted(try eventID())
        case .bool:
            buffer.append(try byte() != 0 ? "true" : "false")
        case .integer:
            buffer.appendDecimal(Int(truncatingIfNeeded: try signed()))
        case .number:
            buffer.appendNumber(try number())
        case .enumeration(let names):
            buffer.appendQuotedName(try name(in: names.vocabulary))
        case .idList, .memberList:
            let count = try listCount()
            buffer.append(UInt8(ascii: "["))
            for index in 0..<count {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.appendJSONString(try span())
            }
            buffer.append(UInt8(ascii: "]"))
        case .enumList(let names):
            let count = try listCount()
            buffer.append(UInt8(ascii: "["))
            for index in 0..<count {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.appendQuotedName(try name(in: names.vocabulary))
            }
            buffer.append(UInt8(ascii: "]"))
        case .directionMap:
            try transcodeDirectionMap(into: &buffer)
        case .criteriaMap:
            // Stored sorted by the UTF-8 bytes of the names: already the canonical JSON order.
            let count = try listCount()
            buffer.append(UInt8(ascii: "{"))
            for index in 0..<count {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                buffer.appendJSONString(try span())
                buffer.append(UInt8(ascii: ":"))
                buffer.appendNumber(try number())
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }

    @inline(__always)
    private mutating func name(in vocabulary: Vocabulary) throws(EventCodecError) -> UnsafeRawBufferPointer {
        vocabulary.name(Int(try ordinal(count: vocabulary.count)))
    }

    /// Stored in ordinal order, written in the UTF-8 order of the names.
    private mutating func transcodeDirectionMap(into buffer: inout ByteBuffer) throws(EventCodecError) {
        let count = try listCount()
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: Direction.caseCount) {
            scores throws(EventCodecError) in
            try withUnsafeTemporaryAllocation(of: Bool.self, capacity: Direction.caseCount) {
                present throws(EventCodecError) in
                present.initialize(repeating: false)
                for _ in 0..<count {
                    let ordinal = Int(try ordinal(count: Direction.caseCount))
                    scores[ordinal] = try number()
                    present[ordinal] = true
                }
                buffer.appendDirectionScores(scores, present: present)
            }
        }
    }
}
