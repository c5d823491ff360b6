import Foundation
import OrientirEvents
import OrientirLog
import OrientirProjections
import XCTest

/// A small projection for engine tests: per event type a count, plus an order-sensitive digest of event ids.
struct Digest: Projection, Equatable {
    static let name = "digest"
    static let version = 1
    var counts: [String: Int] = [:]
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var last: UInt64 = 0

    init() {}

    mutating func apply(_ logged: LoggedEvent) {
        switch logged.event.data {
        case .eventRetracted: counts["retraction", default: 0] += 1
        default: counts[logged.event.type.rawValue, default: 0] += 1
        }
        hash = (hash ^ logged.event.id.low ^ logged.position) &* 0x100_0000_01b3
        last = logged.position
    }

    func writeSnapshot(to writer: inout SnapshotWriter) {
        writer.uint64(hash)
        writer.uint64(last)
        writer.strings(counts.keys.sorted())
        writer.array(counts.keys.sorted().map { counts[$0]! })
    }

    init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {
        hash = try reader.uint64()
        last = try reader.uint64()
        let keys = try reader.strings()
        let values = try reader.array(of: Int.self)
        counts = Dictionary(uniqueKeysWithValues: zip(keys, values))
    }
}

/// Records the engine's hints to a projection: the streams announced ahead, the streams applied, and the sizes
/// asked for.
struct HintRecorder: Projection {
    static let name = "hints"
    static let version = 1
    var announced: [String] = []
    var applied: [String] = []
    var reserved: [Int] = []
    /// Whether each applied event's stream had been announced by then (at its place in `announced`).
    var announcedBeforeApply = true
    /// The most announcements made ahead of the event being applied.
    var mostAhead = 0

    init() {}

    mutating func prefetch(stream: UnsafeRawBufferPointer) {
        announced.append(String(decoding: stream, as: UTF8.self))
    }

    mutating func reserveCapacity(forEvents count: Int) { reserved.append(count) }

    mutating func apply(_ logged: LoggedEvent) {
        let stream = String(decoding: logged.stream, as: UTF8.self)
        applied.append(stream)
        if announced.count < applied.count || announced[applied.count - 1] != stream { announcedBeforeApply = false }
        mostAhead = max(mostAhead, announced.count - applied.count)
    }

    func writeSnapshot(to writer: inout SnapshotWriter) {}

    init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {}
}

/// The events of a small synthetic region (40 students, two years), in file order.
func regionEvents(seed: UInt64) throws -> [Event] {
    var lines: [String] = []
    RegionGenerator(seed: seed, students: 40, years: 2).write { lines.append($0) }
    let parser = EventParser()
    return try lines.enumerated().map { try parser.parse(line: $1, lineNumber: $0 + 1, file: "gen") }
}

/// Appends each event on its own (its stream derived, its payload encoded).
func append(_ events: some Sequence<Event>, to store: InMemoryStore) throws {
    for event in events {
        _ = try store.append([RecordDraft(id: event.id.bytes, stream: event.stream, payload: EventCodec.encode(event))])
    }
}

/// An in-memory store of the events, whose clock ticks once per append (instant i is position i).
func makeStore(_ events: some Sequence<Event>) throws -> InMemoryStore {
    let counter = Counter()
    let store = InMemoryStore(clock: { counter.tick() })
    try append(events, to: store)
    return store
}

final class ProjectionEngineTests: XCTestCase {
    /// A synthetic region, with a few retractions added (some retracting early events, late in the log).
    func makeEvents(seed: UInt64) throws -> [Event] {
        var events = try regionEvents(seed: seed)
        var generator = SeededGenerator(seed: seed)
        let originals = events.filter { $0.type != .eventRetracted && $0.type != .subjectForgotten }
        var retracted = Set(events.compactMap { event -> EventID? in
            if case .eventRetracted(let r) = event.data { return r.eventId }
            return nil
        })
        for _ in 0..<4 {
            let target = originals[Int(generator.next() % UInt64(originals.count))]
            guard retracted.insert(target.id).inserted else { continue }
            let at = events.count / 2 + Int(generator.next() % UInt64(events.count / 2))
            let position = max(at, events.firstIndex { $0.id == target.id }! + 1)
            let id = EventID(high: generator.next(), low: generator.next())
            events.insert(Event(id: id, occurredAt: target.occurredAt, region: target.region, municipality: target.municipality,
                                data: .eventRetracted(EventRetracted(eventId: target.id, reason: "test"))), at: position)
        }
        return events
    }

