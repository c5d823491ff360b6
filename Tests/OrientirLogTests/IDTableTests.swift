import XCTest
@testable import OrientirLog

/// The writer's id table holds fingerprints, not ids: two ids that share one must both be kept, found and
/// removed apart, through growth and backward-shift deletion.
final class IDTableTests: XCTestCase {
    func testFingerprintCollisionsKeepBothEntries() {
        var table = IDTable(capacity: 4)
        // Position 1 and 2 under the same fingerprint (two different ids that collide).
        XCTAssertNil(table.insertUnlessConfirmed(42, 1) { _ in XCTFail("empty table"); return false })
        XCTAssertNil(table.insertUnlessConfirmed(42, 2) { $0 == 99 })  // the stored record's id differs: not a repeat
        XCTAssertEqual(table.count, 2)
        // The repeat of the second id is found, and only after the first was checked and refused.
        var asked: [UInt64] = []
        XCTAssertEqual(table.insertUnlessConfirmed(42, 3) { asked.append($0); return $0 == 2 }, 2)
        XCTAssertEqual(asked, [1, 2])
        XCTAssertEqual(table.count, 2)

        // Growth keeps every entry.
        for p in 10..<5_000 { table.insert(UInt64(p) &* 0x9E37_79B9_7F4A_7C15 | 1, UInt64(p)) }
        XCTAssertEqual(table.first(42) { $0 == 1 }, 1)
        XCTAssertEqual(table.first(42) { $0 == 2 }, 2)

        // Removing one leaves the other.
        table.remove(42, 1)
        XCTAssertNil(table.first(42) { $0 == 1 })
        XCTAssertEqual(table.first(42) { _ in true }, 2)
        for p in 10..<5_000 where p % 3 == 0 { table.remove(UInt64(p) &* 0x9E37_79B9_7F4A_7C15 | 1, UInt64(p)) }
        for p in 10..<5_000 {
            let found = table.first(UInt64(p) &* 0x9E37_79B9_7F4A_7C15 | 1) { $0 == UInt64(p) }
            XCTAssertEqual(found, p % 3 == 0 ? nil : UInt64(p), "position \(p)")
        }
    }

    func testCopiesDoNotShareChanges() {
        var table = IDTable(capacity: 1_000_000)  // large enough to be mapped from the kernel
        table.insert(7, 70)
        var copy = table
        copy.insert(8, 80)
        table.remove(7, 70)
        XCTAssertNil(table.first(8) { _ in true })
        XCTAssertEqual(copy.first(7) { _ in true }, 70)
        XCTAssertEqual(copy.first(8) { _ in true }, 80)
    }

    func testFingerprintsAreNeverZeroAndSpreadIDs() {
        var seen = Set<UInt64>()
        for n in 0..<10_000 {
            let id = (0..<16).map { UInt8(truncatingIfNeeded: (n >> ($0 % 4 * 4)) &+ $0) }
            let fingerprint = IDTable(key: 7).fingerprint(id)
            XCTAssertNotEqual(fingerprint, 0)
            seen.insert(fingerprint)
        }
        XCTAssertEqual(seen.count, 10_000)
        XCTAssertNotEqual(IDTable(key: 7).fingerprint([1]), IDTable(key: 7).fingerprint([1, 0]))
        // Keyed: another table's key gives other fingerprints, so colliding ids cannot be made from outside.
        XCTAssertNotEqual(IDTable(key: 7).fingerprint([1, 2, 3]), IDTable(key: 8).fingerprint([1, 2, 3]))
    }
}

/// The processor's CRC-32C instruction and the table-driven code give the same checksums, and both give the
/// standard check value.
final class CRC32CTests: XCTestCase {
    func testInstructionAndTableAgree() {
        let check = Array("123456789".utf8)
        XCTAssertEqual(check.withUnsafeBytes { CRC32C.software(0, $0) }, 0xE306_9283)  // the CRC-32C check value
        XCTAssertEqual(CRC32C.checksum(check), 0xE306_9283)
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 63, 64, 65, 1000, 4099] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            bytes.withUnsafeBytes { raw in
                XCTAssertEqual(CRC32C.update(0, raw), CRC32C.software(0, raw), "length \(length)")
                // Continuing over two parts equals one pass over the whole.
                let cut = length / 3
                let head = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: raw[0..<cut]))
                XCTAssertEqual(CRC32C.update(head, UnsafeRawBufferPointer(rebasing: raw[cut...])), CRC32C.software(0, raw))
            }
        }
    }
}
