import Foundation
import XCTest
@testable import OrientirLog

/// Appends that need no sync are sealed and written by the sealer thread. The files must come out byte for
/// byte as when the appender seals them itself, and nothing the appender or a reader sees may run ahead of it.
final class SealerTests: XCTestCase {
    /// The same appends with the same clock, once through the sealer (`none`) and once sealed in place
    /// (`always`), give identical segment files, across segment rolls.
    func testSealerWritesTheSameBytesAsTheAppender() throws {
        var files: [[Data]] = []
        for durability in [Durability.none, .always] {
            let dir = try makeStoreDirectory(self)
            let clock = SteppingClock()
            let log = try FileLog(
                directory: dir,
                options: .init(durability: durability, segmentBytes: 8_192, maxBatchRecords: 7, clock: { clock.tick() }))
            for n in stride(from: 0, to: 600, by: 20) { _ = try log.append((n..<n + 20).map { draft($0) }) }
            try log.close()
            files.append(try segmentPaths(dir).map { try Data(contentsOf: URL(fileURLWithPath: $0)) })
        }
        XCTAssertGreaterThan(files[0].count, 3, "the segments rolled")
        XCTAssertEqual(files[0], files[1])
    }

    /// Reads, the head, repeats of earlier ids and id lookups right after `none` appends see everything
    /// appended so far.
    func testNothingRunsAheadOfTheSealer() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .none, segmentBytes: 16_384, maxBatchRecords: 50))
        for round in 0..<20 {
            let first = round * 100
            let outcomes = try log.append((first..<first + 100).map { draft($0) })
            XCTAssertEqual(outcomes.map(\.position), (first..<first + 100).map(UInt64.init))
            // A repeat of an id appended just before: found in the written log, not a conflict.
            XCTAssertEqual(try log.append([draft(first + 42)]), [.duplicate(position: UInt64(first + 42))])
            XCTAssertEqual(log.position(ofID: draft(first + 99).id), UInt64(first + 99))
            XCTAssertEqual(try log.head().endPosition, UInt64(first + 100))
            XCTAssertEqual(try readAll(log, ReadRange(positions: UInt64(first)..<UInt64(first + 100))).count, 100)
        }
        XCTAssertThrowsError(try log.append([RecordDraft(id: draft(5).id, stream: "stream-5", payload: [1, 2, 3])])) {
            XCTAssertEqual(($0 as? LogError)?.code, .idConflict)
        }
        let head = try log.head()
        try log.close()
        let reader = try FileLog(directory: dir, options: .reading)
        XCTAssertEqual(try reader.verify().records, 2_000)
        XCTAssertEqual(try reader.head(), head)
    }

    /// A log that is never closed is still written in full when it goes away.
    func testDroppingTheLogWritesWhatWasHandedOver() throws {
        let dir = try makeStoreDirectory(self)
        do {
            let log = try FileLog(directory: dir, options: .init(durability: .none, maxBatchRecords: 10))
            for n in stride(from: 0, to: 1_000, by: 100) { _ = try log.append((n..<n + 100).map { draft($0) }) }
        }
        let reader = try FileLog(directory: dir, options: .reading)
        XCTAssertEqual(try reader.verify().records, 1_000)
    }

    /// A bulk import goes through the sealer too; when its body fails, the store is left byte for byte as it
    /// was, and the next import works.
    func testBulkImportThroughTheSealerRollsBackWhole() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch, maxBatchRecords: 25))
        _ = try log.append((0..<10).map { draft($0) })
        let before = try segmentPaths(dir).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        struct Stop: Error {}
        XCTAssertThrowsError(try log.withBulkImport { bulk in
            for n in stride(from: 10, to: 510, by: 50) { _ = try bulk.append((n..<n + 50).map { draft($0) }) }
            XCTAssertEqual(bulk.position(ofID: draft(300).id), 300)
            throw Stop()
        })
        XCTAssertEqual(try segmentPaths(dir).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }, before)
        XCTAssertEqual(try log.head().endPosition, 10)
        try log.withBulkImport { bulk in
            for n in stride(from: 10, to: 510, by: 50) { _ = try bulk.append((n..<n + 50).map { draft($0) }) }
        }
        XCTAssertEqual(try log.verify().records, 510)
        try log.close()
    }

    /// Reads of the writer's own log from other threads while appends go on: each read sees a gap-free prefix
    /// that only grows, and the log verifies at the end.
    func testReadsAlongsideAppendsSeeGrowingPrefixes() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .none, segmentBytes: 32_768, maxBatchRecords: 40))
        let done = DispatchGroup()
        let failures = NSLock()
        nonisolated(unsafe) var problems: [String] = []
        nonisolated(unsafe) var finished = false
        for _ in 0..<2 {
            done.enter()
            Thread {
                var last = 0
                while !failures.withLock({ finished }) {
                    do {
                        var positions: [UInt64] = []
                        try log.read(.all) { positions.append($0.position) }
                        if positions != (0..<UInt64(positions.count)).map({ $0 }) || positions.count < last {
                            failures.withLock { problems.append("a read saw \(positions.count) records after \(last), or gaps") }
                        }
                        last = positions.count
                    } catch {
                        failures.withLock { problems.append("\(error)") }
                    }
                }
                done.leave()
            }.start()
        }
        for n in stride(from: 0, to: 4_000, by: 80) { _ = try log.append((n..<n + 80).map { draft($0) }) }
        failures.withLock { finished = true }
        done.wait()
        XCTAssertEqual(problems, [])
        XCTAssertEqual(try log.verify().records, 4_000)
        try log.close()
    }
}