    func store(_ events: some Sequence<Event>) throws -> InMemoryStore { try makeStore(events) }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "orientir-projections-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func fresh(_ store: InMemoryStore, _ cut: Cut = .head) throws -> Digest {
        let slot = ProjectionSlot<Digest>()
        try ProjectionEngine(store: store).fold([slot], asOf: cut)
        return slot.state
    }

    func testRebuildEqualsChunkedCatchUpEqualsAsOfAtHead() throws {
        let events = try makeEvents(seed: 7)
        XCTAssertGreaterThan(events.count, 300)
        let full = try store(events)
        let expected = try fresh(full)
        XCTAssertEqual(expected.counts.values.reduce(0, +) + 0, expected.counts.values.reduce(0, +))

        var generator = SeededGenerator(seed: 11)
        let directory = try temporaryDirectory()
        // Grow a log in chunks; after each, a new process would load the checkpoint and catch up.
        let growing = try store([])
        var appended = 0
        while appended < events.count {
            let chunk = 1 + Int(generator.next() % 120)
            try append(events[appended..<min(events.count, appended + chunk)], to: growing)
            appended = min(events.count, appended + chunk)
            let slot = ProjectionSlot<Digest>()
            try ProjectionEngine(store: growing, snapshots: SnapshotDirectory(path: directory), snapshotInterval: 50)
                .catchUp([slot])
            XCTAssertEqual(slot.state, try fresh(growing), "catch-up after \(appended) events")
        }

        let rebuilt = ProjectionSlot<Digest>()
        let engine = ProjectionEngine(store: full, snapshots: SnapshotDirectory(path: directory), snapshotInterval: 37)
        try engine.rebuild([rebuilt])
        XCTAssertEqual(rebuilt.state, expected)
        let asOfHead = ProjectionSlot<Digest>()
        try engine.fold([asOfHead], asOf: .head)
        XCTAssertEqual(asOfHead.state, expected)
    }

    /// Retractions found by two threads, each reading half of the log, are the ones one thread finds: the fold
    /// leaves out the same events as a log that never held them.
    func testRetractionsFoundByTwoThreadsAreAllApplied() throws {
        let events = try makeEvents(seed: 13)
        let retracted = Set(events.compactMap { event -> EventID? in
            if case .eventRetracted(let r) = event.data { return r.eventId }
            return nil
        })
        XCTAssertGreaterThanOrEqual(retracted.count, 3)
        let full = try store(events)
        var split = ProjectionEngine(store: full)
        split.splitRetractionScanAt = 2
        let folded = ProjectionSlot<Digest>()
        try split.rebuild([folded])
        XCTAssertEqual(folded.state, try fresh(full))
        // The same log without the retracted events (the retractions themselves stay: they are folded too) has the
        // same counts by type; its positions, and so its digest of ids by position, differ.
        let withoutTargets = ProjectionSlot<Digest>()
        try ProjectionEngine(store: try store(events.filter { !retracted.contains($0.id) })).rebuild([withoutTargets])
        XCTAssertEqual(folded.state.counts, withoutTargets.state.counts)
        for cut in [events.count / 3, events.count / 2, events.count - 2] {
            let asOf = ProjectionSlot<Digest>()
            try split.fold([asOf], asOf: .position(UInt64(cut)))
            XCTAssertEqual(asOf.state, try fresh(full, .position(UInt64(cut))), "as of \(cut)")
        }
    }

    /// The fold's hints: every applied event's stream is announced (`prefetch(stream:)`) before the event is
    /// applied and at most `prefetchDistance` events ahead, retracted events are not announced, and a fold of at
    /// least `reserveCapacityFrom` events tells its length first (a shorter one does not).
    func testEveryEventIsAnnouncedBeforeItIsAppliedAndLongFoldsAreSized() throws {
        let events = try makeEvents(seed: 5)
        let full = try store(events)
        var engine = ProjectionEngine(store: full)
        engine.reserveCapacityFrom = 100
        let slot = ProjectionSlot<HintRecorder>()
        try engine.rebuild([slot])
        let applied = slot.state.applied
        XCTAssertEqual(applied.count, try fresh(full).counts.values.reduce(0, +), "every event kept is applied")
        XCTAssertEqual(slot.state.announced, applied, "announced in order, each once, none of the retracted")
        XCTAssertTrue(slot.state.announcedBeforeApply)
        XCTAssertLessThanOrEqual(slot.state.mostAhead, ProjectionEngine.prefetchDistance)
        XCTAssertEqual(slot.state.reserved, [events.count])

        // A catch-up shorter than the threshold is not sized; one at least as long is, by its own length. (Without
        // the retractions: a late retraction of an early event makes a catch-up fold from zero again.)
        let plain = events.filter { if case .eventRetracted = $0.data { false } else { true } }
        let growing = try store(plain[..<200])
        let caughtUp = ProjectionSlot<HintRecorder>()
        var small = ProjectionEngine(store: growing)
        small.reserveCapacityFrom = 150
        try small.catchUp([caughtUp])
        XCTAssertEqual(caughtUp.state.reserved, [200])
        try append(plain[200..<300], to: growing)
        try small.catchUp([caughtUp])
        XCTAssertEqual(caughtUp.state.reserved, [200], "100 more events: below the threshold")
        try append(plain[300...], to: growing)
        small.reserveCapacityFrom = UInt64(plain.count - 300)
        try small.catchUp([caughtUp])
        XCTAssertEqual(caughtUp.state.reserved, [200, plain.count - 300])
    }

    func testAsOfAtRandomCutsEqualsAFreshFoldOfThePrefix() throws {
        let events = try makeEvents(seed: 3)
        let full = try store(events)
        let directory = try temporaryDirectory()
        let engine = ProjectionEngine(store: full, snapshots: SnapshotDirectory(path: directory), snapshotInterval: 25)
        try engine.rebuild([ProjectionSlot<Digest>()])
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<25 {
            let cut = generator.next() % UInt64(events.count)
            let slot = ProjectionSlot<Digest>()
            try engine.fold([slot], asOf: .position(cut))
            XCTAssertEqual(slot.state, try fresh(try store(events[0...Int(cut)])), "as of \(cut)")
            XCTAssertEqual(slot.point.lastPosition, cut)
        }
        // By time: the clock ticks once per append, so instant i is position i.
        let slot = ProjectionSlot<Digest>()
        try engine.fold([slot], asOf: .recordedAt(100))
        XCTAssertEqual(slot.point.lastPosition, 100)
        XCTAssertEqual(slot.state, try fresh(try store(events[0...100])))
    }

    func testARetractionAfterTheCheckpointOfAnEarlierEventRebuilds() throws {
        let events = try makeEvents(seed: 9).filter { $0.type != .eventRetracted }
        let directory = try temporaryDirectory()
        let growing = try store(events)
        let engine = ProjectionEngine(store: growing, snapshots: SnapshotDirectory(path: directory))
        try engine.catchUp([ProjectionSlot<Digest>()])
        let target = events[3]
        _ = try growing.append([RecordDraft(
            id: EventID(high: 1, low: 2).bytes, stream: "retractions",
            payload: EventCodec.encode(Event(id: EventID(high: 1, low: 2), occurredAt: target.occurredAt, region: "58",
                                             municipality: "penza",
                                             data: .eventRetracted(EventRetracted(eventId: target.id, reason: "x")))))])
        let slot = ProjectionSlot<Digest>()
        let report = try engine.catchUp([slot])
        XCTAssertEqual(report.restarted, [Digest.name])
        XCTAssertEqual(slot.state, try fresh(growing))
        XCTAssertEqual(slot.point.skipped.map(\.target), [target.id])
    }

    /// A checkpoint torn or damaged (snapshots are not fsynced: a crash can leave either) fails its CRC-32C or its
    /// lengths and is not used: the fold starts from an older snapshot or from zero and gives the same state.
    func testADamagedOrTornCheckpointIsNotUsed() throws {
        let events = try makeEvents(seed: 3)
        let store = try store(events)
        let expected = try fresh(store)
        let directory = try temporaryDirectory()
        let snapshots = SnapshotDirectory(path: directory)
        let path = snapshots.checkpointPath(Digest.name, version: Digest.version)
        try ProjectionEngine(store: store, snapshots: snapshots, snapshotInterval: 1_000_000).catchUp([ProjectionSlot<Digest>()])
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var generator = SeededGenerator(seed: 5)
        for trial in 0..<40 {
            var damaged = original
            if trial % 2 == 0 {
                // A flipped bit past the magic.
                let offset = 8 + Int(generator.next() % UInt64(damaged.count - 8))
                damaged[offset] ^= 1 << UInt8(generator.next() % 8)
            } else {
                damaged = damaged.prefix(Int(generator.next() % UInt64(damaged.count)))
            }
            try damaged.write(to: URL(fileURLWithPath: path))
            let slot = ProjectionSlot<Digest>()
            let report = try ProjectionEngine(store: store, snapshots: snapshots, snapshotInterval: 1_000_000)
                .catchUp([slot], save: false)
            XCTAssertEqual(slot.state, expected, "trial \(trial)")
            XCTAssertEqual(report.records, UInt64(events.count), "trial \(trial): folded from zero")
        }
        try original.write(to: URL(fileURLWithPath: path))
        let slot = ProjectionSlot<Digest>()
        let report = try ProjectionEngine(store: store, snapshots: snapshots).catchUp([slot], save: false)
        XCTAssertEqual(report.records, 0, "the sound checkpoint is used")
        XCTAssertEqual(slot.state, expected)
    }

    func testAVersionChangeNeverReadsTheOldSnapshot() throws {
        let directory = try temporaryDirectory()
        let snapshots = SnapshotDirectory(path: directory)
        try snapshots.write(path: snapshots.checkpointPath("digest", version: 0), name: "digest", version: 0,
                            point: .zero, body: [])
        XCTAssertNil(snapshots.readPoint(path: snapshots.checkpointPath("digest", version: 0), name: "digest", version: 1))
        let events = try makeEvents(seed: 1)
        let store = try store(events)
        try ProjectionEngine(store: store, snapshots: snapshots).rebuild([ProjectionSlot<Digest>()])
        XCTAssertFalse(FileManager.default.fileExists(atPath: snapshots.checkpointPath("digest", version: 0)))
    }

    func testLiveTailFollowsAppends() async throws {
        let events = try makeEvents(seed: 2)
        let store = try store(events.prefix(100))
        let live = LiveProjections(engine: ProjectionEngine(store: store), targets: [ProjectionSlot<Digest>()],
                                   clock: ContinuousClock(), every: .milliseconds(2))
        let task = Task { try await live.follow() }
        for event in events.dropFirst(100) {
            _ = try store.append([RecordDraft(id: event.id.bytes, stream: event.stream, payload: EventCodec.encode(event))])
        }
        let end = UInt64(events.count)
        for _ in 0..<2000 where await live.position < end { try await Task.sleep(for: .milliseconds(2)) }
        let reached = await live.position
        XCTAssertEqual(reached, end)
        task.cancel()
        try await task.value
        let state = await live.read { ($0[0] as! ProjectionSlot<Digest>).state.hash }
        XCTAssertEqual(state, try fresh(store).hash)
    }
}

