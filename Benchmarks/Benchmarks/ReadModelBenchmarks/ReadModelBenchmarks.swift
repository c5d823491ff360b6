import Benchmark
import Foundation
import OrientirEvents
import OrientirFootprints
import OrientirIndicators
import OrientirLog
import OrientirProjections

// Benchmarks of the event pipeline above the log: NDJSON ingest, a full rebuild of the read models, indicators
// as of a past position, and a person's footprint. See ../../README.md for how to run them and what they measure.
//
// The workload is `RegionGenerator(seed: 7, students: N)` (N from ORIENTIR_BENCH_STUDENTS, default 20,000), written
// once per process as an NDJSON file under /tmp/orientir-rm-bench-<pid>/. Stores live there too and are removed in
// teardown.

let memoryMetrics: [BenchmarkMetric] = [
    .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal, .mallocBytesCount,
]

/// Every read model the CLI knows (`orientir rebuild` with no names).
func allReadModels() -> [any FoldTarget] {
    [ProjectionSlot<SubjectIndex>(), ProjectionSlot<IndicatorFacts>()]
}

/// A store holding the region, ingested in setup; `rebuilt` also folds every read model once (checkpoints and
/// periodic snapshots every 100,000 positions, as `orientir rebuild`).
final class StoreState: @unchecked Sendable {
    let dir: String
    let events: UInt64
    let persons: [String]

    init(_ name: String, rebuilt: Bool) throws {
        let file = try Region.file()
        dir = try Scratch.newStore(name)
        let summary = try ingest(file: file.path, into: dir, collectPersons: true)
        persons = summary.persons
        let engine = try Self.engine(dir)
        events = try engine.end(of: .head)
        if rebuilt { try engine.rebuild(allReadModels()) }
    }

    static func engine(_ dir: String) throws -> ProjectionEngine {
        let log = try FileLog(directory: dir, options: .reading)
        return ProjectionEngine(store: log, snapshots: SnapshotDirectory(store: dir))
    }
}

// MARK: Ingest.ndjson

/// One iteration ingests the whole region file into a fresh store (see `ingest`); measured from opening the store
/// to the end of `close()`. The file was written in setup and is in the page cache.
func ingestBenchmark() {
    let box = Holder<Region.File>()
    Benchmark(
        "Ingest.ndjson",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .writeSyscalls] + memoryMetrics
                + [Metric.eventsPerSecond, Metric.megabytesPerSecond, Metric.sealed],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(60), maxIterations: 5)
    ) { benchmark throws in
        let file = box.value!
        let dir = try Scratch.newStore("ingest")
        defer { Scratch.remove(dir) }
        let start = nowNanos()
        benchmark.startMeasurement()
        let summary = try ingest(file: file.path, into: dir)
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        guard summary.stored + summary.duplicates == file.lines else {
            throw BenchError("ingested \(summary.stored + summary.duplicates) of \(file.lines) lines")
        }
        benchmark.measurement(Metric.eventsPerSecond, rate(file.lines, elapsed))
        benchmark.measurement(Metric.megabytesPerSecond, rate(file.bytes, elapsed) / 1_000_000)
        benchmark.measurement(Metric.sealed, summary.sealed)
    } setup: {
        box.value = try Region.file()
    } teardown: {
        box.value = nil
        Scratch.removeAll()
    }
}

// MARK: ReadModels.rebuild

/// One iteration: `ProjectionEngine.rebuild` of every read model (footprints' SubjectIndex and IndicatorFacts) from
/// zero over the store built in setup, writing periodic snapshots and checkpoints as `orientir rebuild` does.
/// Measured from opening the store read-only to the end of the rebuild (snapshot writes included).
func rebuildBenchmark() {
    let box = Holder<StoreState>()
    Benchmark(
        "ReadModels.rebuild",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal] + memoryMetrics + [Metric.eventsPerSecond],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(60), maxIterations: 6)
    ) { benchmark throws in
        let state = box.value!
        let start = nowNanos()
        benchmark.startMeasurement()
        let engine = try StoreState.engine(state.dir)
        let report = try engine.rebuild(allReadModels())
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        benchmark.measurement(Metric.eventsPerSecond, rate(Int(report.records), elapsed))
    } setup: {
        box.value = try StoreState("rebuild", rebuilt: false)
    } teardown: {
        if let state = box.value { Scratch.remove(state.dir) }
        box.value = nil
        Scratch.removeAll()
    }
}

// MARK: ReadModels.asOfIndicators

