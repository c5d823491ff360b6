import Foundation
import XCTest
@testable import OrientirLog

final class FileLogTests: XCTestCase {
    func testAppendAssignsGapFreePositionsAndStreamVersions() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        let outcomes = try log.append((0..<25).map { draft($0, streams: 5) })
        XCTAssertEqual(outcomes.map(\.position), (0..<25).map(UInt64.init))
        XCTAssertEqual(outcomes[0], .appended(position: 0, streamVersion: 0))
        XCTAssertEqual(outcomes[5], .appended(position: 5, streamVersion: 1))
        XCTAssertEqual(try log.streamVersion(of: "stream-3"), 4)
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.position), (0..<25).map(UInt64.init))
        XCTAssertEqual(records[7].payload, draft(7, streams: 5).payload)
        XCTAssertEqual(records[7].stream, "stream-2")
        try log.close()

        let reopened = try FileLog(directory: dir)
        XCTAssertEqual(try reopened.head().endPosition, 25)
        XCTAssertEqual(try reopened.append([draft(25, streams: 5)]), [.appended(position: 25, streamVersion: 5)])
    }

    func testReadsByPositionRangeInstantAndStream() throws {
        let dir = try makeStoreDirectory(self)
        let clock = SteppingClock()
        let log = try FileLog(directory: dir, options: .init(durability: .none, maxBatchRecords: 3,
                                                              clock: { clock.tick() }))
        for n in 0..<20 { _ = try log.append([draft(n, streams: 4)]) }
        XCTAssertEqual(try readAll(log, ReadRange(positions: 5..<9)).map(\.position), [5, 6, 7, 8])
        let all = try readAll(log)
        let since = all[12].recordedAt
        XCTAssertEqual(try readAll(log, ReadRange(since: since)).map(\.position), Array(12..<20))
        XCTAssertEqual(try readAll(log, ReadRange(before: since)).map(\.position), Array(0..<12))
        XCTAssertEqual(try readAll(log, ReadRange(stream: "stream-1")).map(\.position), [1, 5, 9, 13, 17])
        XCTAssertEqual(try readAll(log, ReadRange(stream: "stream-1")).map(\.streamVersion), [0, 1, 2, 3, 4])
    }

    func testRecordedAtNeverDecreasesEvenWhenTheClockGoesBack() throws {
        let dir = try makeStoreDirectory(self)
        let times = [Int64(5_000), 3_000, 9_000]
        let counter = SteppingClock()
        let log = try FileLog(directory: dir, options: .init(clock: {
            times[Int((counter.tick() - 1_704_067_200_000_000) / 1_000_000 - 1) % 3]
        }))
        for n in 0..<3 { _ = try log.append([draft(n)]) }
        XCTAssertEqual(try readAll(log).map(\.recordedAt), [5_000, 5_000, 9_000])
    }

    func testSegmentsRollAndReadAcrossThem() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(segmentBytes: 4096, maxBatchRecords: 10))
        for n in stride(from: 0, to: 500, by: 10) { _ = try log.append((n..<n + 10).map { draft($0) }) }
        try log.close()
        let names = try segmentPaths(dir).map { String($0.split(separator: "/").last!) }
        XCTAssertGreaterThan(names.count, 3)
        XCTAssertEqual(names[0], "00000000000000000000.log")
        let reader = try FileLog(directory: dir, options: .reading)
        XCTAssertEqual(try readAll(reader).map(\.position), (0..<500).map(UInt64.init))
        XCTAssertEqual(try readAll(reader, ReadRange(positions: 237..<241)).map(\.position), [237, 238, 239, 240])
        XCTAssertEqual(try reader.verify().records, 500)
    }

    func testCompressionShrinksRepetitivePayloads() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir, options: .init(durability: .none))
        _ = try log.append((0..<1000).map { draft($0) })
        try log.close()
        let report = try FileLog(directory: dir, options: .reading).stats()
        XCTAssertEqual(report.records, 1000)
        XCTAssertGreaterThan(report.compressionRatio, 3)
    }

    func testReaderAndWriterWorkSideBySide() throws {
        let dir = try makeStoreDirectory(self)
        let writer = try FileLog(directory: dir)
        let reader = try FileLog(directory: dir, options: .reading)
        _ = try writer.append((0..<10).map { draft($0) })
        XCTAssertEqual(try readAll(reader).count, 10)
        _ = try writer.append((10..<15).map { draft($0) })
        XCTAssertEqual(try readAll(reader).count, 15)
        XCTAssertEqual(try reader.head().endPosition, 15)
        XCTAssertEqual(try reader.head().hash, try writer.head().hash)
    }

    func testRecordLookupByPosition() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        _ = try log.append((0..<50).map { draft($0) })
        XCTAssertEqual(try log.record(at: 42)?.payload, draft(42).payload)
        XCTAssertNil(try log.record(at: 50))
        XCTAssertEqual(log.position(ofID: draft(17).id), 17)
    }
}
