@testable import OrientirIndicators
import XCTest

final class KeyTablesTests: XCTestCase {
    /// The flat set and map against the standard library's, through growth, with key 0 and keys that collide in
    /// their low bits.
    func testKeySetAndKeyMapAgreeWithTheStandardLibrary() {
        var generator = SystemRandomNumberGenerator()
        var set = KeySet(capacity: 1)
        var reference = Set<UInt64>()
        var map = KeyMap(capacity: 1)
        var referenceMap: [UInt64: Int32] = [:]
        var keys: [UInt64] = [0, 1, 1 << 32, 1 << 40, UInt64.max - 1]
        for _ in 0..<20_000 { keys.append(UInt64.random(in: 0..<5_000, using: &generator) << 20) }
        for _ in 0..<20_000 { keys.append(UInt64.random(in: 0..<(UInt64.max - 1), using: &generator)) }
        for (index, key) in keys.enumerated() {
            XCTAssertEqual(set.insert(key), reference.insert(key).inserted, "key \(key)")
            map[key] = Int32(index)
            referenceMap[key] = Int32(index)
        }
        XCTAssertEqual(set.count, reference.count)
        XCTAssertEqual(map.count, referenceMap.count)
        for key in keys.prefix(2_000) { XCTAssertEqual(map[key], referenceMap[key]) }
        XCTAssertNil(map[12_345])
        let entries = map.sortedEntries()
        XCTAssertEqual(entries.map(\.key), referenceMap.keys.sorted())
        XCTAssertEqual(entries.map(\.value), referenceMap.keys.sorted().map { referenceMap[$0]! })
    }
}
