import Foundation
import XCTest
@testable import OrientirLog

/// The same id twice is stored once; the same id with other content, or a stale expected version, is refused
/// and nothing of that append is written. Run against both stores.
final class IdempotencyAndConcurrencyTests: XCTestCase {
    private func stores() throws -> [EventStore] {
        [try FileLog(directory: try makeStoreDirectory(self)), InMemoryStore()]
    }

    func testDuplicateIdWithSameContentIsANoOpReturningTheOriginalPosition() throws {
        for store in try stores() {
            _ = try store.append((0..<5).map { draft($0) })
            let again = try store.append([draft(3), draft(5)])
            XCTAssertEqual(again, [.duplicate(position: 3), .appended(position: 5, streamVersion: 0)])
            XCTAssertEqual(try store.head().endPosition, 6)
        }
    }

    func testDuplicateWithinOneAppendIsStoredOnce() throws {
        for store in try stores() {
            let outcomes = try store.append([draft(1), draft(1)])
            XCTAssertEqual(outcomes, [.appended(position: 0, streamVersion: 0), .duplicate(position: 0)])
            XCTAssertEqual(try store.head().endPosition, 1)
        }
    }

    func testSameIdWithOtherContentIsAConflictAndWritesNothing() throws {
        for store in try stores() {
            _ = try store.append([draft(1)])
            var changed = draft(1)
            changed.payload[0] ^= 1
            XCTAssertThrowsError(try store.append([draft(2), changed])) { error in
                XCTAssertEqual((error as? LogError)?.code, .idConflict)
            }
            XCTAssertEqual(try store.head().endPosition, 1, "the good draft of the refused append is not written")
        }
    }

    func testContentKeyDecidesForSealedPayloads() throws {
        for store in try stores() {
            var first = draft(1)
            first.contentKey = [1, 2, 3]
            _ = try store.append([first])
            var resealed = first
            resealed.payload = Array(repeating: 7, count: 40)
            XCTAssertEqual(try store.append([resealed]), [.duplicate(position: 0)])
            resealed.contentKey = [9]
            XCTAssertThrowsError(try store.append([resealed]))
        }
    }

    func testExpectedVersionMismatchIsAConflictAndWritesNothing() throws {
        for store in try stores() {
            XCTAssertEqual(try store.append([draft(0, expected: .noStream)]).first?.position, 0)
            XCTAssertEqual(try store.append([draft(10, expected: .exactly(0))]).first,
                           .appended(position: 1, streamVersion: 1))
            XCTAssertThrowsError(try store.append([draft(1), draft(20, expected: .exactly(0))])) { error in
                XCTAssertEqual((error as? LogError)?.code, .versionConflict)
            }
            XCTAssertThrowsError(try store.append([draft(30, expected: .noStream)]))
            XCTAssertEqual(try store.head().endPosition, 2)
            XCTAssertEqual(try store.streamVersion(of: "stream-0"), 1)
        }
    }

    /// Appends judged as one group: a refused append in the middle is put back alone (its provisional id and
    /// stream version too), the appends around it stand as if it had never been made, and undoing the group (what
    /// a failed write does) leaves the tables as they were.
    func testRefusedAppendInsideAGroupIsPutBackAlone() {
        var tables = WriterTables()
        let requests: [[RecordDraft]] = [
            [draft(1, streams: 1)],
            [draft(2, streams: 1), draft(3, streams: 1, expected: .exactly(5))],  // refused: a stale expectation
            [draft(2, streams: 1, expected: .exactly(0))],  // the refused append's id, now new after all
            [draft(1, streams: 1)],  // a repeat of the first, earlier in this group
        ]
        var (results, undo) = tables.judge(requests, endPosition: 40) { position, _ in
            XCTFail("nothing is stored: no lookup of position \(position) expected")
        }
        let outcomes = results.map { try? $0.get() }
        XCTAssertEqual(outcomes[0], [.appended(position: 40, streamVersion: 0)])
        XCTAssertNil(outcomes[1])
        if case .failure(let error) = results[1] { XCTAssertEqual(error.code, .versionConflict) }
        XCTAssertEqual(outcomes[2], [.appended(position: 41, streamVersion: 1)])
        XCTAssertEqual(outcomes[3], [.duplicate(position: 40)])
        XCTAssertEqual(tables.accepted.map { [$0.0, $0.1] }, [[0, 0], [2, 0]])
        XCTAssertEqual(tables.acceptedVersions, [0, 1])
        XCTAssertEqual(tables.ids.count, 2)
        XCTAssertEqual(tables.streams["stream-0"], 1)
        XCTAssertEqual(undo.ids.count, 2, "the refused append left nothing to undo")

        undo.revert(&tables, requests)
        XCTAssertEqual(tables.ids.count, 0)
        XCTAssertNil(tables.streams["stream-0"])
    }

