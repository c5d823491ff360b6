import Foundation
import OrientirEvents
import OrientirIndicators
import OrientirLog
import OrientirProjections
import XCTest

final class IndicatorFactsFoldTests: XCTestCase {
    func render(_ facts: IndicatorFacts) -> String {
        IndicatorOutput.json(facts.indicators(), asOfPosition: nil, asOfRecordedAt: nil)
    }

    func testRebuildEqualsChunkedCatchUpWithSnapshotsEqualsAsOf() throws {
        var lines: [String] = []
        RegionGenerator(seed: 42, students: 60, years: 2).write { lines.append($0) }
        let parser = EventParser()
        let events = try lines.enumerated().map { try parser.parse(line: $1, lineNumber: $0 + 1, file: "gen") }
        let directory = NSTemporaryDirectory() + "orientir-indicators-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let store = InMemoryStore()
        var rng = UInt64(12345)
        var appended = 0
        var cuts: [(UInt64, String)] = []
        while appended < events.count {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let chunk = 1 + Int((rng >> 33) % 200)
            let next = min(events.count, appended + chunk)
            _ = try store.append(events[appended..<next].map {
                RecordDraft(id: $0.id.bytes, stream: $0.stream, payload: EventCodec.encode($0))
            })
            appended = next
            let slot = ProjectionSlot<IndicatorFacts>()
            try ProjectionEngine(store: store, snapshots: SnapshotDirectory(path: directory), snapshotInterval: 97)
                .catchUp([slot])
            let fresh = ProjectionSlot<IndicatorFacts>()
            try ProjectionEngine(store: store).fold([fresh], asOf: .head)
            XCTAssertEqual(render(slot.state), render(fresh.state), "after \(appended)")
            cuts.append((UInt64(appended - 1), render(fresh.state)))
        }
        let engine = ProjectionEngine(store: store, snapshots: SnapshotDirectory(path: directory), snapshotInterval: 97)
        let rebuilt = ProjectionSlot<IndicatorFacts>()
        try engine.rebuild([rebuilt])
        XCTAssertEqual(render(rebuilt.state), cuts.last!.1)
        for (position, expected) in cuts {
            let slot = ProjectionSlot<IndicatorFacts>()
            try engine.fold([slot], asOf: .position(position))
            XCTAssertEqual(render(slot.state), expected, "as of \(position)")
        }
    }
}
