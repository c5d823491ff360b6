/// What an append may require of a stream's current version.
public enum ExpectedVersion: Sendable, Hashable {
    /// No requirement.
    case any
    /// The stream must have no events yet.
    case noStream
    /// The stream's last event must have this version (versions count from 0).
    case exactly(UInt64)
}

/// One record handed to `append`: an opaque payload with the id, stream and expectation the log enforces.
public struct RecordDraft: Sendable, Hashable {
    /// The idempotency key, 1…32 bytes (the events layer passes a UUID's 16 bytes).
    public var id: [UInt8]
    public var stream: String
    public var payload: [UInt8]
    /// Compared instead of `payload` to tell a repeat from a conflict when not empty (sealed payloads differ
    /// byte for byte between two seals of the same content).
    public var contentKey: [UInt8]
    public var expectedVersion: ExpectedVersion

    public init(
        id: [UInt8], stream: String, payload: [UInt8], contentKey: [UInt8] = [], expectedVersion: ExpectedVersion = .any
    ) {
        self.id = id
        self.stream = stream
        self.payload = payload
        self.contentKey = contentKey
        self.expectedVersion = expectedVersion
    }

    static let maxIDLength = 32
}

/// What became of one draft.
public enum AppendOutcome: Sendable, Hashable {
    /// Stored now at `position`, as version `streamVersion` of its stream.
    case appended(position: UInt64, streamVersion: UInt64)
    /// The same id with the same content was stored before at `position`; nothing was written.
    case duplicate(position: UInt64)

    public var position: UInt64 {
        switch self {
        case .appended(let position, _), .duplicate(let position): position
        }
    }
}

/// A stored record seen during a read; its buffers are valid only inside the read's closure.
public struct RecordView {
    public let position: UInt64
    /// When it was appended: microseconds since 1970-01-01T00:00:00Z, non-decreasing along the log.
    public let recordedAt: Int64
    public let streamVersion: UInt64
    public let id: UnsafeRawBufferPointer
    public let stream: UnsafeRawBufferPointer
    public let contentKey: UnsafeRawBufferPointer
    public let payload: UnsafeRawBufferPointer

    public var streamName: String { String(decoding: stream, as: UTF8.self) }

    /// An owned copy that outlives the read.
    public func copy() -> LogRecord {
        LogRecord(
            position: position, recordedAt: recordedAt, streamVersion: streamVersion, id: Array(id),
            stream: streamName, contentKey: Array(contentKey), payload: Array(payload))
    }
}

/// A stored record, owned.
public struct LogRecord: Sendable, Hashable {
    public var position: UInt64
    public var recordedAt: Int64
    public var streamVersion: UInt64
    public var id: [UInt8]
    public var stream: String
    public var contentKey: [UInt8]
    public var payload: [UInt8]
}

/// Which records a read visits: positions in `positions`, further narrowed by time and stream.
public struct ReadRange: Sendable, Hashable {
    public var positions: Range<UInt64>
    /// Only records with `recordedAt >= since` (µs since the epoch).
    public var since: Int64?
    /// Only records with `recordedAt < before`.
    public var before: Int64?
    public var stream: String?

    public init(positions: Range<UInt64> = 0..<UInt64.max, since: Int64? = nil, before: Int64? = nil,
                stream: String? = nil) {
        self.positions = positions
        self.since = since
        self.before = before
        self.stream = stream
    }

    public static let all = ReadRange()
}

/// Where the log ends and what seals it.
public struct LogHead: Sendable, Hashable {
    /// The position the next record will get; also the count of records stored.
    public var endPosition: UInt64
    /// The hash of the last batch (zeros for an empty log).
    public var hash: Digest32
    public var lastRecordedAt: Int64?
}

/// The store every layer above the log talks to: the file log in production, the in-memory store in tests.
public protocol EventStore: AnyObject, Sendable {
    /// Appends drafts atomically: all are stored (or found stored before), or none and the call throws.
    func append(_ drafts: [RecordDraft]) throws(LogError) -> [AppendOutcome]
    /// Calls `body` for each record of `range` in position order.
    func read(_ range: ReadRange, _ body: (RecordView) throws -> Void) throws
    /// The version of the stream's last event, nil for a stream with none.
    func streamVersion(of stream: String) throws(LogError) -> UInt64?
    /// The head of the log as of now.
    func head() throws(LogError) -> LogHead
}