/// SplitMix64: a seeded, reproducible generator.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = -1
    func tick() -> Int64 { lock.withLock { value += 1; return value } }
}

final class InternerTests: XCTestCase {
    func testShortLongAndEmptyKeysGetStableIds() throws {
        var interner = Interner()
        // Long keys sharing their first 16 bytes differ only in the tail kept in the arena.
        let keys = ["", "p-1", "person-p-0000001", "person-p-0000001-a", "person-p-0000001-b", "org-sch-0001",
                    "многобайтовый-ключ-длиннее-шестнадцати"] + (0..<5000).map { "person-p-\($0)" }
        let ids = keys.map { interner.intern($0) }
        XCTAssertEqual(ids, (0..<Int32(keys.count)).map { $0 })
        XCTAssertEqual(keys.map { interner.intern($0) }, ids)
        XCTAssertEqual(keys.map { interner.id(of: $0) }, ids)
        XCTAssertNil(interner.id(of: "person-p-0000001-c"))
        XCTAssertEqual(interner.intern("person-", "p-0000001"), 2)
        "p-0000001-b".utf8CString.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw.dropLast())
            XCTAssertEqual(interner.intern("person-", utf8: bytes), 4)
        }
        XCTAssertEqual(interner.strings, keys)

        var writer = SnapshotWriter()
        writer.interner(interner)
        var reader = SnapshotReader(bytes: writer.bytes)
        let loaded = try reader.interner()
        XCTAssertEqual(loaded.strings, keys)
        XCTAssertEqual(keys.map { loaded.id(of: $0) }, ids)
    }

    /// Keys of every length 0…40, and for each a copy differing in one byte at every position: all distinct ids
    /// (the inline 16-byte prefix, the length and the arena tail all take part in a match).
    func testKeysDifferingInAnyOneByteAreDistinct() {
        var interner = Interner()
        var keys: [[UInt8]] = []
        for length in 0...40 {
            let base = (0..<length).map { UInt8(truncatingIfNeeded: 65 + ($0 * 7 + length) % 26) }
            keys.append(base)
            for position in 0..<length {
                var changed = base
                changed[position] ^= 0x20
                keys.append(changed)
            }
        }
        let ids = keys.map { key in key.withUnsafeBytes { interner.intern(utf8: $0) } }
        XCTAssertEqual(Set(ids).count, Set(keys).count)
        XCTAssertEqual(keys.map { key in key.withUnsafeBytes { interner.intern(utf8: $0) } }, ids)
        for (key, id) in zip(keys, ids) { XCTAssertEqual(Array(interner[id].utf8), key) }
    }

    func testASnapshotHoldingAStringTwiceIsRefused() {
        var writer = SnapshotWriter()
        writer.raw(Array("abab".utf8))
        writer.array([Int32(2), 4])
        var reader = SnapshotReader(bytes: writer.bytes)
        XCTAssertThrowsError(try reader.interner())
    }
}

