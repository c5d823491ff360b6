import Foundation
import XCTest
@testable import OrientirLog

/// Each test damages a store the way a crash, a disk or a person can, then checks what the log makes of it.
final class RecoveryTests: XCTestCase {
    /// A store of `batches` batches of 5 records in one segment; returns its directory and segment path.
    private func storeWithBatches(_ batches: Int) throws -> (String, String) {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .none, maxBatchRecords: 5))
        for b in 0..<batches { _ = try log.append((b * 5..<b * 5 + 5).map { draft($0) }) }
        try log.close()
        return (dir, try segmentPaths(dir)[0])
    }

    private func copyStore(_ dir: String) throws -> String {
        let copy = dir + "-copy-" + UUID().uuidString
        try FileManager.default.copyItem(atPath: dir, toPath: copy)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: copy) }
        return copy
    }

    func testTornLastBatchCutAtEveryByteOffset() throws {
        let (dir, segment) = try storeWithBatches(4)
        let whole = try Data(contentsOf: URL(fileURLWithPath: segment))
        let offsets = try FileLog(directory: dir, options: .reading).segmentFiles()
        XCTAssertEqual(offsets.count, 1)
        var lastStart = 0
        var cursor = 0
        while cursor < whole.count {
            lastStart = cursor
            let stored = whole.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: cursor + BatchHeader.Offset.storedLength, as: UInt32.self) }
            cursor += BatchHeader.size + Int(UInt32(littleEndian: stored))
        }
        for cut in lastStart..<whole.count {
            let copy = try copyStore(dir)
            let path = copy + "/" + (segment as NSString).lastPathComponent
            try whole.prefix(cut).write(to: URL(fileURLWithPath: path))
            try? FileManager.default.removeItem(atPath: path.replacingOccurrences(of: ".log", with: ".pidx"))

            let reader = try FileLog(directory: copy, options: .reading)
            XCTAssertEqual(try readAll(reader).count, 15, "cut at \(cut): the three intact batches read")

            let writer = try FileLog(directory: copy)
            XCTAssertEqual(writer.recovery.truncatedBytes, cut - lastStart, "cut at \(cut)")
            XCTAssertEqual(try writer.head().endPosition, 15)
            XCTAssertEqual(try writer.append([draft(15)]).first?.position, 15, "appends continue the chain")
            XCTAssertEqual(try writer.verify().records, 16)
            try writer.close()
            try FileManager.default.removeItem(atPath: copy)
        }
    }

    func testFlippedBitInASealedBatchFailsVerifyNamingWhere() throws {
        let (dir, segment) = try storeWithBatches(6)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        let secondBatch = BatchHeader.size + Int(bytes.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: BatchHeader.Offset.storedLength, as: UInt32.self))
        })
        for (what, offset) in [("header", secondBatch + BatchHeader.Offset.minRecordedAt + 1),
                               ("payload", secondBatch + BatchHeader.size + 9)] {
            let copy = try copyStore(dir)
            let path = copy + "/" + (segment as NSString).lastPathComponent
            var damaged = bytes
            damaged[offset] ^= 0x10
            try damaged.write(to: URL(fileURLWithPath: path))
            let reader = try FileLog(directory: copy, options: .reading)
            XCTAssertThrowsError(try reader.verify(), what) { error in
                let error = error as? LogError
                XCTAssertEqual(error?.code, .corrupt, what)
                XCTAssertEqual(error?.path, path, what)
                XCTAssertEqual(error?.offset, secondBatch, what)
                XCTAssertEqual(error?.position, 5, what)
            }
            var seen: [UInt64] = []
            XCTAssertThrowsError(try reader.read(.all) { seen.append($0.position) }, what)
            XCTAssertEqual(seen, [0, 1, 2, 3, 4], "\(what): reads stop at the damage, never wrong data")
            XCTAssertThrowsError(try FileLog(directory: copy), "\(what): a writer refuses to cut sound batches off") {
                XCTAssertEqual(($0 as? LogError)?.code, .corrupt)
            }
        }
        bytes[bytes.count - 3] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: segment))
        let writer = try FileLog(directory: dir)
        XCTAssertGreaterThan(writer.recovery.truncatedBytes, 0, "a corrupt last batch is cut like a torn one")
        XCTAssertEqual(try writer.verify().records, 25)
    }

    func testDamageInASealedSegmentIsNeverSkipped() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 2048, maxBatchRecords: 5))
        for b in 0..<20 { _ = try log.append((b * 5..<b * 5 + 5).map { draft($0) }) }
        try log.close()
        let first = try segmentPaths(dir)[0]
        var bytes = try Data(contentsOf: URL(fileURLWithPath: first))
        bytes[BatchHeader.size + 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: first))
        XCTAssertThrowsError(try FileLog(directory: dir, options: .reading).verify()) { error in
            XCTAssertEqual((error as? LogError)?.path, first)
            XCTAssertEqual((error as? LogError)?.offset, 0)
        }
        XCTAssertThrowsError(try readAll(try FileLog(directory: dir, options: .reading)))
    }

    func testDeletedOrGarbageIndexFilesAreRebuiltWithTheSameAnswers() throws {
        let dir = try makeStoreDirectory(self)
        let clock = SteppingClock()
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 8192, maxBatchRecords: 4,
                                                              clock: { clock.tick() }))
        for b in 0..<100 { _ = try log.append((b * 4..<b * 4 + 4).map { draft($0) }) }
        try log.close()
        let reader = try FileLog(directory: dir, options: .reading)
        let instant = try readAll(reader)[201].recordedAt
        let expected = try readAll(reader, ReadRange(positions: 150..<260, since: instant))

        let indexes = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".pidx") || $0.hasSuffix(".tidx") }.sorted()
        XCTAssertGreaterThan(indexes.count, 4)
        try FileManager.default.removeItem(atPath: dir + "/" + indexes[0])
        try Data(repeating: 0xEE, count: 48).write(to: URL(fileURLWithPath: dir + "/" + indexes[2]))
        var plausible = Data()
        for value in [UInt64(0), 0, 3, 999] { withUnsafeBytes(of: value.littleEndian) { plausible.append(contentsOf: $0) } }
        try plausible.write(to: URL(fileURLWithPath: dir + "/" + indexes[4]))

        let writer = try FileLog(directory: dir)
        XCTAssertGreaterThanOrEqual(writer.recovery.rebuiltIndexes, 3)
        XCTAssertEqual(try readAll(writer, ReadRange(positions: 150..<260, since: instant)), expected)
        try writer.close()
        let fresh = try FileLog(directory: dir, options: .reading)
        XCTAssertEqual(try readAll(fresh, ReadRange(positions: 150..<260, since: instant)), expected)
    }

    func testFailedBulkImportLeavesTheStoreByteForByte() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 4096))
        _ = try log.append((0..<20).map { draft($0) })
        let before = try segmentContents(dir)
        struct Rejected: Error {}
        XCTAssertThrowsError(try log.withBulkImport { bulk in
            for n in stride(from: 20, to: 400, by: 20) { _ = try bulk.append((n..<n + 20).map { draft($0) }) }
            throw Rejected()
        })
        XCTAssertEqual(try segmentContents(dir), before)
        XCTAssertEqual(try log.head().endPosition, 20)
        XCTAssertEqual(try log.append([draft(20)]).first?.position, 20)
        XCTAssertEqual(try log.verify().records, 21)
    }

    func testBulkImportInterruptedByACrashIsRolledBackOnOpen() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 4096))
        _ = try log.append((0..<20).map { draft($0) })
        let before = try segmentContents(dir)
        var crashed = ""
        try log.withBulkImport { bulk in
            for n in stride(from: 20, to: 400, by: 20) { _ = try bulk.append((n..<n + 20).map { draft($0) }) }
            crashed = try copyStore(dir)  // the files as a kill -9 at this moment leaves them
            let reader = try FileLog(directory: crashed, options: .reading)
            XCTAssertEqual(try readAll(reader).count, 20, "readers do not see an unfinished import")
        }
        try FileManager.default.removeItem(atPath: crashed + "/LOCK")
        let reopened = try FileLog(directory: crashed)
        XCTAssertGreaterThan(reopened.recovery.rolledBackBytes, 0)
        try reopened.close()
        var after = try segmentContents(crashed)
        after.removeValue(forKey: "LOCK")
        var expected = before
        expected.removeValue(forKey: "LOCK")
        XCTAssertEqual(after.filter { $0.key.hasSuffix(".log") }, expected.filter { $0.key.hasSuffix(".log") })
        XCTAssertEqual(try log.head().endPosition, 400, "the real import completed")
    }
}

