#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import OrientirEvents
import OrientirLog
import Synchronization

/// Records read and checked, handed to the fold workers: stream and payload bytes in one arena, each payload's
/// `data` fields already located (``EncodedEvent/locateFields(into:)``), so a worker reads fields in place.
struct RecordChunk: @unchecked Sendable {
    static let capacity = 8192
    var positions: [UInt64] = []
    var recordedAts: [Int64] = []
    /// Each record's envelope as parsed from the log's bytes; a placeholder for a retracted record. Its views
    /// point into the log's read buffer, gone once the record's callback returns: only ``EncodedEvent/moved(to:)``
    /// onto the arena's copy may be called on it, which uses their addresses and reads none of them.
    var envelopes: [EncodedEvent] = []
    /// Record `i`'s stream is `arena[spans[2i]..<spans[2i + 1]]`, its payload `arena[spans[2i + 1]..<spans[2i + 2]]`;
    /// both empty for a retracted record, left out.
    var spans: [Int] = [0]
    var arena: [UInt8] = []
    /// Record `i`'s located field starts are `fieldStarts[fieldRanges[i]..<fieldRanges[i + 1]]`.
    var fieldRanges: [Int32] = [0]
    var fieldStarts: [Int32] = []
    var retracted: [Bool] = []
    var skipped: [FoldPoint.Skipped] = []

    init() {
        positions.reserveCapacity(Self.capacity)
        recordedAts.reserveCapacity(Self.capacity)
        envelopes.reserveCapacity(Self.capacity)
        spans.reserveCapacity(2 * Self.capacity + 1)
        arena.reserveCapacity(Self.capacity * 160)
        fieldRanges.reserveCapacity(Self.capacity + 1)
        fieldStarts.reserveCapacity(Self.capacity * 8)
        retracted.reserveCapacity(Self.capacity)
    }

    var count: Int { positions.count }

    /// Stands for the envelope of a retracted record, never read: an empty event of the first type, on bytes
    /// allocated once for the life of the process.
    nonisolated(unsafe) static let placeholder: EncodedEvent = {
        let bytes: [UInt8] = [EventCodec.formatVersion, 0, 0, 0, 0, 0, 0, 0, 0]
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        return try! EncodedEvent(UnsafeRawBufferPointer(storage), id: EventID(high: 0, low: 0))
    }()

    /// Empties the chunk, keeping its buffers (once the workers that folded it are done with it).
    mutating func removeAll() {
        positions.removeAll(keepingCapacity: true)
        recordedAts.removeAll(keepingCapacity: true)
        envelopes.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        spans.append(0)
        arena.removeAll(keepingCapacity: true)
        fieldRanges.removeAll(keepingCapacity: true)
        fieldRanges.append(0)
        fieldStarts.removeAll(keepingCapacity: true)
        retracted.removeAll(keepingCapacity: true)
        skipped.removeAll(keepingCapacity: true)
    }

    /// Appends a record whose payload parsed as `encoded`, locating its fields; throws if `data` is damaged.
    mutating func append(_ record: RecordView, _ encoded: EncodedEvent) throws(EventCodecError) {
        let base = fieldStarts.count
        let fieldCount = encoded.type.fieldCount
        fieldStarts.append(contentsOf: repeatElement(0, count: fieldCount))
        let located = try fieldStarts.withUnsafeMutableBufferPointer { starts throws(EventCodecError) in
            try encoded.locateFields(into: starts.baseAddress! + base)
        }
        if located < fieldCount { fieldStarts.removeLast(fieldCount - located) }
        fieldRanges.append(Int32(fieldStarts.count))
        positions.append(record.position)
        recordedAts.append(record.recordedAt)
        envelopes.append(encoded)
        arena.append(contentsOf: record.stream)
        spans.append(arena.count)
        arena.append(contentsOf: record.payload)
        spans.append(arena.count)
        retracted.append(false)
    }

    mutating func appendSkipped(position: UInt64, recordedAt: Int64, id: EventID, retractionPosition: UInt64) {
        positions.append(position)
        recordedAts.append(recordedAt)
        envelopes.append(Self.placeholder)
        spans.append(arena.count)
        spans.append(arena.count)
        fieldRanges.append(Int32(fieldStarts.count))
        retracted.append(true)
        skipped.append(.init(target: id, position: position, retractionPosition: retractionPosition))
    }
}