final class SnapshotWriterTests: XCTestCase {
    /// Large arrays are kept by reference, small values copied; the body reads back the same either way, through
    /// the file (header, parts, CRC-32C) too.
    func testKeptArraysAndCopiedValuesReadBackInOrder() throws {
        let large = (0..<200_000).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var writer = SnapshotWriter()
        writer.int(42)
        writer.array(large)
        writer.string("между")
        writer.raw(bytes)
        writer.array([Int32(1), 2, 3])
        XCTAssertEqual(writer.count, 8 + 8 + large.count * 8 + 8 + "между".utf8.count + 8 + bytes.count + 8 + 12)
        XCTAssertEqual(writer.bytes.count, writer.count)

        func check(_ reader: inout SnapshotReader) throws {
            XCTAssertEqual(try reader.int(), 42)
            XCTAssertEqual(try reader.array(of: UInt64.self), large)
            XCTAssertEqual(try reader.string(), "между")
            XCTAssertEqual(try reader.raw(), bytes)
            XCTAssertEqual(try reader.array(of: Int32.self), [1, 2, 3])
            XCTAssertTrue(reader.isAtEnd)
        }
        var reader = SnapshotReader(bytes: writer.bytes)
        try check(&reader)

        let directory = NSTemporaryDirectory() + "orientir-snapshot-writer-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let snapshots = SnapshotDirectory(path: directory)
        let path = snapshots.checkpointPath("big", version: 1)
        var point = FoldPoint.zero
        point.next = 9
        point.lastRecordedAt = 7
        point.horizon = 9
        let link = SnapshotLink()
        try snapshots.write(path: path, name: "big", version: 1, point: point, body: writer, link: link)
        var (loaded, fileReader) = try snapshots.read(path: path, name: "big", version: 1)
        XCTAssertEqual(loaded, point)
        try check(&fileReader)
        // The plain-bytes form writes the same file.
        try snapshots.write(path: path + "2", name: "big", version: 1, point: point, body: writer.bytes, link: link)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path + "2")), try Data(contentsOf: URL(fileURLWithPath: path)))
        (loaded, fileReader) = try snapshots.read(path: path + "2", name: "big", version: 1)
        try check(&fileReader)
    }
}

