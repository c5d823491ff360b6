/// One event of the catalog: the envelope of EVENTS.md §1 and its typed `data`.
///
/// ```swift
/// let event = try EventParser().parse(line: bytes, lineNumber: 1, file: "region.ndjson")
/// if case .careerTrialCompleted(let trial) = event.data { print(trial.hours, event.stream) }
/// ```
///
/// Two events are equal when they are equal as JSON values (EVENTS.md §6 "same event twice"): key order,
/// spacing and `6` vs `6.0` do not matter, an absent `schema` equals 1.
public struct Event: Sendable, Hashable {
    /// The sender's id; the idempotency key.
    public var id: EventID
    /// Version of the type's `data` shape.
    public var schema: Int
    /// When it happened (business time), with its original text.
    public var occurredAt: Timestamp
    /// Subject of the Federation, two digits.
    public var region: String
    /// Municipality id.
    public var municipality: String
    /// Who recorded it, if given.
    public var source: String?
    /// The type's fields.
    public var data: EventData

    public init(
        id: EventID, schema: Int = 1, occurredAt: Timestamp, region: String, municipality: String,
        source: String? = nil, data: EventData
    ) {
        self.id = id
        self.schema = schema
        self.occurredAt = occurredAt
        self.region = region
        self.municipality = municipality
        self.source = source
        self.data = data
    }

    /// The event type, derived from `data`.
    public var type: EventType { data.type }

    /// The stream the event belongs to, e.g. `person-p-000123` (EVENTS.md §3).
    public var stream: String { data.stream }
}

/// The `data` of one event type. Every catalog struct (``CareerTrialCompleted``, …) conforms.
public protocol EventPayload: Sendable, Hashable {
    /// The type whose `data` this is.
    static var eventType: EventType { get }
}
