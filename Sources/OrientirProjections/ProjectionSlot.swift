/// A projection's state being folded, with how far it went: what the engine feeds.
///
/// ```swift
/// let trials = ProjectionSlot<TrialCount>()
/// try engine.catchUp([trials])
/// print(trials.state.count, trials.point.lastPosition ?? "-")
/// ```
public protocol FoldTarget: AnyObject {
    var projectionName: String { get }
    var projectionVersion: Int { get }
    var keepsPeriodicSnapshots: Bool { get }
    /// How far the state goes and which retractions it took in.
    var point: FoldPoint { get set }
    /// Folds one event into the state.
    func apply(_ logged: LoggedEvent)
    /// See ``Projection/prefetch(stream:)``.
    func prefetch(stream: UnsafeRawBufferPointer)
    /// See ``Projection/reserveCapacity(forEvents:)``.
    func reserveCapacity(forEvents count: Int)
    /// Back to the state before any event.
    func reset()
    /// The end of a fold: see ``Projection/prepareForReads()``.
    func prepareForReads()
    func snapshotBody() -> SnapshotWriter
    /// A delta body on top of a snapshot whose growing arrays had `counts` elements.
    func snapshotBody(extending counts: [Int]) -> SnapshotWriter
    /// The last periodic snapshot this fold wrote (a delta's base), cleared by ``reset()``.
    var lastPeriodic: PeriodicMark? { get set }
    func loadSnapshot(point: FoldPoint, reader: inout SnapshotReader) throws(ProjectionError)
}

public final class ProjectionSlot<P: Projection>: FoldTarget {
    // A slot is folded by one thread at a time, and its state and point are reached only through its own methods,
    // one access after another: there is nothing for a per-event run-time exclusivity check to catch (it was ~6 %
    // of a rebuild's CPU).
    @exclusivity(unchecked) public private(set) var state: P
    @exclusivity(unchecked) public var point: FoldPoint = .zero

    public init() {
        state = P()
    }

    public var projectionName: String { P.name }
    public var projectionVersion: Int { P.version }
    public var keepsPeriodicSnapshots: Bool { P.keepsPeriodicSnapshots }

    public func apply(_ logged: LoggedEvent) {
        state.apply(logged)
    }

    public func prefetch(stream: UnsafeRawBufferPointer) {
        state.prefetch(stream: stream)
    }

    public func reserveCapacity(forEvents count: Int) {
        state.reserveCapacity(forEvents: count)
    }

    public func prepareForReads() {
        state.prepareForReads()
    }

    public var lastPeriodic: PeriodicMark?

    public func reset() {
        state = P()
        point = .zero
        lastPeriodic = nil
    }

    public func snapshotBody() -> SnapshotWriter {
        var writer = SnapshotWriter()
        state.writeSnapshot(to: &writer)
        return writer
    }

    public func snapshotBody(extending counts: [Int]) -> SnapshotWriter {
        var writer = SnapshotWriter(extending: counts)
        state.writeSnapshot(to: &writer)
        return writer
    }

    public func loadSnapshot(point: FoldPoint, reader: inout SnapshotReader) throws(ProjectionError) {
        state = try P(snapshot: &reader)
        self.point = point
        lastPeriodic = nil
    }
}

/// A periodic snapshot as the fold that wrote it remembers it: where, its nonce, and its growing arrays' counts.
public struct PeriodicMark: Sendable {
    public var next: UInt64
    public var nonce: UInt64
    public var counts: [Int]
}
