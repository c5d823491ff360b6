import Foundation
import XCTest
@testable import OrientirLog

/// Stores written by earlier versions of the batch format stay readable, verifiable and appendable: a committed
/// segment of version-1 batches (`Tests/Fixtures/log-v1/`) is read back record by record, verified, and extended
/// with version-2 batches in the same segment and hash chain.
final class FormatVersionTests: XCTestCase {
    /// The records of the fixture, in order. The fixture was written by the version-1 code (commit 0a62ab2): one
    /// `FileLog` per append, durability `always`, `compress` as given, a `SteppingClock`, then closed; only its
    /// `STORE` and segment files are kept (indexes and writer state are caches, rebuilt on open).
    static let fixtureAppends: [(drafts: [RecordDraft], compress: Bool)] = [
        // One LZ4 batch of 16-byte ids.
        ((0..<40).map { draft($0, size: 120) }, true),
        // Ids of several lengths and a content key.
        ([RecordDraft(id: Array("short".utf8), stream: "stream-x", payload: Array("first".utf8)),
          RecordDraft(id: [UInt8](repeating: 0x5A, count: 32), stream: "stream-x", payload: Array(repeating: 7, count: 90),
                      contentKey: [1, 2, 3, 4]),
          RecordDraft(id: [9], stream: "stream-y", payload: [])], true),
        // A batch stored raw.
        ((40..<43).map { draft($0, size: 30) }, false),
    ]

    static var fixtureCount: Int { fixtureAppends.reduce(0) { $0 + $1.drafts.count } }

    static let fixtureDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/log-v1").path

    /// The version and codec of each batch of a segment file, in order.
    private func batches(_ path: String) throws -> [(version: UInt8, codec: BatchHeader.Codec)] {
        let bytes = try FileIO.readFile(path)
        var found: [(UInt8, BatchHeader.Codec)] = []
        let (_, stop) = bytes.withUnsafeBytes { raw in
            Segment.walk(raw, from: 0, expectedPosition: nil, previousHash: nil, checksums: true) { header, offset in
                found.append((raw[offset + BatchHeader.Offset.version], header.codec))
            }
        }
        XCTAssertNil(stop, "every batch of \(path) reads")
        return found
    }

