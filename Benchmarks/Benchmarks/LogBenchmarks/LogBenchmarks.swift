import Benchmark
import Foundation
import OrientirLog

// Benchmarks of OrientirLog's FileLog: append in each durability mode, group commit under concurrent
// appenders, and a full sequential read. See ../../README.md for how to run them and what they measure.
//
// Each benchmark reports its headline rate as custom metrics (records/s, MB/s) computed over the measured
// region only; setup (building drafts, creating and filling stores) is outside it. Stores live under
// /tmp/orientir-bench-<pid>/ and are removed in teardown.

/// Custom metrics; none of them is scaled by `scalingFactor`.
enum Metric {
    static let recordsPerSecond = BenchmarkMetric.custom("records/s", polarity: .prefersLarger, useScalingFactor: false)
    static let payloadMBPerSecond = BenchmarkMetric.custom(
        "payload MB/s (uncompressed)", polarity: .prefersLarger, useScalingFactor: false)
    static let batchMBPerSecond = BenchmarkMetric.custom(
        "batch bytes MB/s (uncompressed)", polarity: .prefersLarger, useScalingFactor: false)
    static let appendLatency = BenchmarkMetric.custom(
        "append latency (us)", polarity: .prefersSmaller, useScalingFactor: false)
    static let storedBytesPerRecord = BenchmarkMetric.custom(
        "stored bytes/record", polarity: .prefersSmaller, useScalingFactor: false)
    static let compressionRatio = BenchmarkMetric.custom(
        "compression ratio x100", polarity: .prefersLarger, useScalingFactor: false)
    static let recordsPerFsync = BenchmarkMetric.custom(
        "records per batch x100", polarity: .prefersLarger, useScalingFactor: false)
}

/// How big the runs are; override with environment variables for quick runs.
enum Size {
    static func env(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    /// Records per bulk append run and in the read store.
    static let records = env("ORIENTIR_BENCH_RECORDS", 1_000_000)
    /// Records per `append` call in the bulk append benchmarks.
    static let appendBatch = 1_000
    /// Single fsynced appends measured by LogAppend.always.
    static let alwaysAppends = env("ORIENTIR_BENCH_ALWAYS", 3_000)
    /// Records per appender per iteration of GroupCommit.N (total = N × this, at least `groupMinimum`).
    static let groupMinimum = env("ORIENTIR_BENCH_GROUP", 6_000)
}

let memoryMetrics: [BenchmarkMetric] = [
    .peakMemoryResident, .peakMemoryResidentDelta, .mallocCountTotal, .mallocBytesCount, .memoryLeakedBytes,
]

/// Records what a finished store looks like on disk.
func reportStore(_ benchmark: Benchmark, _ log: FileLog) throws {
    let report = try log.stats()
    guard report.records > 0 else { return }
    benchmark.measurement(Metric.storedBytesPerRecord, report.storedBytes / Int(report.records))
    benchmark.measurement(Metric.compressionRatio, Int((report.compressionRatio * 100).rounded()))
    benchmark.measurement(
        Metric.recordsPerFsync, Int(report.records) * 100 / max(report.batches, 1))
}

func rate(_ count: Int, _ nanos: UInt64) -> Int { Int((Double(count) * 1e9 / Double(max(nanos, 1))).rounded()) }

// MARK: LogAppend.none / .batch / bulk

/// Appends `Size.records` pre-built records in calls of 1,000 to a fresh store per iteration; the measured
/// region runs from the first append to the end of `close()` (which syncs in `.none` mode).
func bulkAppendBenchmark(_ name: String, durability: Durability, bulkImport: Bool = false) {
    let box = Holder<[[RecordDraft]]>()
    Benchmark(
        name,
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .writeSyscalls, .writeBytesLogical] + memoryMetrics
                + [Metric.recordsPerSecond, Metric.payloadMBPerSecond, Metric.storedBytesPerRecord,
                   Metric.compressionRatio],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(40), maxIterations: 6)
    ) { benchmark throws in
        let batches = box.value!
        let dir = try Scratch.newStore(name)
        defer { Scratch.remove(dir) }
        let log = try FileLog(directory: dir, options: .init(durability: durability))
        let records = batches.reduce(0) { $0 + $1.count }
        let start = nowNanos()
        benchmark.startMeasurement()
        if bulkImport {
            try log.withBulkImport { bulk in
                for batch in batches { _ = try bulk.append(batch) }
            }
        } else {
            for batch in batches { _ = try log.append(batch) }
        }
        try log.close()
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        benchmark.measurement(Metric.recordsPerSecond, rate(records, elapsed))
        benchmark.measurement(Metric.payloadMBPerSecond, rate(records * Workload.payloadLength, elapsed) / 1_000_000)
        let reader = try FileLog(directory: dir, options: .reading)
        try reportStore(benchmark, reader)
        try reader.close()
    } setup: {
        box.value = Workload.batches(Size.records, of: Size.appendBatch, seed: 1)
    } teardown: {
        box.value = nil
        Scratch.removeAll()
    }
}