/// The events retractions remove, by id, with the position of the retraction: looked up once per record read, so
/// an open-addressing table on the id's random bits rather than a hashed dictionary.
struct RetractedIDs {
    private var keys: [EventID] = []
    private var values: [UInt64] = []
    private var mask = 0
    private(set) var isEmpty = true

    init(_ retractions: [FoldPoint.Retraction]) {
        guard !retractions.isEmpty else { return }
        var capacity = 16
        while capacity < retractions.count * 2 { capacity *= 2 }
        keys = Array(repeating: EventID(high: 0, low: 0), count: capacity)
        values = Array(repeating: .max, count: capacity)
        mask = capacity - 1
        isEmpty = false
        for retraction in retractions {
            var slot = Self.slot(retraction.target, mask)
            while values[slot] != .max, keys[slot] != retraction.target { slot = (slot + 1) & mask }
            keys[slot] = retraction.target
            values[slot] = retraction.position
        }
    }

    @inline(__always)
    private static func slot(_ id: EventID, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (id.low ^ id.high &* 0x9E37_79B9_7F4A_7C15) >> 7) & mask
    }

    /// The position of the retraction that removes `id`, if one does.
    @inline(__always)
    subscript(id: EventID) -> UInt64? {
        guard !isEmpty else { return nil }
        var slot = Self.slot(id, mask)
        while values[slot] != .max {
            if keys[slot] == id { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// A fold target handed to the one worker that folds it (no other thread touches it during the pass).
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One thread per fold target for the length of a pass, and the chunks between them and the reader: a few chunks
/// in flight, each worker folding its own queue of them in log order. A worker that is slower on one chunk catches
/// up on the next instead of holding the reader and the other worker at a barrier after every chunk. Threads of
/// their own, so the targets fold side by side on separate cores (a shared pool may run them one after the other
/// while the reader keeps a core busy).
final class FoldPipeline: @unchecked Sendable {
    /// A chunk buffer, filled by the reader, then folded by every worker, then back to the reader (its buffers kept).
    final class Slot: @unchecked Sendable {
        var chunk = RecordChunk()
        /// Workers yet to fold it (under the pipeline's lock).
        var pending = 0
    }

    private struct Queues: ~Copyable {
        var free: [Slot]
        /// Each worker's chunks to fold, in order; nil ends the worker.
        var work: [[Slot?]]
    }

    private let queues: Mutex<Queues>
    private let freeSlots: DispatchSemaphore
    private let queued: [DispatchSemaphore]
    private let ended = DispatchSemaphore(value: 0)
    private var finished = false

    /// Starts `workers` threads, each calling `fold(index, chunk)` for every chunk submitted, in order; at most
    /// `depth` submitted chunks are in the workers' hands (queued or being folded), besides the one being filled.
    init(workers: Int, depth: Int, fold: @escaping @Sendable (Int, RecordChunk) -> Void) {
        queues = Mutex(Queues(free: (0..<depth).map { _ in Slot() }, work: Array(repeating: [], count: workers)))
        freeSlots = DispatchSemaphore(value: depth)
        queued = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        for index in 0..<workers {
            startThread { [self] in
                while true {
                    queued[index].wait()
                    guard let slot = queues.withLock({ $0.work[index].removeFirst() }) else { break }
                    fold(index, slot.chunk)
                    let free = queues.withLock { queues -> Bool in
                        slot.pending -= 1
                        guard slot.pending == 0 else { return false }
                        slot.chunk.removeAll()
                        queues.free.append(slot)
                        return true
                    }
                    if free { freeSlots.signal() }
                }
                ended.signal()
            }
        }
    }

    /// An empty chunk buffer to fill (waits while every buffer is in flight).
    func take() -> Slot {
        freeSlots.wait()
        return queues.withLock { $0.free.removeLast() }
    }

    /// Hands a filled buffer to every worker.
    func submit(_ slot: Slot) {
        queues.withLock { queues in
            slot.pending = queued.count
            for index in queued.indices { queues.work[index].append(slot) }
        }
        for semaphore in queued { semaphore.signal() }
    }

    /// Waits for the workers to fold everything submitted, and ends their threads.
    func finish() {
        guard !finished else { return }
        finished = true
        queues.withLock { queues in
            for index in queued.indices { queues.work[index].append(nil) }
        }
        for semaphore in queued { semaphore.signal() }
        for _ in queued { ended.wait() }
    }
}

/// Snapshot files written on a background queue while the fold goes on; the first error is kept for the end.
final class SnapshotWrites: @unchecked Sendable {
    private let queue = DispatchQueue(label: "orientir.snapshot-writes")
    /// Touched only on `queue`.
    private var failure: ProjectionError?

    /// Writes on the queue, in the background (periodic snapshots, while the fold goes on).
    func write(_ snapshots: SnapshotDirectory, path: String, name: String, version: Int, point: FoldPoint,
               body: SnapshotWriter, link: SnapshotLink)
    {
        queue.async {
            guard self.failure == nil else { return }
            do throws(ProjectionError) {
                try snapshots.write(path: path, name: name, version: version, point: point, body: body, link: link)
            } catch {
                self.failure = error
            }
        }
    }

    /// Writes on the calling thread (checkpoints, side by side), keeping a failure for ``finish()``.
    func writeHere(_ snapshots: SnapshotDirectory, path: String, name: String, version: Int, point: FoldPoint,
                   body: SnapshotWriter, link: SnapshotLink)
    {
        do {
            try snapshots.write(path: path, name: name, version: version, point: point, body: body, link: link)
        } catch {
            queue.sync { if self.failure == nil { self.failure = error } }
        }
    }

    /// Waits until every write queued so far is done.
    func drain() { queue.sync {} }

    /// Waits for every write; throws the first failure.
    func finish() throws(ProjectionError) {
        let failure = queue.sync { self.failure }
        if let failure { throw failure }
    }
}

/// Feeds projections from an ``EventStore``: each record checked and its fields located once, and given to every
/// projection in one pass; retractions applied by the engine, checkpoints and periodic snapshots kept in a ``SnapshotDirectory``.
///
/// ```swift
/// let engine = ProjectionEngine(store: log, snapshots: SnapshotDirectory(store: "/data/penza"))
/// let facts = ProjectionSlot<IndicatorFacts>()
/// try engine.catchUp([facts])                      // from the last checkpoint to the head
/// let earlier = ProjectionSlot<IndicatorFacts>()
/// try engine.fold([earlier], asOf: .position(1_000)) // exactly a fresh fold of 0…1000
/// ```
///
/// Retractions (READ_MODELS.md rule 1): a fold ending at `end` leaves out every event retracted by a retraction
/// below `end`, over the whole fold. A snapshot records which events it left out and which retractions it knew,
/// so it is used only where it equals a fresh fold; otherwise the engine falls back to an older one or to zero.
public struct ProjectionEngine: Sendable {
    public let store: any EventStore
    public let snapshots: SnapshotDirectory?
    /// Rebuilds and catch-ups leave a periodic snapshot every this many positions.
    public var snapshotInterval: UInt64
    /// A fold over at least this many records looks for their retractions with two threads, each reading half.
    public var splitRetractionScanAt: UInt64 = 100_000
    /// A fold of at least this many events tells each target its length first
    /// (``Projection/reserveCapacity(forEvents:)``); a short catch-up leaves growth to the arrays, which grow by
    /// doubling, not to the exact size asked each time.
    public var reserveCapacityFrom: UInt64 = 65_536

    public init(store: any EventStore, snapshots: SnapshotDirectory? = nil, snapshotInterval: UInt64 = 100_000) {
        self.store = store
        self.snapshots = snapshots
        self.snapshotInterval = max(1, snapshotInterval)
    }

    /// What a fold did.
    public struct FoldReport: Sendable {
        /// Records read (retracted ones included).
        public var records: UInt64 = 0
        /// The fold now covers `0..<end`.
        public var end: UInt64 = 0
        public var seconds: Double = 0
        /// Projections that had to start again from zero because a snapshot did not hold.
        public var restarted: [String] = []

        public var eventsPerSecond: Double { seconds > 0 ? Double(records) / seconds : 0 }
    }

    /// Progress of a long fold: records done and to do.
    public typealias ProgressHandler = (_ done: UInt64, _ total: UInt64) -> Void

    // MARK: - Entry points

    /// Folds from zero to the head, writing periodic snapshots and the checkpoint of each projection.
    @discardableResult
    public func rebuild(_ targets: [any FoldTarget], progress: ProgressHandler? = nil) throws(ProjectionError)
        -> FoldReport
    {
        for target in targets {
            target.reset()
            snapshots?.removeStale(target.projectionName, keepingVersion: target.projectionVersion, periodic: true)
        }
        return try advance(targets, to: try end(of: .head), useSnapshots: false, write: true, progress: progress)
    }

    /// Brings the projections to the head: from their state in memory, else from their checkpoint (or an older
    /// snapshot, or zero) when it still holds; writes the new checkpoint when `save`.
    @discardableResult
    public func catchUp(_ targets: [any FoldTarget], save: Bool = true, progress: ProgressHandler? = nil)
        throws(ProjectionError) -> FoldReport
    {
        try advance(targets, to: try end(of: .head), useSnapshots: true, write: save, progress: progress)
    }

    /// Writes the checkpoint of each target as its state stands (after a fold that wrote none, for instance a read
    /// that had to fold events since the last checkpoint and leaves one for the next read).
    public func checkpoint(_ targets: [any FoldTarget]) throws(ProjectionError) {
        let writes = SnapshotWrites()
        writeCheckpoints(targets, writes: writes)
        try writes.finish()
    }

    /// Each target's checkpoint encoded and written on a thread of its own, side by side; a failure is kept in
    /// `writes`. After a periodic snapshot of the same fold, a checkpoint is a delta on it: that one reaches the
    /// disk first.
    private func writeCheckpoints(_ targets: [any FoldTarget], writes: SnapshotWrites) {
        guard let snapshots else { return }
        writes.drain()
        let done = DispatchSemaphore(value: 0)
        for box in targets.map({ UncheckedBox($0) }) {
            startThread {
                let target = box.value
                let (body, link) = Self.body(of: target, at: target.point.next)
                writes.writeHere(
                    snapshots,
                    path: snapshots.checkpointPath(target.projectionName, version: target.projectionVersion),
                    name: target.projectionName, version: target.projectionVersion, point: target.point,
                    body: body, link: link)
                done.signal()
            }
        }
        for _ in targets { done.wait() }
    }

    /// Folds the projections as of `cut`, starting from the nearest snapshot that holds there; writes nothing.
    @discardableResult
    public func fold(_ targets: [any FoldTarget], asOf cut: Cut) throws(ProjectionError) -> FoldReport {
        for target in targets { target.reset() }
        return try advance(targets, to: try end(of: cut), useSnapshots: true, write: false, progress: nil)
    }

    /// The exclusive end position of a cut: `P + 1` for a position (at most the head), the first position
    /// recorded after `T` for an instant.
    public func end(of cut: Cut) throws(ProjectionError) -> UInt64 {
        let head: UInt64
        do { head = try store.head().endPosition } catch { throw ProjectionError(.log, error.description) }
        switch cut {
        case .head:
            return head
        case .position(let position):
            return position >= head ? head : position + 1
        case .recordedAt(let instant):
            var first = head
            do {
                try store.read(ReadRange(since: instant == .max ? .max : instant + 1)) { record in
                    first = record.position
                    throw StopReading()
                }
            } catch is StopReading {
            } catch {
                throw ProjectionError(.log, "\(error)")
            }
            return first
        }
    }

    // MARK: - The fold

    private struct StopReading: Error {}

    private func advance(
        _ targets: [any FoldTarget], to end: UInt64, useSnapshots: Bool, write: Bool, progress: ProgressHandler?
    ) throws(ProjectionError) -> FoldReport {
        let started = Self.now()
        // A later fold of these states starts a chain of its own, whether this one ends well or not: their growing
        // arrays may be emptied (by `prepareForReads()`) and grow back past the counts of this fold's last periodic
        // snapshot.
        defer { for target in targets { target.lastPeriodic = nil } }
        for target in targets where target.point.next > end { target.reset() }
        if useSnapshots {
            for target in targets where target.point.next == 0 { loadBestSnapshot(target, end: end) }
        }
        let retractions = try self.retractions(below: end, known: targets.map(\.point))
        var report = FoldReport()
        let writes = SnapshotWrites()
        defer { try? writes.finish() }
        var pending = targets
        for attempt in 0..<2 {
            // A snapshot that left out an event a retraction at or after `end` removes is not this fold.
            for target in pending where target.point.skipped.contains(where: { $0.retractionPosition >= end }) {
                target.reset()
            }
            let invalid = try run(pending, to: end, retractions: retractions, write: write, writes: writes,
                                  report: &report, progress: progress)
            guard !invalid.isEmpty else { break }
            precondition(attempt == 0, "a fold from zero cannot miss a retracted event")
            for target in invalid {
                target.reset()
                report.restarted.append(target.projectionName)
            }
            pending = invalid
        }
        if write { writeCheckpoints(targets, writes: writes) }
        try writes.finish()
        report.end = end
        report.seconds = Self.now() - started
        return report
    }

    /// One pass over `min(next)..<end`; returns the targets whose starting snapshot turned out not to hold.
    private func run(
        _ targets: [any FoldTarget], to end: UInt64, retractions: [FoldPoint.Retraction], write: Bool,
        writes: SnapshotWrites, report: inout FoldReport, progress: ProgressHandler?
    ) throws(ProjectionError) -> [any FoldTarget] {
        let starts = targets.map(\.point.next)
        guard let start = starts.min(), start < end else {
            for target in targets { finish(target, end: end, retractions: retractions) }
            return []
        }
        for (target, targetStart) in zip(targets, starts)
        where targetStart < end && end - targetStart >= max(1, reserveCapacityFrom) {
            target.reserveCapacity(forEvents: Int(end - targetStart))
        }
        let removedBy = RetractedIDs(retractions)
        var seenAt: [EventID: UInt64] = [:]
        let periodic = write && snapshots != nil
        var done: UInt64 = 0
        let total = end - start
        // Reading here while the targets fold earlier chunks, each on its own worker thread: the reader fills one
        // chunk while up to three wait for or are in the workers' hands (see `FoldPipeline`).
        let boxes = targets.map { UncheckedBox($0) }
        let pipeline = FoldPipeline(workers: targets.count, depth: 3) { index, chunk in
            self.fold(chunk, into: boxes[index].value, periodic: periodic, retractions: retractions, end: end,
                      writes: writes)
        }
        defer { pipeline.finish() }
        // Filled here, then swapped into a free buffer of the pipeline (whose emptied buffers come back to be
        // filled: no fresh pages per chunk).
        var chunk = RecordChunk()
        var failure: ProjectionError?
        let foldChunk = {
            let slot = pipeline.take()
            swap(&chunk, &slot.chunk)
            pipeline.submit(slot)
        }
        do {
            try store.read(ReadRange(positions: start..<end)) { record in
                guard let id = EventID(bytes: record.id) else {
                    failure = ProjectionError(.undecodable, "record id of \(record.id.count) bytes is not an event id",
                                              position: record.position)
                    throw StopReading()
                }
                done += 1
                if let progress, done & 0xFFFF == 0 { progress(done, total) }
                if let retractionPosition = removedBy[id] {
                    seenAt[id] = record.position
                    chunk.appendSkipped(position: record.position, recordedAt: record.recordedAt, id: id,
                                        retractionPosition: retractionPosition)
                } else {
                    do {
                        try chunk.append(record, try EncodedEvent(record.payload, id: id))
                    } catch {
                        failure = ProjectionError(.undecodable, "\(error)", position: record.position)
                        throw StopReading()
                    }
                }
                if chunk.count >= RecordChunk.capacity { foldChunk() }
            }
        } catch is StopReading {
        } catch let error as ProjectionError {
            failure = error
        } catch {
            failure = ProjectionError(.log, "\(error)")
        }
        if chunk.count > 0 { foldChunk() }
        pipeline.finish()
        if let failure { throw failure }
        progress?(total, total)
        report.records += done
        var invalid: [any FoldTarget] = []
        for (target, targetStart) in zip(targets, starts) {
            // Every retraction's target must be left out where this target's fold left it out: either before its
            // start (recorded in its snapshot) or met since.
            let skippedBefore = Set(target.point.skipped.lazy.filter { $0.position < targetStart }.map(\.target))
            let holds = retractions.allSatisfy { retraction in
                if skippedBefore.contains(retraction.target) { return true }
                if let at = seenAt[retraction.target] { return at >= targetStart }
                return targetStart == 0  // never stored: nothing to leave out (only a hand-built store has this)
            }
            if holds {
                finish(target, end: end, retractions: retractions)
            } else {
                invalid.append(target)
            }
        }
        return invalid
    }

    /// How many events ahead of `apply` a target hears of an event's stream (``Projection/prefetch(stream:)``): far
    /// enough for a memory load to arrive, near enough that it is still in cache when used.
    public static let prefetchDistance = 6

    /// Folds one chunk into one target (on a worker), leaving its periodic snapshots where they fall.
    private func fold(
        _ chunk: RecordChunk, into target: any FoldTarget, periodic: Bool, retractions: [FoldPoint.Retraction],
        end: UInt64, writes: SnapshotWrites
    ) {
        var nextSkipped = 0
        chunk.arena.withUnsafeBytes { arena in
            chunk.fieldStarts.withUnsafeBufferPointer { starts in
                // Each event's stream is announced before the event is applied: the chunk's first few up front, then
                // each `prefetchDistance` ahead. A left-out (retracted) event has none.
                let announce = { (index: Int) in
                    if !chunk.retracted[index] {
                        target.prefetch(stream: UnsafeRawBufferPointer(
                            rebasing: arena[chunk.spans[2 * index]..<chunk.spans[2 * index + 1]]))
                    }
                }
                for index in 0..<min(Self.prefetchDistance, chunk.count) { announce(index) }
                for index in 0..<chunk.count {
                    if index + Self.prefetchDistance < chunk.count { announce(index + Self.prefetchDistance) }
                    let position = chunk.positions[index]
                    if chunk.retracted[index] {
                        if target.point.next <= position { target.point.skipped.append(chunk.skipped[nextSkipped]) }
                        nextSkipped += 1
                    }
                    if target.point.next <= position {
                        let recordedAt = chunk.recordedAts[index]
                        if !chunk.retracted[index] {
                            let stream = UnsafeRawBufferPointer(
                                rebasing: arena[chunk.spans[2 * index]..<chunk.spans[2 * index + 1]])
                            let payload = UnsafeRawBufferPointer(
                                rebasing: arena[chunk.spans[2 * index + 1]..<chunk.spans[2 * index + 2]])
                            // Parsed and located once by the reader, from the log's bytes; the arena holds a copy.
                            let encoded = chunk.envelopes[index].moved(to: payload)
                            let located = UnsafeBufferPointer(
                                rebasing: starts[Int(chunk.fieldRanges[index])..<Int(chunk.fieldRanges[index + 1])])
                            target.apply(LoggedEvent(
                                position: position, recordedAt: recordedAt, encoded: encoded,
                                fields: encoded.fields(located: located), stream: stream, payload: payload))
                        }
                        target.point.next = position + 1
                        target.point.lastRecordedAt = recordedAt
                    }
                    // Only a target that folded this position (one loaded from a later snapshot waits for its own).
                    if periodic, (position + 1) % snapshotInterval == 0, position + 1 < end,
                        target.point.next == position + 1
                    {
                        writePeriodic([target], retractions: retractions, end: end, writes: writes)
                    }
                }
            }
        }
    }

    private func finish(_ target: any FoldTarget, end: UInt64, retractions: [FoldPoint.Retraction]) {
        target.prepareForReads()
        target.point.next = end
        target.point.horizon = end
        target.point.retractions = retractions
    }

    private func writePeriodic(
        _ targets: [any FoldTarget], retractions: [FoldPoint.Retraction], end: UInt64, writes: SnapshotWrites
    ) {
        guard let snapshots else { return }
        for target in targets where target.keepsPeriodicSnapshots {
            var point = target.point
            point.horizon = end
            point.retractions = retractions
            let (body, link) = Self.body(of: target, at: point.next)
            target.lastPeriodic = PeriodicMark(next: point.next, nonce: link.nonce, counts: body.growth.map(\.count))
            writes.write(
                snapshots,
                path: snapshots.periodicPath(target.projectionName, version: target.projectionVersion, next: point.next),
                name: target.projectionName, version: target.projectionVersion, point: point,
                body: body, link: link)
        }
    }

    /// A snapshot body of the target at `next`: after the first periodic snapshot of a fold, a delta on the last
    /// one (what its growing arrays gained since, not the whole state again: on ~1M events the indicators' ten
    /// periodic snapshots take 45 MB instead of 240 MB, and the checkpoints after them a few MB).
    private static func body(of target: any FoldTarget, at next: UInt64) -> (SnapshotWriter, SnapshotLink) {
        var link = SnapshotLink()
        guard let last = target.lastPeriodic, last.next < next else { return (target.snapshotBody(), link) }
        link.base = (last.next, last.nonce)
        return (target.snapshotBody(extending: last.counts), link)
    }

    /// Every retraction below `end`: what the states already know, plus a pass over the `retractions` stream for
    /// the rest.
    private func retractions(below end: UInt64, known points: [FoldPoint]) throws(ProjectionError)
        -> [FoldPoint.Retraction]
    {
        let base = points.max { $0.horizon < $1.horizon } ?? .zero
        var list = base.retractions.filter { $0.position < end }
        guard base.horizon < end else { return list }
        // Finding them means decompressing and walking every batch of the range (retractions are few, but any
        // batch may hold one), before the fold can start: a long range is read in two halves side by side.
        let parts = end - base.horizon >= max(2, splitRetractionScanAt) ? 2 : 1
        let bounds = (0...parts).map { base.horizon + (end - base.horizon) * UInt64($0) / UInt64(parts) }
        let found = Mutex<[Result<[FoldPoint.Retraction], ProjectionError>?]>(Array(repeating: nil, count: parts))
        let store = self.store
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let result = Result { () throws(ProjectionError) in
                try Self.retractions(in: bounds[part]..<bounds[part + 1], of: store)
            }
            found.withLock { $0[part] = result }
        }
        for result in found.withLock({ $0 }) {
            guard let result else { continue }
            list += try result.get()
        }
        return list
    }

    /// The retractions stored in `range`, in position order.
    private static func retractions(in range: Range<UInt64>, of store: any EventStore) throws(ProjectionError)
        -> [FoldPoint.Retraction]
    {
        var list: [FoldPoint.Retraction] = []
        do {
            try store.read(ReadRange(positions: range, stream: "retractions")) { record in
                guard let id = EventID(bytes: record.id) else { return }
                let event: Event
                do {
                    event = try EventCodec.decode(record.payload, id: id)
                } catch {
                    throw ProjectionError(.undecodable, "\(error)", position: record.position)
                }
                if case .eventRetracted(let retraction) = event.data {
                    list.append(.init(position: record.position, target: retraction.eventId))
                }
            }
        } catch let error as ProjectionError {
            throw error
        } catch {
            throw ProjectionError(.log, "\(error)")
        }
        return list
    }

    /// Loads the newest snapshot at or before `end` that can hold there (checkpoint first, then periodic ones).
    private func loadBestSnapshot(_ target: any FoldTarget, end: UInt64) {
        guard let snapshots else { return }
        let name = target.projectionName
        let version = target.projectionVersion
        var candidates: [(next: UInt64, path: String)] = snapshots.periodicSnapshots(name, version: version)
        let checkpoint = snapshots.checkpointPath(name, version: version)
        if let point = snapshots.readPoint(path: checkpoint, name: name, version: version) {
            candidates.append((point.next, checkpoint))
        }
        for candidate in candidates.sorted(by: { $0.next > $1.next }) where candidate.next <= end {
            guard let point = snapshots.readPoint(path: candidate.path, name: name, version: version),
                point.next == candidate.next, !point.skipped.contains(where: { $0.retractionPosition >= end })
            else { continue }
            do {
                let (loaded, reader0) = try snapshots.read(path: candidate.path, name: name, version: version)
                var reader = reader0
                try target.loadSnapshot(point: loaded, reader: &reader)
                return
            } catch {
                target.reset()
            }
        }
    }

    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
