import Foundation
import OrientirEvents
import OrientirLog

/// Where events meet the log: an event becomes a record draft (binary-encoded, keyed by its id, in its stream)
/// and a stored record becomes an event again.
enum EventLog {
    static func open(_ directory: String, writable: Bool, durability: Durability = .batch,
                     compressionLevel: Int = 0, maxBatchRecords: Int = 1000) throws -> FileLog {
        let log = try FileLog(
            directory: directory,
            options: .init(durability: durability, writable: writable, maxBatchRecords: maxBatchRecords,
                           compressionLevel: compressionLevel))
        if writable, log.recovery.truncatedBytes > 0, let at = log.recovery.truncatedAt {
            Diagnostics.note("recovered: cut \(log.recovery.truncatedBytes) bytes of a torn or corrupt last batch (\(at))")
        }
        if writable, log.recovery.rolledBackBytes > 0 {
            Diagnostics.note("recovered: rolled back \(log.recovery.rolledBackBytes) bytes of an unfinished import")
        }
        return log
    }

    /// The store's personal-data keystore (`keys/personal.keys`).
    static func vault(_ directory: String) throws -> PersonalDataVault {
        try PersonalDataVault(directory: directory + "/keys")
    }

    /// The draft of an event; a sealed one carries its content key so a repeat is recognised as one.
    static func draft(for event: Event, expected: ExpectedVersion = .any, buffer: inout [UInt8]) -> RecordDraft {
        buffer.removeAll(keepingCapacity: true)
        EventCodec.encode(event, into: &buffer)
        var key: [UInt8] = []
        if case .sealedPersonalData(let sealed) = event.data { key = sealed.contentKey }
        return RecordDraft(id: event.id.bytes, stream: event.stream, payload: buffer, contentKey: key,
                           expectedVersion: expected)
    }

    static func decode(_ record: RecordView) throws -> Event {
        try encodedEvent(record).decoded()
    }

    /// The record's event, read in place (valid inside the log's read closure only).
    static func encodedEvent(_ record: RecordView) throws -> EncodedEvent {
        guard let id = EventID(bytes: record.id) else {
            throw CommandFailure(
                "record at position \(record.position) has an id of \(record.id.count) bytes, not a UUID")
        }
        return try EncodedEvent(record.payload, id: id)
    }

    /// An envelope for an event the command line makes itself (retractions, erasures): a fresh random UUID,
    /// the current time in UTC, source `orientir-cli`.
    static func envelopeJSON(type: EventType, region: String, municipality: String, data: String) throws -> String {
        let id = UUID().uuidString.lowercased()
        let now = Instant.format(microseconds: FileLog.now())
        return "{\"id\":\"\(id)\",\"type\":\"\(type.rawValue)\",\"occurredAt\":\"\(now)\",\"region\":\(jsonString(region)),"
            + "\"municipality\":\(jsonString(municipality)),\"source\":\"orientir-cli\",\"data\":\(data)}"
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// EVENTS.md: a retraction names an event stored earlier (also earlier in the same file), not yet retracted, and
/// neither a retraction nor an erasure.
struct RetractionRules {
    private var retracted: Set<EventID>?

    /// Nil when `event` (an `EventRetracted`) may be stored; else the message naming file, line, field and rule.
    mutating func check(_ event: Event, bulk: BulkImport, file: String, line: Int) throws -> String? {
        guard case .eventRetracted(let retraction) = event.data else { return nil }
        let target = retraction.eventId
        let prefix = "\(file):\(line): data.eventId: \"\(target)\" "
        if bulk.position(ofID: event.id.bytes) != nil { return nil }  // this very retraction is stored already
        guard let position = bulk.position(ofID: target.bytes), let record = try bulk.record(at: position) else {
            return prefix + "is not a stored event"
        }
        switch try EventCodec.decode(record.payload, id: target).type {
        case .eventRetracted: return prefix + "is a retraction, which cannot be retracted"
        case .subjectForgotten: return prefix + "is an erasure (SubjectForgotten), which is final"
        default: break
        }
        if retracted == nil {
            var known = Set<EventID>()
            try bulk.read(ReadRange(stream: "retractions")) { record in
                if let id = EventID(bytes: record.id),
                    case .eventRetracted(let r) = try EventCodec.decode(record.payload, id: id).data
                {
                    known.insert(r.eventId)
                }
            }
            retracted = known
        }
        guard retracted!.insert(target).inserted else { return prefix + "is retracted already" }
        return nil
    }
}
