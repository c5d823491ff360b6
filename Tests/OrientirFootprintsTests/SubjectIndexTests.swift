import Foundation
import OrientirEvents
import OrientirFootprints
import OrientirLog
import OrientirProjections
import XCTest

final class SubjectIndexTests: XCTestCase {
    /// Every subject key an event names, from the decoded event: the reference the in-place fold is held to.
    private func subjects(of event: Event) -> [String] {
        var keys = [event.stream]
        switch event.data {
        case .studentEnrolled(let data): keys.append("org-" + data.schoolOrgId)
        case .staffMemberRegistered(let data): keys.append("org-" + data.orgId)
        case .mentorRegistered(let data): if let org = data.orgId { keys.append("org-" + org) }
        case .expertRegistered(let data): if let org = data.orgId { keys.append("org-" + org) }
        case .programmeEnrolled(let data): keys.append("programme-" + data.programmeId)
        case .programmeCompleted(let data): keys.append("programme-" + data.programmeId)
        case .careerTrialCompleted(let data): keys.append("org-" + data.providerOrgId)
        case .mentorshipStarted(let data):
            keys.append("person-" + data.mentorId)
            keys.append((data.menteeKind == .team ? "team-" : "person-") + data.menteeId)
        case .teamRegistered(let data):
            keys.append("org-" + data.schoolOrgId)
            keys += data.memberIds.map { "person-" + $0 }
        case .teamMemberJoined(let data): keys.append("person-" + data.personId)
        case .teamMemberLeft(let data): keys.append("person-" + data.personId)
        case .agreementSigned(let data): keys.append("org-" + data.coordinatorOrgId)
        case .programmeLaunched(let data): keys.append("org-" + data.holderOrgId)
        default: break
        }
        return keys
    }

    private func positions(_ index: SubjectIndex, _ key: String) -> [UInt64] { index.events(of: key).map(\.position) }

    /// Each subject's positions among the first `count` events, leaving out those a retraction among them removes.
    private func expectedPositions(_ events: [Event], count: Int) -> [String: [UInt64]] {
        var retracted = Set<EventID>()
        for event in events.prefix(count) {
            if case .eventRetracted(let retraction) = event.data { retracted.insert(retraction.eventId) }
        }
        var expected: [String: [UInt64]] = [:]
        for (position, event) in events.prefix(count).enumerated() where !retracted.contains(event.id) {
            for key in Set(subjects(of: event)) { expected[key, default: []].append(UInt64(position)) }
        }
        return expected
    }

    /// The index built from scratch, caught up chunk by chunk through checkpoints (rows from the snapshot plus
    /// pending entries), and as of the head, against the subjects of the decoded events.
    func testChunkedCatchUpThroughCheckpointsEqualsRebuildAndTheDecodedEvents() throws {
        var lines: [String] = []
        RegionGenerator(seed: 5, students: 50, years: 2).write { lines.append($0) }
        let parser = EventParser()
        let events = try lines.enumerated().map { try parser.parse(line: $1, lineNumber: $0 + 1, file: "gen") }
        let directory = NSTemporaryDirectory() + "orientir-subjects-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let store = InMemoryStore()
        var expected: [String: [UInt64]] = [:]
        var appended = 0
        var rng = UInt64(99)
        while appended < events.count {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            let next = min(events.count, appended + 1 + Int((rng >> 33) % 300))
            _ = try store.append(events[appended..<next].map {
                RecordDraft(id: $0.id.bytes, stream: $0.stream, payload: EventCodec.encode($0))
            })
            appended = next
            expected = expectedPositions(events, count: appended)
            // A fresh process each time: from the last checkpoint, then a new one.
            let slot = ProjectionSlot<SubjectIndex>()
            try ProjectionEngine(store: store, snapshots: SnapshotDirectory(path: directory)).catchUp([slot])
            for key in expected.keys.sorted().prefix(40) {
                XCTAssertEqual(positions(slot.state, key), expected[key], "\(key) after \(appended)")
            }
        }
        let caughtUp = ProjectionSlot<SubjectIndex>()
        try ProjectionEngine(store: store, snapshots: SnapshotDirectory(path: directory)).catchUp([caughtUp])
        let rebuilt = ProjectionSlot<SubjectIndex>()
        try ProjectionEngine(store: store).rebuild([rebuilt])
        XCTAssertTrue(events.contains { $0.type == .eventRetracted }, "the region has retractions")
        XCTAssertEqual(rebuilt.state.count, expected.values.reduce(Set<UInt64>()) { $0.union($1) }.count)
        for (key, want) in expected {
            XCTAssertEqual(positions(rebuilt.state, key), want, key)
            XCTAssertEqual(positions(caughtUp.state, key), want, key)
        }
        XCTAssertEqual(positions(rebuilt.state, "person-nobody"), [])
        let event = try XCTUnwrap(rebuilt.state.events(of: events[0].stream).first)
        XCTAssertEqual(event.event, events[0])
    }
}