/// A projection with growing arrays for the delta-snapshot tests: every event's id low bits (grows every event),
/// the streams interned (grows now and then), organisation registrations (grow rarely: often not at all between two
/// snapshots), a count per type changed in place (written whole), and, like the footprint index, positions kept
/// pending (a growing array) until `prepareForReads()` moves them into a merged list (written whole).
struct Trail: Projection, Equatable {
    static let name = "trail"
    static let version = 1
    var ids: [UInt64] = []
    var streams = Interner()
    var registrations: [UInt64] = []
    var perType = [Int](repeating: 0, count: EventType.allCases.count)
    var pending: [UInt64] = []
    var merged: [UInt64] = []

    init() {}

    static func == (a: Trail, b: Trail) -> Bool {
        a.ids == b.ids && a.streams.strings == b.streams.strings && a.registrations == b.registrations
            && a.perType == b.perType && (a.merged + a.pending).sorted() == (b.merged + b.pending).sorted()
    }

    mutating func apply(_ logged: LoggedEvent) {
        ids.append(logged.id.low)
        _ = streams.intern(utf8: logged.stream)
        if logged.event.type == .organisationRegistered { registrations.append(logged.position) }
        perType[EventType.allCases.firstIndex(of: logged.event.type)!] += 1
        pending.append(logged.position)
    }