final class AsOfState: @unchecked Sendable {
    let store: StoreState
    let engine: ProjectionEngine
    var random = SeededGenerator(seed: 11)

    init() throws {
        store = try StoreState("asof", rebuilt: true)
        engine = try StoreState.engine(store.dir)
    }
}

/// One iteration: `IndicatorFacts` folded as of a random position (`fold(_:asOf: .position(p))`, from the nearest
/// valid periodic snapshot, as `orientir indicators --as-of-position p`), then every indicator row computed
/// (`indicators(IndicatorQuery())`). The engine is opened once in setup. Wall clock = time per query.
func asOfIndicatorsBenchmark() {
    let box = Holder<AsOfState>()
    Benchmark(
        "ReadModels.asOfIndicators",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .throughput] + memoryMetrics,
            timeUnits: .milliseconds, warmupIterations: 2, scalingFactor: .one,
            maxDuration: .seconds(30), maxIterations: 60)
    ) { benchmark throws in
        let state = box.value!
        let position = UInt64.random(in: 0..<state.store.events, using: &state.random)
        benchmark.startMeasurement()
        let slot = ProjectionSlot<IndicatorFacts>()
        try state.engine.fold([slot], asOf: .position(position))
        let rows = slot.state.indicators(IndicatorQuery())
        benchmark.stopMeasurement()
        blackHole(rows.count)
    } setup: {
        box.value = try AsOfState()
    } teardown: {
        if let state = box.value { Scratch.remove(state.store.dir) }
        box.value = nil
        Scratch.removeAll()
    }
}

// MARK: Footprint.person

final class FootprintState: @unchecked Sendable {
    let store: StoreState
    let index: SubjectIndex
    let engine: ProjectionEngine
    var random = SeededGenerator(seed: 13)

    init() throws {
        store = try StoreState("footprint", rebuilt: true)
        engine = try StoreState.engine(store.dir)
        let slot = ProjectionSlot<SubjectIndex>()
        try engine.catchUp([slot], save: false)
        index = slot.state
        guard !store.persons.isEmpty else { throw BenchError("no persons in the region") }
    }

    func nextPerson() -> String { store.persons[Int.random(in: 0..<store.persons.count, using: &random)] }
}

/// One iteration: the footprint of a random person (seeded) from the `SubjectIndex` held in memory (caught up
/// from the checkpoint in setup): `PersonFootprint(personId:index:)` and its JSON rendered. Wall clock = latency.
func personFootprintBenchmark() {
    let box = Holder<FootprintState>()
    Benchmark(
        "Footprint.person",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .throughput] + memoryMetrics,
            timeUnits: .microseconds, warmupIterations: 20, scalingFactor: .one,
            maxDuration: .seconds(20), maxIterations: 5_000)
    ) { benchmark throws in
        let state = box.value!
        let person = state.nextPerson()
        benchmark.startMeasurement()
        let footprint = PersonFootprint(personId: person, index: state.index)
        let text = footprint.json.rendered
        benchmark.stopMeasurement()
        guard !footprint.timeline.isEmpty else { throw BenchError("no events of person \(person)") }
        blackHole(text.utf8.count)
    } setup: {
        box.value = try FootprintState()
    } teardown: {
        if let state = box.value { Scratch.remove(state.store.dir) }
        box.value = nil
        Scratch.removeAll()
    }
}

/// Extra: `orientir footprint person ID` without printing: open the store, load the footprints read model from its
/// checkpoint (`catchUp(save: false)`), build and render one random person's footprint.
func personFootprintColdBenchmark() {
    let box = Holder<FootprintState>()
    Benchmark(
        "Footprint.personFromCheckpoint",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal] + memoryMetrics,
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(30), maxIterations: 20)
    ) { benchmark throws in
        let state = box.value!
        let person = state.nextPerson()
        benchmark.startMeasurement()
        let engine = try StoreState.engine(state.store.dir)
        let slot = ProjectionSlot<SubjectIndex>()
        try engine.catchUp([slot], save: false)
        let footprint = PersonFootprint(personId: person, index: slot.state)
        let text = footprint.json.rendered
        benchmark.stopMeasurement()
        blackHole(text.utf8.count)
    } setup: {
        box.value = try FootprintState()
    } teardown: {
        if let state = box.value { Scratch.remove(state.store.dir) }
        box.value = nil
        Scratch.removeAll()
    }
}

let benchmarks: @Sendable () -> Void = {
    ingestBenchmark()
    rebuildBenchmark()
    asOfIndicatorsBenchmark()
    personFootprintBenchmark()
    personFootprintColdBenchmark()
}
