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
}