    mutating func prepareForReads() {
        merged = (merged + pending).sorted(by: >)
        pending = []
    }

    func writeSnapshot(to writer: inout SnapshotWriter) {
        writer.growing(ids)
        writer.interner(streams)
        writer.growing(registrations)
        writer.array(perType)
        writer.growing(pending)
        writer.array(merged)
    }

    init(snapshot reader: inout SnapshotReader) throws(ProjectionError) {
        ids = try reader.growing()
        streams = try reader.interner()
        registrations = try reader.growing()
        perType = try reader.array()
        pending = try reader.growing()
        merged = try reader.array()
    }
}

final class DeltaSnapshotTests: XCTestCase {
    /// A synthetic region without retractions (a retraction late in the log makes the snapshots before it not
    /// hold for cuts before it, which these tests do not look at).
    func events(seed: UInt64) throws -> [Event] {
        try regionEvents(seed: seed).filter { $0.type != .eventRetracted }
    }

    func store(_ events: some Sequence<Event>) throws -> InMemoryStore { try makeStore(events) }

    func fresh(_ events: ArraySlice<Event>) throws -> Trail {
        let slot = ProjectionSlot<Trail>()
        try ProjectionEngine(store: try store(events)).fold([slot], asOf: .head)
        return slot.state
    }