final class Holder<T>: @unchecked Sendable {
    var value: T?
}

// MARK: LogAppend.always

final class SingleAppendState: @unchecked Sendable {
    let dir: String
    let log: FileLog
    let drafts: [RecordDraft]
    var next = 0

    init(durability: Durability, count: Int) throws {
        dir = try Scratch.newStore("single-\(durability)")
        log = try FileLog(directory: dir, options: .init(durability: durability))
        drafts = Workload.drafts(count, seed: 2)
    }
}

/// One record per iteration, each appended with `.always` (written and fsynced before `append` returns):
/// the iteration's wall clock is the append's latency.
func alwaysBenchmark() {
    let box = Holder<SingleAppendState>()
    let warmup = 20
    Benchmark(
        "LogAppend.always",
        configuration: .init(
            metrics: [.wallClock, .throughput, .cpuTotal] + memoryMetrics,
            timeUnits: .microseconds, warmupIterations: warmup, scalingFactor: .one,
            maxDuration: .seconds(30), maxIterations: Size.alwaysAppends)
    ) { benchmark throws in
        let state = box.value!
        let draft = state.drafts[state.next]
        state.next += 1
        benchmark.startMeasurement()
        _ = try state.log.append([draft])
        benchmark.stopMeasurement()
    } setup: {
        box.value = try SingleAppendState(durability: .always, count: Size.alwaysAppends + warmup + 10)
    } teardown: {
        if let state = box.value {
            try state.log.close()
            Scratch.remove(state.dir)
        }
        box.value = nil
        Scratch.removeAll()
    }
}

// MARK: GroupCommit.N

/// Per-thread latency samples (each thread writes only its own).
final class LatencySink: @unchecked Sendable {
    var nanos: [UInt64] = []
}

final class GroupState: @unchecked Sendable {
    let dir: String
    let log: FileLog
    var seed: UInt64 = 1_000

    init() throws {
        dir = try Scratch.newStore("group")
        log = try FileLog(directory: dir, options: .init(durability: .batch))
    }

    static func tearDown(_ box: Holder<GroupState>) throws {
        if let state = box.value {
            try state.log.close()
            Scratch.remove(state.dir)
        }
        box.value = nil
        Scratch.removeAll()
    }
}

