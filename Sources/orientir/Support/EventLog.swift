import OrientirEvents
import OrientirLog

/// Where events meet the log: an event becomes a record draft (binary-encoded, keyed by its id, in its stream)
/// and a stored record becomes an event again.
enum EventLog {
    static func open(_ directory: String, writable: Bool, durability: Durability = .batch) throws -> FileLog {
        let log = try FileLog(directory: directory, options: .init(durability: durability, writable: writable))
        if writable, log.recovery.truncatedBytes > 0, let at = log.recovery.truncatedAt {
            Diagnostics.note("recovered: cut \(log.recovery.truncatedBytes) bytes of a torn or corrupt last batch (\(at))")
        }
        if writable, log.recovery.rolledBackBytes > 0 {
            Diagnostics.note("recovered: rolled back \(log.recovery.rolledBackBytes) bytes of an unfinished import")
        }
        return log
    }

    static func draft(for event: Event, expected: ExpectedVersion = .any, buffer: inout [UInt8]) -> RecordDraft {
        buffer.removeAll(keepingCapacity: true)
        EventCodec.encode(event, into: &buffer)
        return RecordDraft(id: event.id.bytes, stream: event.stream, payload: buffer, expectedVersion: expected)
    }

    static func decode(_ record: RecordView) throws -> Event {
        guard let id = EventID(bytes: record.id) else {
            throw CommandFailure("record at position \(record.position) has an id of \(record.id.count) bytes, not a UUID")
        }
        return try EventCodec.decode(record.payload, id: id)
    }
}