    func directory() throws -> String {
        let path = NSTemporaryDirectory() + "orientir-delta-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func files(_ directory: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            sizes[name] = (try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as! NSNumber).intValue
        }
        return sizes
    }

    /// After the first, each periodic snapshot of a rebuild holds only what grew since the one before, and an
    /// as-of fold starts from the nearest one (it reads only the records after it) and equals a fresh fold of the
    /// prefix, through chains of up to a dozen deltas with arrays that did not grow in some of them.
    func testPeriodicSnapshotsAreDeltasAndAsOfStartsFromTheNearest() throws {
        let events = try events(seed: 21)
        XCTAssertGreaterThan(events.count, 300)
        let store = try store(events)
        let path = try directory()
        let engine = ProjectionEngine(store: store, snapshots: SnapshotDirectory(path: path), snapshotInterval: 25)
        try engine.rebuild([ProjectionSlot<Trail>()])
        let sizes = try files(path)
        let first = sizes[URL(fileURLWithPath: SnapshotDirectory(path: path).periodicPath("trail", version: 1, next: 25)).lastPathComponent]!
        let last = (events.count - 1) / 25 * 25
        let newest = sizes[URL(fileURLWithPath: SnapshotDirectory(path: path).periodicPath("trail", version: 1, next: UInt64(last))).lastPathComponent]!
        // A whole snapshot at `last` would hold `last` ids; the delta holds 25 of them and the streams since.
        XCTAssertLessThan(newest, first + 25 * 8 * 2, "\(sizes)")
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<30 {
            let cut = Int(generator.next() % UInt64(events.count))
            let slot = ProjectionSlot<Trail>()
            let report = try engine.fold([slot], asOf: .position(UInt64(cut)))
            XCTAssertEqual(slot.state, try fresh(events[0...cut]), "as of \(cut)")
            XCTAssertEqual(report.records, UInt64((cut + 1) % 25), "as of \(cut): folded from the nearest snapshot")
        }
    }

    /// The checkpoint after a periodic snapshot is a delta on it; a state that goes on folding (a live tail: its
    /// pending list emptied at the end of each fold and grown back) starts a new chain in each fold, so every
    /// snapshot it leaves reads back as a fresh fold, and a new process loads the checkpoint without refolding.
    func testCheckpointsAfterPeriodicSnapshotsAndLiveFoldsReadBackAsFreshFolds() throws {
        let events = try events(seed: 23)
        let path = try directory()
        let snapshots = SnapshotDirectory(path: path)
        let growing = try store([])
        let live = ProjectionSlot<Trail>()
        var generator = SeededGenerator(seed: 4)
        var appended = 0
        while appended < events.count {
            let chunk = 1 + Int(generator.next() % 90)
            try append(events[appended..<min(events.count, appended + chunk)], to: growing)
            appended = min(events.count, appended + chunk)
            let engine = ProjectionEngine(store: growing, snapshots: snapshots, snapshotInterval: 20)
            try engine.catchUp([live])
            let expected = try fresh(events[0..<appended])
            XCTAssertEqual(live.state, expected, "live after \(appended)")
            let loaded = ProjectionSlot<Trail>()
            let report = try engine.catchUp([loaded], save: false)
            XCTAssertEqual(loaded.state, expected, "loaded after \(appended)")
            XCTAssertEqual(report.records, 0, "the checkpoint after \(appended) loads without a fold")
            let cut = generator.next() % UInt64(appended)
            let asOf = ProjectionSlot<Trail>()
            try engine.fold([asOf], asOf: .position(cut))
            XCTAssertEqual(asOf.state, try fresh(events[0...Int(cut)]), "as of \(cut) after \(appended)")
        }
        let rebuilt = ProjectionSlot<Trail>()
        try ProjectionEngine(store: growing, snapshots: snapshots, snapshotInterval: 20).rebuild([rebuilt])
        let loaded = ProjectionSlot<Trail>()
        let report = try ProjectionEngine(store: growing, snapshots: snapshots).catchUp([loaded], save: false)
        XCTAssertEqual(report.records, 0)
        XCTAssertEqual(loaded.state, try fresh(events[...]))
    }

    /// A delta whose base is gone, or was replaced by another fold's snapshot (another nonce), is not used: the
    /// fold starts from an older snapshot that holds, or from zero, and gives the same state.
    func testADeltaWithoutItsBaseIsNotUsed() throws {
        let events = try events(seed: 22)
        let store = try store(events)
        let path = try directory()
        let snapshots = SnapshotDirectory(path: path)
        let engine = ProjectionEngine(store: store, snapshots: snapshots, snapshotInterval: 25)
        try engine.rebuild([ProjectionSlot<Trail>()])
        let earlier = try Data(contentsOf: URL(fileURLWithPath: snapshots.periodicPath("trail", version: 1, next: 100)))
        try engine.rebuild([ProjectionSlot<Trail>()])

        // The base at 100 from the earlier rebuild: same position and content, another nonce.
        try earlier.write(to: URL(fileURLWithPath: snapshots.periodicPath("trail", version: 1, next: 100)))
        var slot = ProjectionSlot<Trail>()
        var report = try engine.fold([slot], asOf: .position(140))
        XCTAssertEqual(slot.state, try fresh(events[0...140]))
        XCTAssertEqual(report.records, 141 - 75, "125 extends 100, and the old 100 extends another 75: from 75")

        try FileManager.default.removeItem(atPath: snapshots.periodicPath("trail", version: 1, next: 50))
        slot = ProjectionSlot<Trail>()
        report = try engine.fold([slot], asOf: .position(90))
        XCTAssertEqual(slot.state, try fresh(events[0...90]))
        XCTAssertEqual(report.records, 91 - 25, "75 needs 50, which is gone: from 25")
    }

    /// Growing arrays through the file: a whole snapshot and two deltas on it read back as the arrays written,
    /// including one that did not grow in the middle and one shorter than its base count (written whole).
    func testGrowingArraysReadBackThroughAChainOfDeltas() throws {
        let path = try directory()
        let snapshots = SnapshotDirectory(path: path)
        let large = (0..<100_000).map { UInt64($0) &* 31 }
        var point = FoldPoint.zero
        var counts: [Int] = []
        var nonce: UInt64 = 0
        let states: [([UInt64], [Int32], [UInt8])] = [
            (Array(large.prefix(70_000)), [1, 2], [9, 9, 9]),
            (Array(large.prefix(90_000)), [1, 2], [9]),
            (large, [1, 2, 3], [9, 8, 7, 6]),
        ]
        for (step, state) in states.enumerated() {
            var writer = step == 0 ? SnapshotWriter() : SnapshotWriter(extending: counts)
            writer.growing(state.0)
            writer.int(step)
            writer.growing(state.1)
            writer.growing(state.2)
            point.next = UInt64(10 * (step + 1))
            var link = SnapshotLink()
            if step > 0 { link.base = (point.next - 10, nonce) }
            try snapshots.write(path: snapshots.periodicPath("g", version: 1, next: point.next), name: "g", version: 1,
                                point: point, body: writer, link: link)
            counts = writer.growth.map(\.count)
            nonce = link.nonce
            XCTAssertEqual(writer.growth.map(\.base), step == 0 ? [0, 0, 0] : step == 1 ? [70_000, 2, 0] : [90_000, 2, 1])
        }
        XCTAssertLessThan(try files(path)[URL(fileURLWithPath: snapshots.periodicPath("g", version: 1, next: 30)).lastPathComponent]!, 20_000 * 8 + 1_000)
        for (step, state) in states.enumerated() {
            var (_, reader) = try snapshots.read(path: snapshots.periodicPath("g", version: 1, next: UInt64(10 * (step + 1))),
                                                 name: "g", version: 1)
            XCTAssertEqual(try reader.growing(of: UInt64.self), state.0)
            XCTAssertEqual(try reader.int(), step)
            XCTAssertEqual(try reader.growing(of: Int32.self), state.1)
            XCTAssertEqual(try reader.growing(of: UInt8.self), state.2)
            XCTAssertTrue(reader.isAtEnd)
        }
    }

    /// A growth table with impossible numbers (an offset or a count near `Int.max`), in a file whose CRC-32C is
    /// right, is refused with an error, never a trap or a read out of bounds: in the delta itself and in its base.
    func testAGrowthTableWithImpossibleNumbersIsRefused() throws {
        let path = try directory()
        let snapshots = SnapshotDirectory(path: path)
        var counts: [Int] = []
        var nonce: UInt64 = 0
        for step in 0..<2 {
            var writer = step == 0 ? SnapshotWriter() : SnapshotWriter(extending: counts)
            writer.growing((0..<(1_000 * (step + 1))).map { UInt64($0) })
            var point = FoldPoint.zero
            point.next = UInt64(10 * (step + 1))
            var link = SnapshotLink()
            if step > 0 { link.base = (10, nonce) }
            try snapshots.write(path: snapshots.periodicPath("h", version: 1, next: point.next), name: "h", version: 1,
                                point: point, body: writer, link: link)
            counts = writer.growth.map(\.count)
            nonce = link.nonce
        }
        for (file, field, value) in [(10, 0, Int.max - 3), (10, 2, Int.max), (20, 0, Int.max - 3), (20, 2, Int.max),
                                     (10, 1, -1)] {
            let target = snapshots.periodicPath("h", version: 1, next: UInt64(file))
            let original = try Data(contentsOf: URL(fileURLWithPath: target))
            var bytes = [UInt8](original)
            let headerLength = bytes.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 8, as: Int64.self)) }
            // The table's one entry (offset, base, count) ends the header.
            let at = 16 + headerLength - 24 + 8 * field
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes.replaceSubrange(at..<at + 8, with: $0) }
            let crc = bytes.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[16..<$0.count - 4])) }
            withUnsafeBytes(of: crc.littleEndian) { bytes.replaceSubrange(bytes.count - 4..<bytes.count, with: $0) }
            try Data(bytes).write(to: URL(fileURLWithPath: target))
            XCTAssertThrowsError(try {
                var (_, reader) = try snapshots.read(path: snapshots.periodicPath("h", version: 1, next: 20), name: "h",
                                                     version: 1)
                _ = try reader.growing(of: UInt64.self)
            }(), "file \(file), field \(field) = \(value)")
            try original.write(to: URL(fileURLWithPath: target))
        }
        var (_, reader) = try snapshots.read(path: snapshots.periodicPath("h", version: 1, next: 20), name: "h", version: 1)
        XCTAssertEqual(try reader.growing(of: UInt64.self), (0..<2_000).map { UInt64($0) })
    }
}
