import Benchmark
import Foundation
import OrientirEvents
import OrientirLog

// Shared pieces of the read-model suite: sizes, metrics, scratch stores, the synthetic region written once per
// process, and the ingest pipeline the benchmarks (and the setups of the read benchmarks) run.

enum Size {
    static func env(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
    }

    /// Students of the synthetic region (`RegionGenerator(seed: 7, students: N)`).
    static let students = env("ORIENTIR_BENCH_STUDENTS", 20_000)
    /// Records per `BulkImport.append` call and per batch, as in `orientir ingest`.
    static let chunk = 4_000
}

enum Metric {
    static let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
    static let megabytesPerSecond = BenchmarkMetric.custom("NDJSON MB/s", polarity: .prefersLarger, useScalingFactor: false)
    static let sealed = BenchmarkMetric.custom("PersonalDataRecorded sealed", polarity: .prefersLarger, useScalingFactor: false)
}

final class Holder<T>: @unchecked Sendable {
    var value: T?
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Monotonic nanoseconds.
@inline(__always)
func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func rate(_ count: Int, _ nanos: UInt64) -> Int { Int((Double(count) * 1e9 / Double(max(nanos, 1))).rounded()) }

/// SplitMix64: a seeded generator, so random picks are the same on every run.
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

/// Directories under /tmp/orientir-rm-bench-<pid>/, removed after use.
enum Scratch {
    static let root = "/tmp/orientir-rm-bench-\(getpid())"
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    /// A fresh, empty store directory.
    static func newStore(_ name: String) throws -> String {
        let n = lock.withLock {
            counter += 1
            return counter
        }
        let dir = "\(root)/\(name)-\(n)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileLog.create(at: dir)
        return dir
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// The synthetic region as an NDJSON file, written once per process (under `Scratch.root`).
enum Region {
    struct File: Sendable {
        let path: String
        let lines: Int
        let bytes: Int
    }

    nonisolated(unsafe) private static var cached: File?
    private static let lock = NSLock()

    static func file() throws -> File {
        try lock.withLock {
            if let cached, FileManager.default.fileExists(atPath: cached.path) { return cached }
            try FileManager.default.createDirectory(atPath: Scratch.root, withIntermediateDirectories: true)
            let path = "\(Scratch.root)/region-\(Size.students).ndjson"
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let handle = FileHandle(forWritingAtPath: path)
            else { throw BenchError("cannot create \(path)") }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(8 << 20)
            var lines = 0
            var bytes = 0
            RegionGenerator(seed: 7, students: Size.students).write { line in
                buffer.append(contentsOf: line.utf8)
                buffer.append(0x0A)
                lines += 1
                if buffer.count >= 4 << 20 {
                    bytes += buffer.count
                    handle.write(Data(buffer))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            bytes += buffer.count
            handle.write(Data(buffer))
            try handle.close()
            let file = File(path: path, lines: lines, bytes: bytes)
            cached = file
            return file
        }
    }
}

/// What one ingest did.
struct IngestSummary {
    var stored = 0
    var duplicates = 0
    var sealed = 0
    /// Person ids seen in `person-…` streams (collected only when asked).
    var persons: [String] = []
}

/// `orientir ingest FILE` without its second thread, progress and reject handling: every line parsed and validated
/// by `EventParser`, personal data sealed by the store's `PersonalDataVault` (`seal(_:deferSave: true)`, keys saved
/// before the import ends), encoded by `EventCodec` into drafts of chunks of 4,000, each chunk appended through
/// `FileLog.withBulkImport`; `.batch` durability, 4,000-record batches, LZ4HC level 4. The generated region has no
/// bad lines; retractions are appended without `RetractionRules`' checks (the generator's are valid).
func ingest(file: String, into directory: String, collectPersons: Bool = false) throws -> IngestSummary {
    let log = try FileLog(
        directory: directory,
        options: FileLog.Options(durability: .batch, maxBatchRecords: Size.chunk, compressionLevel: 4))
    let vault = try PersonalDataVault(directory: directory + "/keys")
    let parser = EventParser()
    var summary = IngestSummary()
    var personSet = Set<String>()
    var buffer: [UInt8] = []
    var drafts: [RecordDraft] = []
    drafts.reserveCapacity(Size.chunk)
    try log.withBulkImport { bulk in
        func flush() throws {
            guard !drafts.isEmpty else { return }
            for outcome in try bulk.append(drafts) {
                if case .duplicate = outcome { summary.duplicates += 1 } else { summary.stored += 1 }
            }
            drafts.removeAll(keepingCapacity: true)
        }
        try NDJSONReader.forEachLine(inFile: file) { lineNumber, line in
            var event = try parser.parse(line: line, lineNumber: lineNumber, file: file)
            if case .personalDataRecorded = event.data {
                event = try vault.seal(event, deferSave: true)
                summary.sealed += 1
            }
            if collectPersons, event.stream.hasPrefix("person-") { personSet.insert(String(event.stream.dropFirst(7))) }
            buffer.removeAll(keepingCapacity: true)
            EventCodec.encode(event, into: &buffer)
            var key: [UInt8] = []
            if case .sealedPersonalData(let sealed) = event.data { key = sealed.contentKey }
            drafts.append(RecordDraft(id: event.id.bytes, stream: event.stream, payload: buffer, contentKey: key))
            if drafts.count >= Size.chunk { try flush() }
        }
        try flush()
        try vault.saveIfNeeded()
    }
    try log.close()
    summary.persons = personSet.sorted()
    return summary
}