/// The sealer on its own: batches in order, the first failure stops it and is reported by `drain()` until
/// `reset()`, and batches after the failure are dropped, never written out of order.
final class BatchSealerTests: XCTestCase {
    func testFirstFailureStopsTheSealerAndIsReported() throws {
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var positions: [UInt64] = []
        }
        let seen = Seen()
        let sealer = BatchSealer(makeBuilder: { BatchBuilder() }) { _, firstPosition, _ throws(LogError) in
            if firstPosition == 30 { throw LogError(.io, "disk full") }
            seen.lock.withLock { seen.positions.append(firstPosition) }
        }
        for n in 0..<6 {
            let builder = sealer.takeBuilder()
            sealer.submit(builder, firstPosition: UInt64(n * 10), startsAppend: true)
        }
        XCTAssertThrowsError(try sealer.drain()) { XCTAssertEqual(($0 as? LogError)?.message, "disk full") }
        XCTAssertEqual(seen.positions, [0, 10, 20], "nothing after the failure is written")
        XCTAssertNotNil(sealer.failure)
        sealer.reset()
        XCTAssertNoThrow(try sealer.drain())
        sealer.submit(sealer.takeBuilder(), firstPosition: 100, startsAppend: true)
        XCTAssertNoThrow(try sealer.drain())
        XCTAssertEqual(seen.positions, [0, 10, 20, 100])
        sealer.stop()
    }
}

/// What a closed or half-opened log does: fails appends at once, still reads, and leaves no cache behind that a
/// later writer could trust. (Each of these once hung or misled; see the review notes of the log.)
final class ClosingTests: XCTestCase {
    func testAppendsAfterCloseFailInsteadOfWaiting() async throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch))
        _ = try await log.append([draft(0)])  // starts the committer thread
        // Appends racing with close: each one returns, stored or refused.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1..<200 {
                group.addTask {
                    do { _ = try await log.append([draft(n)]) } catch { XCTAssertEqual((error as? LogError)?.code, .invalidArgument) }
                }
            }
            group.addTask { try log.close() }
            try await group.waitForAll()
        }
        do {
            _ = try await log.append([draft(1_000)])
            XCTFail("an append after close was accepted")
        } catch {
            let code = error.code
            XCTAssertEqual(code, .invalidArgument)
        }
        XCTAssertThrowsError(try Self.appendFromThread(log, draft(1_001)))
        let stored = try FileLog(directory: dir, options: .reading).verify().records
        XCTAssertGreaterThanOrEqual(stored, 1)
    }

    /// The blocking `append` (from a synchronous context the compiler picks it, not the async one).
    private static func appendFromThread(_ log: FileLog, _ draft: RecordDraft) throws -> [AppendOutcome] {
        try log.append([draft])
    }

    func testReadsAfterCloseInNoneMode() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .none))
        _ = try log.append((0..<50).map { draft($0) })
        try log.close()
        XCTAssertEqual(try log.head().endPosition, 50)
        XCTAssertEqual(try readAll(log).count, 50)
        XCTAssertEqual(try log.verify().records, 50)
        XCTAssertThrowsError(try log.withBulkImport { _ in })
    }

    /// A bit flipped in a sealed segment's payload stops the writer's opening (its scan of the log checks every
    /// CRC); the failed opening must not save a writer.state that the next opening would take instead of the scan.
    func testFailedOpeningSavesNoWriterState() throws {
        let dir = try makeStoreDirectory(self)
        do {
            let log = try FileLog(directory: dir, options: .init(durability: .none, segmentBytes: 4_096, maxBatchRecords: 10))
            for n in stride(from: 0, to: 300, by: 10) { _ = try log.append((n..<n + 10).map { draft($0) }) }
            try log.close()
        }
        try FileManager.default.removeItem(atPath: dir + "/writer.state")
        let first = try segmentPaths(dir)[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        bytes[BatchHeader.size + 20] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: first))
        XCTAssertThrowsError(try FileLog(directory: dir))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/writer.state"))
        XCTAssertThrowsError(try FileLog(directory: dir), "the second opening scans again and fails again")
    }
}