/// `appenders` threads (real OS threads, so that each really blocks in `append` at the same time) each append
/// single records in `.batch` mode; concurrent appends are group-committed (one write + one fsync per group).
/// The measured region runs from releasing the threads to the last one finishing.
func groupCommitBenchmark(appenders: Int) {
    let box = Holder<GroupState>()
    let perThread = max(Size.groupMinimum / appenders, 100)
    Benchmark(
        "GroupCommit.\(appenders)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .threads, .writeSyscalls] + memoryMetrics
                + [Metric.recordsPerSecond, Metric.appendLatency, Metric.recordsPerFsync],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(30), maxIterations: 8)
    ) { benchmark throws in
        let state = box.value!
        let log = state.log
        var work: [[RecordDraft]] = []
        for _ in 0..<appenders {
            state.seed += 1
            work.append(Workload.drafts(perThread, seed: state.seed))
        }
        let sinks = (0..<appenders).map { _ in LatencySink() }
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let failures = Holder<String>()
        let failureLock = NSLock()
        let batchesBefore = try log.stats().batches
        for t in 0..<appenders {
            let drafts = work[t]
            let sink = sinks[t]
            sink.nanos.reserveCapacity(drafts.count)
            done.enter()
            let thread = Thread {
                ready.signal()
                go.wait()
                for draft in drafts {
                    let t0 = nowNanos()
                    do {
                        _ = try log.append([draft])
                    } catch {
                        failureLock.withLock { failures.value = "\(error)" }
                        break
                    }
                    sink.nanos.append(nowNanos() - t0)
                }
                done.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<appenders { ready.wait() }
        let start = nowNanos()
        benchmark.startMeasurement()
        for _ in 0..<appenders { go.signal() }
        done.wait()
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        if let failure = failures.value { throw BenchError(failure) }
        try recordGroupCommit(
            benchmark, log: log, records: appenders * perThread, nanos: elapsed, latencies: sinks.map(\.nanos),
            batchesBefore: batchesBefore)
    } setup: {
        box.value = try GroupState()
    } teardown: {
        try GroupState.tearDown(box)
    }
}

/// The group-commit metrics of one iteration: the rate, every append's latency, and records per written batch
/// (= per fsync).
func recordGroupCommit(
    _ benchmark: Benchmark, log: FileLog, records: Int, nanos: UInt64, latencies: [[UInt64]], batchesBefore: Int
) throws {
    benchmark.measurement(Metric.recordsPerSecond, rate(records, nanos))
    for part in latencies {
        for n in part { benchmark.measurement(Metric.appendLatency, Int(n / 1_000)) }
    }
    let batches = try log.stats().batches - batchesBefore
    benchmark.measurement(Metric.recordsPerFsync, records * 100 / max(batches, 1))
}

/// The same with `appenders` tasks using the log's async `append` (as a server's request handlers would): the
/// tasks suspend instead of blocking threads, and the log's committer thread writes and syncs each group.
func groupCommitTasksBenchmark(appenders: Int) {
    let box = Holder<GroupState>()
    let perTask = max(Size.groupMinimum / appenders, 100)
    Benchmark(
        "GroupCommit.tasks.\(appenders)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .threads, .writeSyscalls] + memoryMetrics
                + [Metric.recordsPerSecond, Metric.appendLatency, Metric.recordsPerFsync],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(30), maxIterations: 8)
    ) { benchmark async throws in
        let state = box.value!
        let log = state.log
        var work: [[RecordDraft]] = []
        for _ in 0..<appenders {
            state.seed += 1
            work.append(Workload.drafts(perTask, seed: state.seed))
        }
        let batchesBefore = try log.stats().batches
        let start = nowNanos()
        benchmark.startMeasurement()
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for drafts in work {
                group.addTask {
                    var nanos: [UInt64] = []
                    nanos.reserveCapacity(drafts.count)
                    for draft in drafts {
                        let t0 = nowNanos()
                        _ = try await log.append([draft])
                        nanos.append(nowNanos() - t0)
                    }
                    return nanos
                }
            }
            var all: [[UInt64]] = []
            for try await part in group { all.append(part) }
            return all
        }
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        try recordGroupCommit(
            benchmark, log: log, records: appenders * perTask, nanos: elapsed, latencies: latencies,
            batchesBefore: batchesBefore)
    } setup: {
        box.value = try GroupState()
    } teardown: {
        try GroupState.tearDown(box)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: LogRead.full

final class ReadState: @unchecked Sendable {
    let dir: String
    let reader: FileLog
    let uncompressedBytes: Int

    init(records: Int) throws {
        dir = try Scratch.newStore("read")
        let writer = try FileLog(directory: dir, options: .init(durability: .none))
        let batches = Workload.batches(records, of: Size.appendBatch, seed: 3)
        try writer.withBulkImport { bulk in
            for batch in batches { _ = try bulk.append(batch) }
        }
        try writer.close()
        reader = try FileLog(directory: dir, options: .reading)
        uncompressedBytes = try reader.stats().uncompressedBytes
    }
}

/// A full sequential read (`read(.all)`) of a store of `Size.records` records written in setup: every batch's
/// CRC-32C is checked and its payload LZ4-decompressed, every record is decoded and handed to the closure,
/// which touches its payload. The store's files are in the page cache (warm read).
func readBenchmark() {
    let box = Holder<ReadState>()
    Benchmark(
        "LogRead.full",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal] + memoryMetrics
                + [Metric.recordsPerSecond, Metric.payloadMBPerSecond, Metric.batchMBPerSecond,
                   Metric.compressionRatio],
            timeUnits: .milliseconds, warmupIterations: 1, scalingFactor: .one,
            maxDuration: .seconds(20), maxIterations: 20)
    ) { benchmark throws in
        let state = box.value!
        var count = 0
        var payloadBytes = 0
        var touch: UInt64 = 0
        let start = nowNanos()
        benchmark.startMeasurement()
        try state.reader.read(.all) { record in
            count += 1
            payloadBytes += record.payload.count
            touch &+= UInt64(record.payload[record.payload.count - 3]) &+ record.position
        }
        benchmark.stopMeasurement()
        let elapsed = nowNanos() - start
        blackHole(touch)
        guard count == Size.records else { throw BenchError("read \(count) records, expected \(Size.records)") }
        benchmark.measurement(Metric.recordsPerSecond, rate(count, elapsed))
        benchmark.measurement(Metric.payloadMBPerSecond, rate(payloadBytes, elapsed) / 1_000_000)
        benchmark.measurement(Metric.batchMBPerSecond, rate(state.uncompressedBytes, elapsed) / 1_000_000)
        try reportStore(benchmark, state.reader)
    } setup: {
        box.value = try ReadState(records: Size.records)
    } teardown: {
        if let state = box.value {
            try state.reader.close()
            Scratch.remove(state.dir)
        }
        box.value = nil
        Scratch.removeAll()
    }
}

let benchmarks: @Sendable () -> Void = {
    bulkAppendBenchmark("LogAppend.none", durability: .none)
    bulkAppendBenchmark("LogAppend.batch", durability: .batch)
    bulkAppendBenchmark("LogAppend.bulkImport", durability: .none, bulkImport: true)
    alwaysBenchmark()
    for n in [1, 8, 32] { groupCommitBenchmark(appenders: n) }
    for n in [1, 32] { groupCommitTasksBenchmark(appenders: n) }
    readBenchmark()
}