    /// A copy of the fixture store, removed after the test.
    private func fixtureCopy() throws -> String {
        let path = NSTemporaryDirectory() + "orientir-v1-" + UUID().uuidString.lowercased()
        try FileManager.default.copyItem(atPath: Self.fixtureDirectory, toPath: path)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func assertFixtureRecords(_ records: [LogRecord], file: StaticString = #filePath, line: UInt = #line) {
        let drafts = Self.fixtureAppends.flatMap(\.drafts)
        XCTAssertEqual(records.count, drafts.count, file: file, line: line)
        var versions: [String: UInt64] = [:]
        for (n, (record, draft)) in zip(records, drafts).enumerated() {
            XCTAssertEqual(record.position, UInt64(n), file: file, line: line)
            XCTAssertEqual(record.id, draft.id, "record \(n)", file: file, line: line)
            XCTAssertEqual(record.stream, draft.stream, "record \(n)", file: file, line: line)
            XCTAssertEqual(record.payload, draft.payload, "record \(n)", file: file, line: line)
            XCTAssertEqual(record.contentKey, draft.contentKey, "record \(n)", file: file, line: line)
            XCTAssertEqual(record.streamVersion, versions[draft.stream, default: 0], "record \(n)", file: file, line: line)
            versions[draft.stream, default: 0] += 1
        }
    }

    func testVersionOneSegmentReadsAndVerifies() throws {
        let directory = try fixtureCopy()
        let stored = try batches(directory + "/00000000000000000000.log")
        XCTAssertEqual(stored.map(\.version), [1, 1, 1], "the fixture holds version-1 batches")
        XCTAssertEqual(stored.map(\.codec), [.lz4, .lz4, .raw])

        let reader = try FileLog(directory: directory, options: .reading)
        assertFixtureRecords(try readAll(reader))
        XCTAssertEqual(try reader.verify().records, UInt64(Self.fixtureCount))
        XCTAssertEqual(try reader.record(at: 41)?.id, [UInt8](repeating: 0x5A, count: 32))
    }

    func testVersionTwoBatchesFollowVersionOneInOneChain() throws {
        let directory = try fixtureCopy()
        let log = try FileLog(directory: directory)
        let head = try log.head()
        let added = (100..<150).map { draft($0, size: 120) }
        _ = try log.append(added)
        try log.close()

        let stored = try batches(directory + "/00000000000000000000.log")
        XCTAssertEqual(stored.map(\.version), [1, 1, 1, BatchHeader.formatVersion])
        XCTAssertEqual(stored.last?.codec, .lz4)

        let reader = try FileLog(directory: directory, options: .reading)
        let records = try readAll(reader)
        assertFixtureRecords(Array(records.prefix(Self.fixtureCount)))
        let appended = records.dropFirst(Self.fixtureCount)
        XCTAssertTrue(appended.map(\.id) == added.map(\.id) && appended.map(\.payload) == added.map(\.payload),
                      "the records appended after the fixture read back as written")
        let report = try reader.verify()
        XCTAssertEqual(report.records, UInt64(Self.fixtureCount + added.count))
        XCTAssertNotEqual(try reader.head().hash, head.hash)
    }

    /// Version 2 keeps ids apart: one width for all, or a length for each when they differ. Every shape reads back
    /// as written, stored raw or through LZ4.
    func testVersionTwoIdColumnsOfEveryShapeReadBack() throws {
        let shapes: [[[UInt8]]] = [
            (0..<30).map { draft($0).id },                                      // all 16 bytes (UUIDs)
            [Array("a".utf8), [UInt8](repeating: 0xEE, count: 32), Array("medium-id".utf8), [0]],  // lengths differ
            (0..<20).map { [UInt8](repeating: UInt8($0), count: 32) },           // all the longest allowed
            (0..<20).map { [UInt8($0 + 1)] },                                   // all one byte
        ]
        for compress in [true, false] {
            for (n, ids) in shapes.enumerated() {
                let directory = try makeStoreDirectory(self)
                let log = try FileLog(directory: directory, options: FileLog.Options(durability: .none, compress: compress))
                let drafts = ids.enumerated().map { k, id in
                    RecordDraft(id: id, stream: "stream-\(k % 3)", payload: Array("payload \(k) ".utf8) + Array(repeating: 42, count: k),
                                contentKey: k % 4 == 1 ? [UInt8(k)] : [])
                }
                _ = try log.append(drafts)
                try log.close()

                let stored = try batches(directory + "/00000000000000000000.log")
                XCTAssertEqual(stored.map(\.version), [BatchHeader.formatVersion], "shape \(n)")
                let reader = try FileLog(directory: directory, options: .reading)
                let records = try readAll(reader)
                XCTAssertEqual(records.map(\.id), ids, "shape \(n), compress \(compress)")
                XCTAssertEqual(records.map(\.payload), drafts.map(\.payload), "shape \(n), compress \(compress)")
                XCTAssertEqual(records.map(\.contentKey), drafts.map(\.contentKey), "shape \(n), compress \(compress)")
                XCTAssertEqual(records.map(\.stream), drafts.map(\.stream), "shape \(n), compress \(compress)")
                XCTAssertEqual(try reader.verify().records, UInt64(ids.count))
            }
        }
    }

    /// A version-2 payload whose LZ4 block length, id width or id column does not fit is refused as corrupt even
    /// when its CRC and hash were recomputed to match: reads and `verify` fail naming the batch, never trap.
    func testVersionTwoPayloadThatDoesNotFitIsRefused() throws {
        let directory = try makeStoreDirectory(self)
        let log = try FileLog(directory: directory, options: FileLog.Options(durability: .none))
        _ = try log.append((0..<50).map { draft($0) })
        try log.close()
        let path = directory + "/00000000000000000000.log"
        let original = try FileIO.readFile(path)
        let header = try original.withUnsafeBytes { try BatchHeader.read(from: $0).get() }
        XCTAssertEqual(header.codec, .lz4)
        let blockLength = original.withUnsafeBytes {
            Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: BatchHeader.size, as: UInt32.self)))
        }
        let idColumn = BatchHeader.size + BatchBuilder.lengthFieldSize + blockLength

        let damages: [(String, (inout [UInt8]) -> Void)] = [
            ("block length past the payload", { $0.replaceSubrange(BatchHeader.size..<BatchHeader.size + 4, with: [0xFF, 0xFF, 0xFF, 0x7F]) }),
            ("block length one short", { bytes in
                withUnsafeBytes(of: UInt32(blockLength - 1).littleEndian) { bytes.replaceSubrange(BatchHeader.size..<BatchHeader.size + 4, with: $0) }
            }),
            ("id width too large", { $0[idColumn] = 200 }),
            ("id width that does not divide the column", { $0[idColumn] = 15 }),
        ]
        for (name, damage) in damages {
            var bytes = original
            damage(&bytes)
            // Make the damage look deliberate: hash and CRC recomputed over the changed bytes.
            bytes.withUnsafeMutableBytes { raw in
                let batch = UnsafeMutableRawBufferPointer(rebasing: raw[0..<header.totalLength])
                var forged = header
                forged.hash = BatchHeader.computeHash(UnsafeRawBufferPointer(batch))
                forged.write(to: batch)
                forged.crc = BatchHeader.computeCRC(UnsafeRawBufferPointer(batch))
                forged.write(to: batch)
            }
            try FileIO.writeAtomically(bytes, to: path, durable: false)
            let reader = try FileLog(directory: directory, options: .reading)
            XCTAssertThrowsError(try readAll(reader), name) { error in
                XCTAssertEqual((error as? LogError)?.code, .corrupt, name)
            }
            XCTAssertThrowsError(try reader.verify(), name) { error in
                XCTAssertEqual((error as? LogError)?.code, .corrupt, name)
                XCTAssertEqual((error as? LogError)?.offset, 0, name)
            }
        }
    }
}
