import OrientirEvents

/// A read model folded from the log: a stable name, a version, and an explicit fold over events.
///
/// ```swift
/// struct TrialCount: Projection {
///     static let name = "trial-count"
///     static let version = 1
///     var count = 0
///     init() {}
///     mutating func apply(_ logged: LoggedEvent) {
///         if logged.type == .careerTrialCompleted { count += 1 }
///     }
///     …
/// }
/// ```
///
/// The fold must be deterministic: the same events in the same order give the same state. Retracted events never
/// reach `apply`; the engine leaves them out (READ_MODELS.md rule 1), so no projection can forget them.
public protocol Projection {
    /// Stable name: the snapshot files are `<name>.v<version>.snapshot`.
    static var name: String { get }
    /// Bumped whenever the fold or the snapshot layout changes; a new version is rebuilt, never mixed with the old.
    static var version: Int { get }
    /// Whether rebuilds leave periodic snapshots for fast as-of reads (off for models whose snapshot is as large
    /// as the log itself).
    static var keepsPeriodicSnapshots: Bool { get }

    /// The state before any event.
    init()
    /// Folds one non-retracted event.
    mutating func apply(_ logged: LoggedEvent)
    /// Called a few events ahead of `apply` with that event's stream name (UTF-8): a fold may start loading what it
    /// will look up for the event (``Interner/prefetch(utf8:)``), so the lookup does not wait for memory. Only a
    /// hint: the event may not be applied at all. The default does nothing. (`mutating` only so that the state is
    /// reached in place: a call on a copy would retain and release every array in it.)
    mutating func prefetch(stream: UnsafeRawBufferPointer)
    /// Called before a fold of `count` more events (a rebuild, a long catch-up): a fold may make room for what it
    /// will append, so that its large arrays do not grow by copying themselves into fresh pages again and again.
    /// Room reserved and never used costs address space, not memory: pages are only taken when first written.
    /// Only a hint. The default does nothing.
    mutating func reserveCapacity(forEvents count: Int)
    /// Called at the end of every fold, before the state is read: a fold may leave work for here that is cheaper
    /// done once than per event (building an index). The default does nothing. Periodic snapshots are taken in
    /// the middle of a fold, without it.
    mutating func prepareForReads()
    /// Writes the whole state, as it is (prepared for reads or not). Arrays written with
    /// ``SnapshotWriter/growing(_:)`` must only grow at their end from one snapshot of a fold to the next, its
    /// `prepareForReads()` included (one that empties such an array is fine: it is written whole).
    func writeSnapshot(to writer: inout SnapshotWriter)
    /// Reads a state written by `writeSnapshot` of the same version.
    init(snapshot reader: inout SnapshotReader) throws(ProjectionError)
}

extension Projection {
    public static var keepsPeriodicSnapshots: Bool { true }
    public mutating func prepareForReads() {}
    public mutating func prefetch(stream: UnsafeRawBufferPointer) {}
    public mutating func reserveCapacity(forEvents count: Int) {}
}

/// One record of the log as a projection sees it: the envelope parsed and the `data` fields located in place, with
/// where and when it was stored. Folds on the hot path read ``fields`` (no strings or arrays built); ``event``
/// decodes the whole event for folds that want the typed value.
///
/// It views the record's bytes: valid only during `apply`.
public struct LoggedEvent {
    /// The record's log position.
    public let position: UInt64
    /// When it was appended, microseconds since the epoch.
    public let recordedAt: Int64
    /// The envelope, parsed; `data` still binary.
    public let encoded: EncodedEvent
    /// The `data` fields, located.
    public let fields: EventFields
    /// The record's stream name, UTF-8.
    public let stream: UnsafeRawBufferPointer
    /// The record's encoded payload (``EventCodec``).
    public let payload: UnsafeRawBufferPointer

    public init(
        position: UInt64, recordedAt: Int64, encoded: EncodedEvent, fields: EventFields,
        stream: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer
    ) {
        self.position = position
        self.recordedAt = recordedAt
        self.encoded = encoded
        self.fields = fields
        self.stream = stream
        self.payload = payload
    }

    public var id: EventID { encoded.id }
    public var type: EventType { encoded.type }

    /// The whole event, decoded on each call (strings and arrays built). The engine checked the payload's structure
    /// before handing it over, so decoding cannot fail here.
    public var event: Event {
        do {
            return try encoded.decoded()
        } catch {
            preconditionFailure("a located payload failed to decode: \(error)")
        }
    }
}

/// Where a fold stops: the head of the log, a log position (inclusive), or a `recordedAt` instant (inclusive).
public enum Cut: Sendable, Hashable, CustomStringConvertible {
    case head
    /// Folds positions 0…P.
    case position(UInt64)
    /// Folds the positions whose `recordedAt` ≤ T (µs since the epoch).
    case recordedAt(Int64)

    public var description: String {
        switch self {
        case .head: "head"
        case .position(let p): "position \(p)"
        case .recordedAt(let t): "recordedAt \(t)"
        }
    }
}
