import Foundation
import XCTest
@testable import OrientirLog

/// A fresh store directory under the temporary folder, removed after the test.
func makeStoreDirectory(_ test: XCTestCase, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let path = NSTemporaryDirectory() + "orientir-test-" + UUID().uuidString.lowercased()
    try FileLog.create(at: path)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// A deterministic draft: id from `n`, stream from `n % streams`, a payload of `size` bytes.
func draft(_ n: Int, streams: Int = 10, size: Int = 200, expected: ExpectedVersion = .any) -> RecordDraft {
    var id = [UInt8](repeating: 0, count: 16)
    withUnsafeBytes(of: UInt64(n).littleEndian) { for i in 0..<8 { id[i] = $0[i] } }
    id[15] = 0xA5
    var payload = Array("event \(n) of stream \(n % streams) ".utf8)
    while payload.count < size { payload.append(UInt8(truncatingIfNeeded: payload.count % 31 + 65)) }
    return RecordDraft(id: id, stream: "stream-\(n % streams)", payload: Array(payload.prefix(size)),
                       expectedVersion: expected)
}

func readAll(_ store: EventStore, _ range: ReadRange = .all) throws -> [LogRecord] {
    var out: [LogRecord] = []
    try store.read(range) { out.append($0.copy()) }
    return out
}

/// The bytes of each segment file of a store, by file name.
func segmentContents(_ directory: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where name.hasSuffix(".log") {
        files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    }
    return files
}

func segmentPaths(_ directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".log") }.sorted()
        .map { directory + "/" + $0 }
}

/// A clock that advances one second per call, from 2024-01-01.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64 = 1_704_067_200_000_000
    func tick() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        now += 1_000_000
        return now
    }
}