/// The writer's saved tables are a cache: used when they match the log's end, ignored when stale or damaged.
final class WriterStateTests: XCTestCase {
    func testStaleOrDamagedWriterStateIsIgnored() throws {
        let dir = try makeStoreDirectory(self)
        var log = try FileLog(directory: dir)
        _ = try log.append((0..<10).map { draft($0) })
        try log.close()
        let stale = try Data(contentsOf: URL(fileURLWithPath: dir + "/writer.state"))
        log = try FileLog(directory: dir)
        XCTAssertEqual(try log.append([draft(3)]), [.duplicate(position: 3)], "the saved tables know every id")
        _ = try log.append((10..<20).map { draft($0) })
        try log.close()

        try stale.write(to: URL(fileURLWithPath: dir + "/writer.state"))
        log = try FileLog(directory: dir)
        XCTAssertEqual(try log.append([draft(15)]), [.duplicate(position: 15)], "a stale state is not trusted")
        XCTAssertEqual(try log.streamVersion(of: "stream-5"), 1)
        try log.close()

        var damaged = try Data(contentsOf: URL(fileURLWithPath: dir + "/writer.state"))
        damaged[60] ^= 0xFF
        try damaged.write(to: URL(fileURLWithPath: dir + "/writer.state"))
        log = try FileLog(directory: dir)
        XCTAssertEqual(try log.append([draft(17)]), [.duplicate(position: 17)], "a damaged state is not trusted")
        var changed = draft(12)
        changed.payload[0] ^= 1
        XCTAssertThrowsError(try log.append([changed]))
    }
}
