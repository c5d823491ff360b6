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

    /// Pair sets and maps against the standard library's, both as dense matrices and, past their size limit, as
    /// hash tables; the map's entries come out by row, then column, in both forms.
    func testPairSetAndPairMapAgreeWithTheStandardLibraryDenseAndHashed() {
        var generator = SystemRandomNumberGenerator()
        for (rows, columns) in [(37, 1_000), (1 << 14, 1 << 13)] {
            XCTAssertEqual(rows * columns > PairSet.denseLimit, columns == 1 << 13)
            var set = PairSet(rows: rows, columns: columns)
            var reference = Set<[Int]>()
            var map = PairMap(rows: columns, columns: rows)
            var referenceMap: [[Int]: Int32] = [:]
            var pairs = [(0, Int32(0)), (rows - 1, Int32(columns - 1))]
            for _ in 0..<20_000 {
                pairs.append((Int.random(in: 0..<rows, using: &generator), Int32.random(in: 0..<Int32(columns), using: &generator)))
            }
            for (index, (row, column)) in pairs.enumerated() {
                XCTAssertEqual(set.insert(row, column), reference.insert([row, Int(column)]).inserted, "\(row), \(column)")
                map[column, row] = Int32(index)
                referenceMap[[Int(column), row]] = Int32(index)
            }
            for (row, column) in pairs.prefix(1_000) {
                XCTAssertEqual(map[column, row], referenceMap[[Int(column), row]])
                XCTAssertFalse(set.insert(row, column))
            }
            let entries = map.sortedEntries()
            let keys = referenceMap.keys.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
            XCTAssertEqual(entries.map { [Int($0.row), $0.column] }, keys)
            XCTAssertEqual(entries.map(\.value), keys.map { referenceMap[$0]! })
            var visited = 0
            map.forEach { row, column, value in
                XCTAssertEqual(referenceMap[[Int(row), column]], value)
                visited += 1
            }
            XCTAssertEqual(visited, referenceMap.count)
        }
    }
}