    func testIdsAndVersionsSurviveReopening() throws {
        let dir = try makeStoreDirectory(self)
        do {
            let log = try FileLog(directory: dir)
            _ = try log.append((0..<30).map { draft($0) })
            try log.close()
        }
        let log = try FileLog(directory: dir)
        XCTAssertEqual(try log.append([draft(12)]), [.duplicate(position: 12)])
        var changed = draft(12)
        changed.payload.append(1)
        XCTAssertThrowsError(try log.append([changed]))
        XCTAssertThrowsError(try log.append([draft(99, expected: .exactly(1))]))
        XCTAssertEqual(try log.append([draft(99, expected: .exactly(2))]).first, .appended(position: 30, streamVersion: 3))
    }

    func testConcurrentAppendersInBatchModeLoseAndDuplicateNothing() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch))
        let appenders = 32, each = 60
        let failures = NSLock()
        nonisolated(unsafe) var errors: [Error] = []
        let done = DispatchGroup()
        for a in 0..<appenders {  // a thread each, so that all of them really wait on the log at once
            done.enter()
            Thread {
                for i in 0..<each {
                    do {
                        _ = try log.append([draft(a * each + i, streams: 7)])
                    } catch {
                        failures.lock(); errors.append(error); failures.unlock()
                    }
                }
                done.leave()
            }.start()
        }
        done.wait()
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.position), (0..<UInt64(appenders * each)).map { $0 })
        XCTAssertEqual(Set(records.map(\.id)).count, appenders * each)
        for stream in 0..<7 {
            let versions = records.filter { $0.stream == "stream-\(stream)" }.map(\.streamVersion)
            XCTAssertEqual(versions, (0..<UInt64(versions.count)).map { $0 })
        }
        let report = try log.verify()
        XCTAssertLessThan(report.batches, appenders * each, "group commit shared some writes")
    }

    /// Thread appenders hand the leader's role to the log's committer thread once their own append is done, and
    /// the role comes back when they are gone: a burst of threads, a lone thread (which leads again), another
    /// burst, and many threads in `always` mode (one append per write and sync, whoever leads) all complete, with
    /// every event stored once, in a gap-free order.
    func testThreadAppendersHandTheRoleOverAndTakeItBackWhenAlone() throws {
        func burst(_ log: FileLog, threads: Int, each: Int, from first: Int) -> [Error] {
            let failures = NSLock()
            nonisolated(unsafe) var errors: [Error] = []
            let done = DispatchGroup()
            for t in 0..<threads {
                done.enter()
                Thread {
                    for i in 0..<each {
                        do { _ = try log.append([draft(first + t * each + i, streams: 9)]) } catch {
                            failures.lock(); errors.append(error); failures.unlock()
                        }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            return errors
        }
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch))
        XCTAssertTrue(burst(log, threads: 16, each: 25, from: 0).isEmpty)
        for i in 0..<5 {
            XCTAssertEqual(try log.append([draft(400 + i, streams: 9)]).first?.position, UInt64(400 + i))
        }
        XCTAssertTrue(burst(log, threads: 16, each: 25, from: 405).isEmpty)
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.position), (0..<UInt64(805)).map { $0 })
        XCTAssertEqual(Set(records.map(\.id)).count, 805)
        XCTAssertLessThan(try log.verify().batches, 805, "group commit shared some writes")
        try log.close()

        let alwaysDir = try makeStoreDirectory(self)
        let always = try FileLog(directory: alwaysDir, options: .init(durability: .always))
        XCTAssertTrue(burst(always, threads: 8, each: 10, from: 0).isEmpty)
        XCTAssertEqual(try readAll(always).map(\.position), (0..<UInt64(80)).map { $0 })
        XCTAssertEqual(try always.verify().batches, 80, "in mode always, each append has a write and a sync of its own")
        try always.close()
    }

    /// With `timesRounds`, every synced round is timed, from task appenders and from thread appenders alike: the
    /// rounds add up to the appends written, one round per batch; a round with nothing to write (a repeat, a
    /// refused append) is not timed; each round's sync takes time. Without the option, nothing is timed.
    func testSyncedRoundsAreTimedStepByStepWhenAsked() async throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch, timesRounds: true))
        let tasks = 24, each = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for a in 0..<tasks {
                group.addTask { for i in 0..<each { _ = try await log.append([draft(a * each + i, streams: 3)]) } }
            }
            try await group.waitForAll()
        }
        let threads = 6
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            Thread {
                for i in 0..<each { _ = try? log.append([draft(10_000 + t * each + i, streams: 3)]) }
                done.leave()
            }.start()
        }
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        let written = (tasks + threads) * each
        XCTAssertEqual(try readAll(log).count, written)
        var rounds = try timings(of: log, batches: log.verify().batches)
        XCTAssertEqual(rounds.reduce(0) { $0 + $1.appends }, written)
        XCTAssertTrue(rounds.contains { $0.appends > 1 }, "group commit shared some rounds")
        XCTAssertTrue(rounds.allSatisfy { $0.sync > 0 })

        // Nothing to write: no round is timed.
        let repeated = try await log.append([draft(0, streams: 3)])
        XCTAssertEqual(repeated.count, 1)
        if case .duplicate = repeated.first {} else { XCTFail("a repeat is a duplicate: \(repeated)") }
        do {
            _ = try await log.append([draft(99_999, streams: 3, expected: .exactly(0))])
            XCTFail("a stale expected version was accepted")
        } catch {
            XCTAssertEqual(error.code, .versionConflict)
        }
        XCTAssertEqual(log.roundTimings.count, rounds.count)
        // Something to write again: one more round, of one append.
        _ = try await log.append([draft(99_999, streams: 3)])
        rounds = try timings(of: log, batches: log.verify().batches)
        XCTAssertEqual(rounds.last?.appends, 1)
        try log.close()

        let always = try FileLog(directory: try makeStoreDirectory(self), options: .init(durability: .always, timesRounds: true))
        for i in 0..<5 { _ = try await always.append([draft(i, streams: 3)]) }
        XCTAssertEqual(try timings(of: always, batches: 5).map(\.appends), [1, 1, 1, 1, 1])
        try always.close()

        let untimed = try FileLog(directory: try makeStoreDirectory(self), options: .init(durability: .batch))
        for i in 0..<5 { _ = try await untimed.append([draft(i, streams: 3)]) }
        XCTAssertTrue(untimed.roundTimings.isEmpty)
        try untimed.close()
    }

    /// The timed rounds of `log` once there are as many as `batches` (one per batch written): a round is kept
    /// once its leader has woken everyone it served, which may be just after they return.
    private func timings(of log: FileLog, batches: Int, file: StaticString = #filePath, line: UInt = #line) throws
        -> [FileLog.RoundTiming]
    {
        let deadline = Date().addingTimeInterval(5)
        while log.roundTimings.count < batches && Date() < deadline { usleep(1_000) }
        let rounds = log.roundTimings
        XCTAssertEqual(rounds.count, batches, "one timed round per batch written", file: file, line: line)
        return rounds
    }

    /// Tasks (a server's request handlers) and threads appending at once share the same group commits: nothing
    /// lost or duplicated, positions gap-free, each stream's versions in order, and a refused append (a stale
    /// expected version) from a task is refused alone.
    func testTaskAndThreadAppendersShareGroupCommits() async throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .batch))
        let tasks = 48, threads = 4, each = 40
        let done = DispatchGroup()
        let failures = NSLock()
        nonisolated(unsafe) var errors: [Error] = []
        for t in 0..<threads {
            done.enter()
            Thread {
                for i in 0..<each {
                    do { _ = try log.append([draft((tasks + t) * each + i, streams: 5)]) } catch {
                        failures.lock(); errors.append(error); failures.unlock()
                    }
                }
                done.leave()
            }.start()
        }
        let outcomes = try await withThrowingTaskGroup(of: [AppendOutcome].self) { group in
            for a in 0..<tasks {
                group.addTask {
                    var mine: [AppendOutcome] = []
                    for i in 0..<each { mine += try await log.append([draft(a * each + i, streams: 5)]) }
                    return mine
                }
            }
            var all: [AppendOutcome] = []
            for try await part in group { all += part }
            return all
        }
        await withCheckedContinuation { continuation in done.notify(queue: .global()) { continuation.resume() } }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(outcomes.count, tasks * each)
        let total = (tasks + threads) * each
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.position), (0..<UInt64(total)).map { $0 })
        XCTAssertEqual(Set(records.map(\.id)).count, total)
        for stream in 0..<5 {
            let versions = records.filter { $0.stream == "stream-\(stream)" }.map(\.streamVersion)
            XCTAssertEqual(versions, (0..<UInt64(versions.count)).map { $0 })
        }
        XCTAssertLessThan(try log.verify().batches, total, "group commit shared some writes")

        // A stale expectation from a task: refused, nothing written; the same id again: a duplicate.
        do {
            _ = try await log.append([draft(100_000, streams: 5, expected: .exactly(0))])
            XCTFail("a stale expected version was accepted")
        } catch {
            XCTAssertEqual(error.code, .versionConflict)
        }
        XCTAssertEqual(try log.head().endPosition, UInt64(total))
        let again = try await log.append([draft(0, streams: 5)])
        XCTAssertEqual(again, [.duplicate(position: records.first { $0.id == draft(0, streams: 5).id }!.position)])
        try log.close()
    }

    func testSecondWriterIsRefusedWithAClearMessage() throws {
        let dir = try makeStoreDirectory(self)
        let first = try FileLog(directory: dir)
        XCTAssertThrowsError(try FileLog(directory: dir)) { error in
            let error = error as? LogError
            XCTAssertEqual(error?.code, .locked)
            XCTAssertTrue(error?.message.contains("only one writer") ?? false)
        }
        XCTAssertNoThrow(try FileLog(directory: dir, options: .reading))
        try first.close()
        XCTAssertNoThrow(try FileLog(directory: dir))
    }
}
