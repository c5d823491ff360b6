import Crypto
import Foundation
import XCTest
@testable import OrientirLog

final class CheckpointTests: XCTestCase {
    func testASignedCheckpointVerifiesAgainstTheLogAndLaterAppends() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        _ = try log.append((0..<40).map { draft($0) })
        let key = try CheckpointKey.loadOrCreate(in: dir)
        XCTAssertEqual(try CheckpointKey.loadOrCreate(in: dir).rawRepresentation, key.rawRepresentation)
        let checkpoint = try Checkpoint.make(for: log, key: key)
        XCTAssertEqual(checkpoint.endPosition, 40)
        XCTAssertEqual(checkpoint.headHash, try log.verify().headHash.description)
        _ = try log.append((40..<60).map { draft($0) })
        let decoded = try Checkpoint.decode(try checkpoint.encoded())
        XCTAssertNoThrow(try decoded.verify(against: log, trustedKey: key.publicKey))
    }

    func testTamperedCheckpointOrForeignKeyIsRejected() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        _ = try log.append((0..<10).map { draft($0) })
        let key = try CheckpointKey.loadOrCreate(in: dir)
        var checkpoint = try Checkpoint.make(for: log, key: key)
        XCTAssertThrowsError(try checkpoint.verify(against: log, trustedKey: Curve25519.Signing.PrivateKey().publicKey))
        checkpoint.endPosition = 9
        XCTAssertThrowsError(try checkpoint.verify(against: log)) { XCTAssertEqual(($0 as? LogError)?.code, .signature) }
    }

    func testRewrittenHistoryFailsTheCheckpoint() throws {
        let dir = try makeStoreDirectory(self)
        let log = try FileLog(directory: dir)
        _ = try log.append((0..<10).map { draft($0) })
        let checkpoint = try Checkpoint.make(for: log, key: try CheckpointKey.loadOrCreate(in: dir))
        try log.close()
        // Someone rewrites the log from scratch with other content: chain and CRCs are sound, the head is not.
        try FileManager.default.removeItem(atPath: dir + "/" + "00000000000000000000.log")
        let forged = try FileLog(directory: dir)
        _ = try forged.append((100..<110).map { draft($0) })
        XCTAssertNoThrow(try forged.verify())
        XCTAssertThrowsError(try checkpoint.verify(against: forged)) {
            XCTAssertEqual(($0 as? LogError)?.code, .signature)
        }
    }
}
