import Foundation
import Synchronization
import XCTest
@testable import OrientirLog

/// The end of a bulk import: the caller's work beside the commit, and the writer state prepared there.
final class BulkCommitTests: XCTestCase {
    func testWorkAlongsideTheCommitRunsBeforeTheImportCommits() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        let markerPath = dir + "/" + FileLog.bulkMarkerName
        let seen = Mutex<Bool?>(nil)
        try log.withBulkImport(alongsideCommit: { seen.withLock { $0 = FileIO.exists(markerPath) } }) { bulk in
            _ = try bulk.append((0..<300).map { draft($0) })
        }
        XCTAssertEqual(seen.withLock { $0 }, true, "it ran while the import was still uncommitted")
        XCTAssertFalse(FileIO.exists(markerPath))
        XCTAssertEqual(try readAll(log).count, 300)
    }

    func testAFailureAlongsideTheCommitRollsTheImportBack() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 4096))
        _ = try log.append((0..<20).map { draft($0) })
        let before = try segmentContents(dir)
        struct KeystoreFailed: Error {}
        XCTAssertThrowsError(try log.withBulkImport(alongsideCommit: { throw KeystoreFailed() }) { bulk in
            for n in stride(from: 20, to: 400, by: 20) { _ = try bulk.append((n..<n + 20).map { draft($0) }) }
        }) { error in
            XCTAssertTrue(error is KeystoreFailed)
        }
        XCTAssertEqual(try segmentContents(dir), before, "segments byte for byte as before the import")
        XCTAssertFalse(FileIO.exists(dir + "/" + FileLog.bulkMarkerName))
        XCTAssertFalse(FileIO.exists(dir + "/" + WriterState.stagedName), "the state staged for it is gone")
        XCTAssertEqual(try log.head().endPosition, 20)
        try log.close()

        // The state prepared for the import that did not commit is not the one `close` wrote.
        let head = try FileLog(directory: dir, options: .reading).head()
        XCTAssertNotNil(WriterState.load(dir, end: 20, hash: head.hash))
        let reopened = try FileLog(directory: dir)
        XCTAssertEqual(try readAll(reopened).count, 20)
        XCTAssertEqual(try reopened.append([draft(5)]).first, .duplicate(position: 5))
        XCTAssertEqual(try reopened.append([draft(20)]).first, .appended(position: 20, streamVersion: 2))
        XCTAssertEqual(try reopened.verify().records, 21)
    }

    func testTheWriterStatePreparedAtTheCommitServesTheNextWriter() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        try log.withBulkImport { bulk in _ = try bulk.append((0..<500).map { draft($0) }) }
        XCTAssertTrue(FileIO.exists(dir + "/" + WriterState.stagedName))
        let head = try log.head()
        try log.close()
        XCTAssertFalse(FileIO.exists(dir + "/" + WriterState.stagedName), "close put the staged state in place")
        let (ids, streams) = try XCTUnwrap(WriterState.load(dir, end: 500, hash: head.hash))
        XCTAssertEqual(ids.count, 500)
        XCTAssertEqual(streams.count, 10)
        let reopened = try FileLog(directory: dir)
        XCTAssertEqual(try reopened.append([draft(499)]).first, .duplicate(position: 499))
        XCTAssertEqual(try reopened.append([draft(500)]).first, .appended(position: 500, streamVersion: 50))
    }

    func testAStagedStateIsDiscardedWhenAppendsFollowTheImport() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        try log.withBulkImport { bulk in _ = try bulk.append((0..<100).map { draft($0) }) }
        _ = try log.append([draft(100)])
        let head = try log.head()
        try log.close()
        XCTAssertFalse(FileIO.exists(dir + "/" + WriterState.stagedName))
        let (ids, _) = try XCTUnwrap(WriterState.load(dir, end: 101, hash: head.hash))
        XCTAssertEqual(ids.count, 101)
    }
}
